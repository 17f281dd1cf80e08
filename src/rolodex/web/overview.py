"""Overview page: stats cards, charts (growth, stages, segments), recent activity."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from rolodex.analytics import cache, recent
from rolodex.auth.roles import Permission
from rolodex.kit.time import utcnow
from rolodex.web import nav
from rolodex.web.session import current_user, render, require_permission

router = APIRouter(include_in_schema=False)
nav.add("Overview", "/", order=0)


@router.get("/")
def overview(request: Request) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    db = request.app.state.db
    figures = cache.for_app(request.app).figures(db, user.tenant_id)
    with db.session(user.tenant_id, write=False) as session:
        activity = recent.recent_activity(session, user.tenant_id, limit=12)
    age = (utcnow() - figures.as_of).total_seconds() if figures.as_of else 0.0
    return render(request, "overview/index.html", stats=figures, activity=activity, age_seconds=age)
