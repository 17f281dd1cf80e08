"""HTTP pieces identity lends to the customer endpoints: match-on-create and the redirect of a
merged customer's id to its survivor."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.customers.schemas import CustomerCreate, CustomerOut
from rolodex.identity import service
from rolodex.identity.errors import CustomerMerged

MATCH_DOC = (
    "Match against existing customers first (email, phone, name; see GET /v1/duplicates for "
    "scores). A match at or above the tenant's auto-merge threshold updates that customer "
    "(empty fields filled, tags added) and answers 200; otherwise the customer is created "
    "(201) and close candidates are queued for review. Headers tell what happened: "
    "`X-Match-Outcome: matched|created`, `X-Match-Score`, `X-Match-Id`. A key that cannot "
    "read customers (the `ingest` role) is answered a match with its id only, "
    '`{"id": ..., "matched": true}`: the stored record is not disclosed to it.'
)

MATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": CustomerOut,
        "description": "matched an existing customer and updated it (for a key without read: "
        '`{"id": ..., "matched": true}` only)',
    },
}

MERGED_RESPONSES: dict[int | str, dict[str, Any]] = {
    307: {
        "description": (
            "the customer was merged: `Location` is the survivor's URL; the body is the error "
            '`{"error": {"code": "merged", "details": {"survivor_id": ...}}}`'
        ),
    },
}


def match_or_create(
    request: Request, response: Response, principal: Principal, body: CustomerCreate
) -> CustomerOut | JSONResponse:
    with request.app.state.db.session(principal.tenant_id) as session:
        outcome = service.match_or_create(session, principal, body, channel="api")
        out = customers.to_out(outcome.customer)
    headers = {"X-Match-Outcome": "created" if outcome.created else "matched"}
    if outcome.score is not None:
        headers["X-Match-Score"] = f"{outcome.score:.4f}"
    if outcome.match_id is not None:
        headers["X-Match-Id"] = str(outcome.match_id)
    headers["Location"] = f"/v1/customers/{out.id}"
    if not outcome.created and not principal.can(Permission.READ):
        # an ingest key (a website's chat widget holds one) would read anyone's record by
        # sending their email: it learns the id its later events and orders need, no more
        return JSONResponse({"id": str(out.id), "matched": True}, headers=headers)
    response.status_code = 201 if outcome.created else 200
    response.headers.update(headers)
    return out


def merged_redirect(session: Session, principal: Principal, exc: CustomerMerged) -> Response:
    """307 to the live survivor (following merges of merges), with the error body."""
    survivor = service.resolve(session, principal.tenant_id, exc.customer_id)
    body = {
        "error": {
            "code": exc.code,
            "message": f"customer {exc.customer_id} was merged into {survivor}; use that id",
            "details": {"customer_id": str(exc.customer_id), "survivor_id": str(survivor)},
        }
    }
    return JSONResponse(body, status_code=307, headers={"Location": f"/v1/customers/{survivor}"})
