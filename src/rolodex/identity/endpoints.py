"""Identity endpoints: duplicates, merges and undo, scans, thresholds."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.errors import Conflict, NotFound, field_error
from rolodex.identity import cursor as cursor_of_pairs
from rolodex.identity import presenters, repository, scan, service
from rolodex.identity.schemas import (
    DismissOut,
    DuplicateList,
    MergeIn,
    MergeList,
    MergeOut,
    MergePreview,
    ScanIn,
    ScanOut,
    ThresholdsIO,
    UndoOut,
)
from rolodex.kit import query_params
from rolodex.kit.ids import new_id
from rolodex.models import DedupeScan

router = APIRouter(tags=["identity"])

DUPLICATE_PARAMS = ("min_score", "customer_id", "limit", "cursor")
MERGE_PARAMS = ("customer_id", "limit")


def _decode_cursor(cursor: str) -> tuple[float, uuid.UUID]:
    try:
        return cursor_of_pairs.decode(cursor)
    except ValueError as exc:
        raise field_error("cursor", "not a cursor from this list") from exc


@router.get("/v1/duplicates", response_model=DuplicateList)
def list_duplicates(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    customer_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DuplicateList:
    """Candidate duplicate pairs, best first (default: at or above the review threshold)."""
    query_params.only_own(request.query_params.keys(), DUPLICATE_PARAMS, "the list of duplicates")
    after = _decode_cursor(cursor) if cursor else None
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        items, people, more = service.list_duplicates(
            session,
            principal.tenant_id,
            min_score=min_score,
            customer_id=customer_id,
            after=after,
            limit=limit,
        )
        out = [presenters.duplicate(c, people) for c in items]
    last = items[-1] if more and items else None
    return DuplicateList(
        items=out, next_cursor=cursor_of_pairs.encode(last.score, last.id) if last else None
    )


@router.post("/v1/duplicates/{candidate_id}/dismiss", response_model=DismissOut)
def dismiss_duplicate(
    request: Request,
    candidate_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> DismissOut:
    """Not the same person: the pair is remembered and never proposed again."""
    with request.app.state.db.session(principal.tenant_id) as session:
        found = service.dismiss(session, principal, candidate_id)
        return DismissOut(
            id=found.id, customer_a_id=found.customer_a_id, customer_b_id=found.customer_b_id
        )


@router.post("/v1/duplicates/scan", status_code=202, response_model=ScanOut)
def start_scan(
    request: Request,
    background: BackgroundTasks,
    body: ScanIn | None = None,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> ScanOut:
    """Scan the whole tenant for duplicates in the background; poll the scan for progress."""
    auto_merge = bool(body and body.auto_merge)
    db = request.app.state.db
    with db.session(principal.tenant_id) as session:
        running = repository.running_scan(session, principal.tenant_id)
        if running is not None:
            raise Conflict(
                f"scan {running.id} is still {running.state}",
                code="scan_running",
                details={"scan_id": str(running.id)},
            )
        row = DedupeScan(
            tenant_id=principal.tenant_id,
            id=new_id(),
            state="queued",
            auto_merge=auto_merge,
            actor_id=f"{principal.actor_type}:{principal.actor_id}",
        )
        session.add(row)
        session.flush()
        out = ScanOut.model_validate(row)
    background.add_task(_scan_job, db, principal, out.id, auto_merge)
    return out


def _scan_job(db: Any, principal: Principal, scan_id: uuid.UUID, auto_merge: bool) -> None:
    try:
        scan.run(db, principal, scan_id=scan_id, auto_merge=auto_merge)
    except Exception:  # recorded on the scan row as failed; nothing to answer to
        return


@router.get("/v1/duplicates/scans/{scan_id}", response_model=ScanOut)
def get_scan(
    request: Request, scan_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> ScanOut:
    """One scan: its state, progress and figures."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        row = repository.scan(session, principal.tenant_id, scan_id)
        if row is None:
            raise NotFound(f"no scan {scan_id}")
        return ScanOut.model_validate(row)


@router.post(
    "/v1/merges",
    status_code=201,
    response_model=MergeOut | MergePreview,
    responses={200: {"model": MergePreview, "description": "dry run: what would happen"}},
)
def create_merge(
    request: Request,
    response: Response,
    body: MergeIn,
    dry_run: Annotated[bool, Query(description="Preview only: nothing is written.")] = False,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> MergeOut | MergePreview:
    """Merge duplicate_id into survivor_id (or preview it with dry_run=true)."""
    if dry_run:
        with request.app.state.db.session(principal.tenant_id, write=False) as session:
            plan = service.preview_merge(
                session, principal.tenant_id, body.survivor_id, body.duplicate_id
            )
            response.status_code = 200
            return presenters.preview(plan)
    with request.app.state.db.session(principal.tenant_id) as session:
        log = service.merge_customers(session, principal, body.survivor_id, body.duplicate_id)
        return presenters.merge(session, log, with_survivor=True)


@router.get("/v1/merges", response_model=MergeList)
def list_merges(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    customer_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MergeList:
    """Merges, newest first (of one customer, as survivor or duplicate, with customer_id)."""
    query_params.only_own(request.query_params.keys(), MERGE_PARAMS, "the list of merges")
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        logs = repository.merges_page(session, principal.tenant_id, customer_id, limit)
        return MergeList(items=[presenters.merge(session, log) for log in logs])


@router.get("/v1/merges/{merge_id}", response_model=MergeOut)
def get_merge(
    request: Request, merge_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> MergeOut:
    """One merge and what it did."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        log = service.get_merge(session, principal.tenant_id, merge_id)
        return presenters.merge(session, log, with_survivor=True)


@router.post("/v1/merges/{merge_id}/undo", response_model=UndoOut)
def undo_merge(
    request: Request, merge_id: uuid.UUID, principal: Principal = Depends(require(Permission.WRITE))
) -> UndoOut:
    """Restore both customers as they were (409 if the survivor was merged again since)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        done = service.undo_merge(session, principal, merge_id)
        return UndoOut(
            merge=presenters.merge(session, done.log),
            moved_back=done.moved_back,
            kept_changes=done.kept_changes,
            missing=done.missing,
        )


@router.get("/v1/identity/settings", response_model=ThresholdsIO)
def get_settings(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> ThresholdsIO:
    """The tenant's matching thresholds."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        value = service.get_thresholds(session, principal.tenant_id)
    return ThresholdsIO(auto_merge_threshold=value.auto_merge, review_threshold=value.review)


@router.put("/v1/identity/settings", response_model=ThresholdsIO)
def put_settings(
    request: Request, body: ThresholdsIO, principal: Principal = Depends(require(Permission.ADMIN))
) -> ThresholdsIO:
    """Change the tenant's auto-merge and review thresholds (0–1, review ≤ auto-merge)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        value = service.set_thresholds(
            session, principal.tenant_id, body.auto_merge_threshold, body.review_threshold
        )
    return ThresholdsIO(auto_merge_threshold=value.auto_merge, review_threshold=value.review)
