"""Saved view queries."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rolodex.models import SavedView


def get(session: Session, tenant_id: uuid.UUID, view_id: uuid.UUID) -> SavedView | None:
    return session.get(SavedView, (tenant_id, view_id))


def visible(
    session: Session, tenant_id: uuid.UUID, owner_type: str, owner_id: str, limit: int = 500
) -> list[SavedView]:
    """The caller's own views and every shared one, by name."""
    return list(
        session.scalars(
            select(SavedView)
            .where(
                SavedView.tenant_id == tenant_id,
                or_(
                    SavedView.shared.is_(True),
                    (SavedView.owner_type == owner_type) & (SavedView.owner_id == owner_id),
                ),
            )
            .order_by(SavedView.name, SavedView.id)
            .limit(limit)
        )
    )
