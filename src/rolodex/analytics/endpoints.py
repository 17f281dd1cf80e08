"""Analytics endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from rolodex.analytics import cache, stats
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.kit import query_params
from rolodex.search import params as search_params
from rolodex.search import service as search_service

router = APIRouter(prefix="/v1", tags=["analytics"])


@router.get("/stats", response_model=stats.Stats)
def get_stats(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> stats.Stats:
    """Dashboard figures over live (not deleted) customers; the customer list's filter
    parameters (e.g. `segment=value_high`, `filter=...`) narrow them."""
    query_params.refuse_unknown(
        request.query_params.keys(),
        (),
        also=search_params.is_filter_param,
        takes="the figures take the filters of GET /v1/customers, such as stage, status, tag, "
        "segment, ltv_min, attr.<name> and filter",
        detail="not a parameter of the figures",
    )
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        items = request.query_params.multi_items()
        scope = search_service.scope_from_params(session, principal.tenant_id, items)
        if scope is not None:
            return stats.compute(session, principal.tenant_id, scope=scope)
    # The whole tenant: the dashboard's figures (cached past a size, with their as_of).
    return cache.for_app(request.app).figures(request.app.state.db, principal.tenant_id)
