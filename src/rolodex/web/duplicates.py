"""Duplicates review: candidate pairs side by side with their differences and reasons; merge
(choose the survivor and, field by field, whose value stays), dismiss, undo recent merges."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from rolodex.auth.roles import Permission
from rolodex.errors import RolodexError, field_error
from rolodex.identity import cursor as cursor_of_pairs
from rolodex.identity import presenters, repository
from rolodex.identity import service as identity
from rolodex.identity.merge import FILL_GROUPS, SURVIVOR_WINS
from rolodex.web import nav
from rolodex.web.errors import readable
from rolodex.web.session import (
    check_csrf,
    current_user,
    flash,
    render,
    require_permission,
    templates,
)

router = APIRouter(prefix="/duplicates", include_in_schema=False)
nav.add("Duplicates", "/duplicates", order=30)

PAGE = 25
# Fields shown side by side: (label, brief attribute).
BRIEF_FIELDS = [
    ("Name", "full_name"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Company", "company"),
    ("City", "city"),
    ("Postcode", "postcode"),
    ("Stage", "lifecycle_stage"),
    ("LTV", "ltv"),
]
REASONS = {
    "same_email": "same email",
    "same_mailbox": "one mailbox, different names",
    "same_phone": "same phone",
    "similar_name": "similar name",
    "same_name": "same name",
    "same_postcode": "same postcode",
    "same_address": "same address",
    "different_email": "different emails",
    "different_phone": "different phones",
}
# Fields a person may take from the duplicate when both have a different value.
CHOOSABLE = tuple(group[0] for group in FILL_GROUPS) + SURVIVOR_WINS
COMPARED = [
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("lifecycle_stage", "Stage"),
    ("status", "Status"),
    ("customer_type", "Type"),
    ("acquisition_source", "Acquisition source"),
    ("notes", "Notes"),
    ("tags", "Tags"),
    ("ltv", "LTV"),
]


def differs(a: Any, b: Any, attr: str) -> bool:
    """Whether two shown values differ for a person: phones by their digits, text by case."""
    if attr == "phone" and a and b:
        return (
            "".join(c for c in str(a) if c.isdigit())[-10:]
            != "".join(c for c in str(b) if c.isdigit())[-10:]
        )
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() != b.strip().casefold()
    return bool(a != b)


templates.env.globals["differs"] = differs


def _after(cursor: str | None) -> tuple[float, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        return cursor_of_pairs.decode(cursor)
    except ValueError as exc:
        raise field_error("cursor", "not a page of this list; start again") from exc


@router.get("")
def duplicates_page(
    request: Request, cursor: Annotated[str | None, Query(max_length=200)] = None
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        pairs, people, more = identity.list_duplicates(
            session, user.tenant_id, min_score=None, customer_id=None, after=_after(cursor),
            limit=PAGE,
        )  # fmt: skip
        shown = [presenters.duplicate(p, people) for p in pairs]
        logs = repository.merges_page(session, user.tenant_id, None, 10)
        merges = [presenters.merge(session, log) for log in logs]
        names = repository.customers_by_id(
            session,
            user.tenant_id,
            [m.survivor_id for m in merges] + [m.duplicate_id for m in merges],
        )
    last = pairs[-1] if more and pairs else None
    return render(
        request,
        "duplicates/index.html",
        pairs=shown,
        fields=BRIEF_FIELDS,
        reasons=REASONS,
        merges=merges,
        names={cid: (c.full_name or c.email or "Unnamed") for cid, c in names.items()},
        next_cursor=cursor_of_pairs.encode(last.score, last.id) if last else None,
    )


@router.post("/{candidate_id}/dismiss")
def dismiss(
    request: Request,
    candidate_id: uuid.UUID,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    with request.app.state.db.session(user.tenant_id) as session:
        identity.dismiss(session, user.principal, candidate_id)
    flash(request, "Dismissed: this pair will not be proposed again.")
    return RedirectResponse("/duplicates", status_code=303)


def _prefer(form: Any) -> frozenset[str]:
    return frozenset(f for f in CHOOSABLE if form.get(f"keep_{f}") == "duplicate")


@router.get("/merge")
def compare(request: Request, survivor: uuid.UUID, duplicate: uuid.UUID) -> Any:
    """Both customers side by side and the survivor as the merge would leave it."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    prefer = _prefer(request.query_params)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        plan = identity.preview_merge(session, user.tenant_id, survivor, duplicate, prefer)
        preview = presenters.preview(plan)
        from rolodex.customers import service as customers

        left, right = customers.to_out(plan.survivor), customers.to_out(plan.duplicate)
    conflicts = {c.field: c for c in preview.conflicts}
    return render(
        request,
        "duplicates/merge.html",
        s=left,
        d=right,
        result=preview.result,
        preview=preview,
        compared=COMPARED,
        conflicts=conflicts,
        choosable=CHOOSABLE,
        prefer=prefer,
        score=request.query_params.get("score", ""),
    )


@router.post("/merge")
async def merge(request: Request) -> Any:
    user = current_user(request)
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    require_permission(user, Permission.WRITE)
    try:
        survivor_id = uuid.UUID(str(form.get("survivor_id") or ""))
        duplicate_id = uuid.UUID(str(form.get("duplicate_id") or ""))
    except ValueError as exc:
        raise field_error("survivor_id", "choose two customers to merge") from exc
    raw_score = str(form.get("score") or "")
    score = float(raw_score) if raw_score.replace(".", "", 1).isdigit() else None
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            log = identity.merge_customers(
                session,
                user.principal,
                survivor_id,
                duplicate_id,
                origin="dashboard",
                score=score,
                prefer=_prefer(form),
            )
            merge_id = log.id
    except RolodexError as exc:
        flash(request, f"The customers were not merged. {readable(exc)}", "error")
        return RedirectResponse(
            f"/duplicates/merge?survivor={survivor_id}&duplicate={duplicate_id}", status_code=303
        )
    flash(
        request,
        "Merged. Everything of the duplicate now belongs to this customer.",
        action=("Undo merge", f"/duplicates/merges/{merge_id}/undo"),
    )
    return RedirectResponse(f"/customers/{survivor_id}", status_code=303)


@router.post("/merges/{merge_id}/undo")
def undo(
    request: Request, merge_id: uuid.UUID, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            done = identity.undo_merge(session, user.principal, merge_id)
            kept = sum(len(v) for v in done.kept_changes.values())
    except RolodexError as exc:
        flash(request, f"The merge was not undone. {readable(exc)}", "error")
        return RedirectResponse("/duplicates", status_code=303)
    extra = f" {kept} field(s) edited since the merge keep their new value." if kept else ""
    flash(request, f"Merge undone: both customers are back as they were.{extra}")
    return RedirectResponse("/duplicates", status_code=303)
