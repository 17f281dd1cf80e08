"""Analytics endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from rolodex.analytics import stats
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal

router = APIRouter(prefix="/v1", tags=["analytics"])


@router.get("/stats", response_model=stats.Stats)
def get_stats(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> stats.Stats:
    """Dashboard figures over live (not deleted) customers."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return stats.compute(session, principal.tenant_id)
