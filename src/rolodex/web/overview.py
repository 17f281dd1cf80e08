"""Overview page: stats cards, charts, recent customers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from rolodex.analytics import stats
from rolodex.models import Customer
from rolodex.web import nav
from rolodex.web.session import current_user, render

router = APIRouter(include_in_schema=False)
nav.add("Overview", "/", order=0)


@router.get("/")
def overview(request: Request) -> Any:
    user = current_user(request)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        figures = stats.compute(session, user.tenant_id)
        recent = session.scalars(
            select(Customer)
            .where(Customer.tenant_id == user.tenant_id, Customer.deleted_at.is_(None))
            .order_by(Customer.updated_at.desc())
            .limit(8)
        ).all()
        recent_rows = [
            {
                "id": c.id,
                "name": c.full_name or c.email or "Unnamed",
                "stage": c.lifecycle_stage,
                "updated_at": c.updated_at,
            }
            for c in recent
        ]
    return render(request, "overview/index.html", stats=figures, recent=recent_rows)
