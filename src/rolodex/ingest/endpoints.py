"""Webhook receivers (Shopify, Klaviyo), webhook sources, and the inbox."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.errors import field_error
from rolodex.ingest import repository, sources
from rolodex.ingest.inbox import Receiver
from rolodex.ingest.schemas import (
    HookReceipt,
    InboxList,
    InboxOut,
    RotateIn,
    SourceIn,
    SourceList,
    SourceOut,
)
from rolodex.ingest.sources import TargetCache
from rolodex.kit import keyset, pagination
from rolodex.models import InboxItem, WebhookSource
from rolodex.ratelimit import limiter_for
from rolodex.tenants import repository as tenants

hooks_router = APIRouter(prefix="/v1/hooks", tags=["webhooks"])
sources_router = APIRouter(tags=["webhooks"])
_lock = threading.Lock()

SIGNED_BODY = {
    "description": "The raw body, exactly as the sender signed it.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def receiver(app: Any) -> Receiver:
    found = getattr(app.state, "webhook_receiver", None)
    if found is None:
        with _lock:
            found = getattr(app.state, "webhook_receiver", None)
            if found is None:
                found = Receiver(app.state.db, app.state.settings, limiter_for(app), TargetCache())
                app.state.webhook_receiver = found
    return found


_DUPLICATE = b'{"status":"duplicate","id":null}'


async def _receive(request: Request, tenant: str, provider: str) -> Response:
    body = await request.body()
    got = await receiver(request.app).receive_async(tenant, provider, request.headers, body)
    if got.duplicate:
        return Response(_DUPLICATE, media_type="application/json")
    wake = getattr(request.app.state, "job_wakeup", None)
    if wake is not None:
        wake.set()
    # HookReceipt, written by hand: this is the hottest path there is.
    content = b'{"status":"accepted","id":"%s"}' % str(got.id).encode()
    return Response(content, media_type="application/json")


@hooks_router.post(
    "/{tenant}/shopify", response_model=HookReceipt, openapi_extra={"requestBody": SIGNED_BODY}
)
async def shopify_webhook(request: Request, tenant: str) -> Response:
    """Receive a Shopify webhook: verified, stored before the 200, applied by a job."""
    return await _receive(request, tenant, "shopify")


@hooks_router.post(
    "/{tenant}/klaviyo", response_model=HookReceipt, openapi_extra={"requestBody": SIGNED_BODY}
)
async def klaviyo_webhook(request: Request, tenant: str) -> Response:
    """Receive a Klaviyo webhook batch: verified, stored before the 200, applied by a job."""
    return await _receive(request, tenant, "klaviyo")


def _source_out(request: Request, source: WebhookSource, slug: str) -> SourceOut:
    limiter = limiter_for(request.app)
    return SourceOut(
        id=source.id,
        provider=source.provider,
        name=source.name,
        webhook_path=f"/v1/hooks/{slug}/{source.provider}",
        created_at=source.created_at,
        rotated_at=source.rotated_at,
        previous_valid_until=source.previous_valid_until,
        disabled_at=source.disabled_at,
        rejected_last_hour=limiter.rejected(str(source.tenant_id), source.provider),
    )


def _slug(request: Request, tenant_id: uuid.UUID) -> str:
    with request.app.state.db.session(write=False) as session:
        found = tenants.tenant_by_ref(session, str(tenant_id))
        return found.slug if found else str(tenant_id)


def _changed(request: Request) -> None:
    receiver(request.app).targets.clear()


@sources_router.post("/v1/sources", status_code=201, response_model=SourceOut)
def create_source(
    request: Request, body: SourceIn, principal: Principal = Depends(require(Permission.ADMIN))
) -> SourceOut:
    """Register a Shopify or Klaviyo webhook source with its signing secret."""
    key = request.app.state.settings.secret_key
    with request.app.state.db.session(principal.tenant_id) as session:
        source = sources.create_source(
            session, principal.tenant_id, body.provider, body.secret, name=body.name, secret_key=key
        )
    _changed(request)
    return _source_out(request, source, _slug(request, principal.tenant_id))


@sources_router.get("/v1/sources", response_model=SourceList)
def list_sources(
    request: Request, principal: Principal = Depends(require(Permission.ADMIN))
) -> SourceList:
    """Webhook sources of the tenant (secrets are never shown)."""
    slug = _slug(request, principal.tenant_id)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        found = repository.sources(session, principal.tenant_id)
        return SourceList(items=[_source_out(request, s, slug) for s in found])


@sources_router.post("/v1/sources/{source_id}/rotate", response_model=SourceOut)
def rotate_source(
    request: Request,
    source_id: uuid.UUID,
    body: RotateIn,
    principal: Principal = Depends(require(Permission.ADMIN)),
) -> SourceOut:
    """Replace the signing secret; the old one stays valid for a grace period."""
    settings = request.app.state.settings
    hours = (
        body.grace_hours if body.grace_hours is not None else settings.webhook_secret_grace_hours
    )
    with request.app.state.db.session(principal.tenant_id) as session:
        source = sources.rotate_secret(
            session,
            principal.tenant_id,
            source_id,
            body.secret,
            grace=timedelta(hours=hours),
            secret_key=settings.secret_key,
        )
    _changed(request)
    return _source_out(request, source, _slug(request, principal.tenant_id))


@sources_router.delete("/v1/sources/{source_id}", status_code=204)
def disable_source(
    request: Request,
    source_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.ADMIN)),
) -> Response:
    """Stop accepting webhooks from this source."""
    with request.app.state.db.session(principal.tenant_id) as session:
        sources.disable_source(session, principal.tenant_id, source_id)
    _changed(request)
    return Response(status_code=204)


@sources_router.get("/v1/inbox", response_model=InboxList)
def list_inbox(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    provider: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> InboxList:
    """Received webhooks, newest first, with the state of the job applying each."""
    if provider is not None and provider not in ("shopify", "klaviyo"):
        raise field_error("provider", "shopify or klaviyo", provider)
    keys = pagination.parse_sort(
        "-received_at", {"received_at": InboxItem.received_at}, InboxItem.id
    )
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        stmt = repository.inbox_query(principal.tenant_id, provider)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        states = repository.job_states(
            session, principal.tenant_id, [i.job_id for i in items if i.job_id]
        )
        out = []
        for item in items:
            state, error = states.get(item.job_id, (None, None)) if item.job_id else (None, None)
            out.append(
                InboxOut(
                    id=item.id,
                    source_id=item.source_id,
                    provider=item.provider,
                    topic=item.topic,
                    delivery_key=item.delivery_key,
                    event_id=item.event_id,
                    triggered_at=item.triggered_at,
                    received_at=item.received_at,
                    processed_at=item.processed_at,
                    job_id=item.job_id,
                    job_state=state,
                    job_error=error,
                    result=item.result,
                    headers=item.headers or {},
                    size=len(item.body or b""),
                )
            )
        return InboxList(items=out, next_cursor=next_cursor)
