"""Quick actions on a customer: change stage (with reason and LTV amount), delete and
restore, and "merge with…" (pick the other customer, then compare on the duplicates page)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.customers import deletion
from rolodex.customers import service as customers
from rolodex.errors import RolodexError
from rolodex.identity import presenters
from rolodex.identity import service as identity
from rolodex.lifecycle import service as lifecycle
from rolodex.lifecycle.schemas import TransitionIn
from rolodex.search import service as search
from rolodex.web.errors import readable
from rolodex.web.filters import money, stage_label
from rolodex.web.session import check_csrf, current_user, flash, render, require_permission

router = APIRouter(prefix="/customers", include_in_schema=False)

Csrf = Annotated[str, Form(max_length=200)]


def _page(customer_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.post("/{customer_id}/stage")
def change_stage(
    request: Request,
    customer_id: uuid.UUID,
    stage: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    ltv_amount: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Csrf = "",
) -> Any:
    """A stage transition; with an amount, LTV follows the rule (customer adds, else sets)."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        data = TransitionIn.model_validate(
            {
                "stage": stage or None,
                "reason": reason or None,
                "ltv_amount": ltv_amount.strip().replace(",", "") or None,
            }
        )
        with request.app.state.db.session(user.tenant_id) as session:
            record = lifecycle.transition(
                session, user.principal, customer_id, data.stage, data.reason, data.ltv_amount
            )
            to_stage, ltv_after = record.to_stage, record.ltv_after
    except (ValidationError, RolodexError) as exc:
        flash(request, f"The stage was not changed. {readable(exc)}", "error")
        return _page(customer_id)
    note = f" LTV is now {money(ltv_after)}." if data.ltv_amount is not None else ""
    flash(request, f"Stage changed to {stage_label(to_stage)}.{note}")
    return _page(customer_id)


@router.post("/{customer_id}/delete")
def delete(request: Request, customer_id: uuid.UUID, csrf_token: Csrf = "") -> Any:
    """Soft delete: gone from lists, search, segments, exports and figures; restorable."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    with request.app.state.db.session(user.tenant_id) as session:
        gone = deletion.delete_customer(session, user.principal, customer_id)
        name = gone.full_name or gone.email or "The customer"
    flash(
        request,
        f"{name} was deleted: no longer in lists, search, segments, exports or figures.",
        action=("Undo", f"/customers/{customer_id}/restore"),
    )
    return RedirectResponse("/customers", status_code=303)


@router.post("/{customer_id}/restore")
def restore(request: Request, customer_id: uuid.UUID, csrf_token: Csrf = "") -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            back = deletion.restore_customer(session, user.principal, customer_id)
            name = back.full_name or back.email or "The customer"
    except RolodexError as exc:
        flash(request, f"Could not restore. {readable(exc)}", "error")
        return RedirectResponse("/customers", status_code=303)
    flash(request, f"{name} is back.")
    return _page(customer_id)


@router.get("/{customer_id}/merge")
def merge_picker(
    request: Request,
    customer_id: uuid.UUID,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """Choose the other customer: suggested duplicates first, or search for one."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    error = None
    found: list[Any] = []
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        this = customers.to_out(customers.get_customer(session, user.tenant_id, customer_id))
        pairs, people, _ = identity.list_duplicates(
            session, user.tenant_id, min_score=None, customer_id=customer_id, after=None, limit=10
        )
        suggested = [
            (p.score, presenters.brief(people.get(other), other), [r["code"] for r in p.reasons])
            for p in pairs
            for other in [p.customer_b_id if p.customer_a_id == customer_id else p.customer_a_id]
        ]
        if q and q.strip():
            try:
                result = search.list_customers(
                    session, user.tenant_id, search.ListQuery(q=q.strip(), limit=10)
                )
                found = [customers.to_out(c) for c in result.items if c.id != customer_id]
            except RolodexError as exc:
                error = readable(exc)
    template = (
        "customers/_merge_results.html"
        if request.headers.get("hx-request")
        else "customers/merge.html"
    )
    return render(
        request, template, c=this, q=q or "", found=found, suggested=suggested, error=error
    )
