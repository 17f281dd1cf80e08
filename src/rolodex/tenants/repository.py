"""Queries for tenants, users and keys."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rolodex.models import ApiKey, Tenant, User


def tenant_by_ref(session: Session, ref: str) -> Tenant | None:
    """A tenant by slug or id."""
    try:
        tid = uuid.UUID(ref)
    except ValueError:
        return session.scalars(select(Tenant).where(Tenant.slug == ref)).first()
    return session.get(Tenant, tid)


def slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None


def api_key(session: Session, tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
    return session.get(ApiKey, (tenant_id, key_id))


def list_keys(session: Session, tenant_id: uuid.UUID) -> list[ApiKey]:
    return list(
        session.scalars(
            select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.created_at)
        )
    )


def users_by_email(session: Session, email: str) -> list[User]:
    return list(session.scalars(select(User).where(User.email == email)))


def user_by_email(session: Session, tenant_id: uuid.UUID, email: str) -> User | None:
    return session.scalars(
        select(User).where(User.tenant_id == tenant_id, User.email == email)
    ).first()
