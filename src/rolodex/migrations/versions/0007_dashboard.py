"""dashboard: the tenant's latest activities in time order (the overview's recent activity)

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activities_tenant_at", "activities", ["tenant_id", "occurred_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_activities_tenant_at", table_name="activities")
