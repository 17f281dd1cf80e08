"""What each role may do. Endpoints ask for a permission, never for a role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
    READ = "read"  # see customers and their history
    WRITE = "write"  # change customers
    INGEST = "ingest"  # create customers, events, orders, imports (integrations)
    ADMIN = "admin"  # keys, users, erasure, deleted records


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "agent": frozenset({Permission.READ, Permission.WRITE, Permission.INGEST}),
    "viewer": frozenset({Permission.READ}),
    "ingest": frozenset({Permission.INGEST}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: an API key, a signed-in user, a webhook source or the system."""

    tenant_id: uuid.UUID
    role: str
    actor_type: str  # api_key | user | webhook | system
    actor_id: str
    name: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())
