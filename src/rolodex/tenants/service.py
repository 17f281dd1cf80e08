"""Use cases: create tenants, keys and users; authenticate keys and passwords."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from rolodex.auth.keys import new_key
from rolodex.auth.passwords import hash_password, verify_password
from rolodex.auth.roles import ROLE_PERMISSIONS
from rolodex.customers.normalize import check_email, normalize_email
from rolodex.errors import Conflict, InvalidInput, NotFound, field_error
from rolodex.kit.phones import is_region
from rolodex.kit.time import utcnow
from rolodex.models import ApiKey, Tenant, User
from rolodex.tenants import repository

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class IssuedKey:
    id: uuid.UUID
    tenant_id: uuid.UUID
    role: str
    key: str  # shown once, never stored


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63]
    return slug if len(slug) >= 2 else f"t-{uuid.uuid4().hex[:8]}"


def create_tenant(
    session: Session, name: str, *, slug: str | None = None, default_region: str = "US"
) -> Tenant:
    name = name.strip()
    if not name:
        raise field_error("name", "a tenant needs a name")
    slug = slug or slugify(name)
    if not SLUG_RE.match(slug):
        raise field_error("slug", "lowercase letters, digits and dashes, 2 to 63 characters", slug)
    if not is_region(default_region):
        raise field_error("default_region", "not an ISO 3166 region code", default_region)
    if repository.slug_taken(session, slug):
        raise Conflict(f"a tenant with slug {slug!r} exists", details={"slug": slug})
    tenant = Tenant(name=name, slug=slug, default_region=default_region.upper())
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, ref: str) -> Tenant:
    tenant = repository.tenant_by_ref(session, ref)
    if tenant is None:
        raise NotFound(f"no tenant {ref!r}")
    return tenant


def create_key(session: Session, tenant_id: uuid.UUID, role: str, name: str = "") -> IssuedKey:
    if role not in ROLE_PERMISSIONS:
        raise field_error("role", f"one of {', '.join(ROLE_PERMISSIONS)}", role)
    key_id, full, secret_hash = new_key(tenant_id)
    session.add(
        ApiKey(
            tenant_id=tenant_id,
            id=key_id,
            role=role,
            name=name or f"{role} key",
            secret_hash=secret_hash,
        )
    )
    session.flush()
    return IssuedKey(id=key_id, tenant_id=tenant_id, role=role, key=full)


def revoke_key(session: Session, tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    key = repository.api_key(session, tenant_id, key_id)
    if key is None:
        raise NotFound("no such API key")
    key.revoked_at = key.revoked_at or utcnow()
    return key


def create_user(
    session: Session,
    tenant_id: uuid.UUID,
    email: str,
    password: str,
    *,
    role: str = "admin",
    name: str | None = None,
) -> User:
    if role not in ROLE_PERMISSIONS:
        raise field_error("role", f"one of {', '.join(ROLE_PERMISSIONS)}", role)
    try:
        email = normalize_email(check_email(email))
    except ValueError as exc:
        raise field_error("email", str(exc), email) from exc
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise field_error("password", str(exc)) from exc
    if repository.user_by_email(session, tenant_id, email) is not None:
        raise Conflict(f"a user with email {email} exists in this tenant")
    user = User(tenant_id=tenant_id, email=email, password_hash=password_hash, role=role, name=name)
    session.add(user)
    session.flush()
    return user


def authenticate_user(session: Session, email: str, password: str) -> User:
    """The user with this email and password; reads only (the session may not know the tenant
    yet: on PostgreSQL it is opened with ``login_email`` so that RLS admits the lookup)."""
    candidates = repository.users_by_email(session, normalize_email(email))
    for user in candidates:
        if user.disabled_at is None and verify_password(password, user.password_hash):
            return user
    if not candidates:
        verify_password(password, None)
    raise InvalidInput("email or password is wrong", code="invalid_credentials")


def record_login(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    user = session.get(User, (tenant_id, user_id))
    if user is not None:
        user.last_login_at = utcnow()
