"""the phone index holds live customers with a phone, in the order matching takes them
(oldest first): a blocking lookup reads the 50 oldest holders of a phone from the index alone

Revision ID: 0105_phone_key_live
Revises: 0104_analyze_function
Create Date: 2026-12-05

``ix_customers_tenant_phone`` (tenant_id, phone_e164) becomes ``ix_customers_phone_live``
(tenant_id, phone_e164, created_at, id) WHERE deleted_at IS NULL AND phone_e164 IS NOT NULL,
as 0103 did for the name key. Past the cap of 50 both matchers take the oldest holders of a
phone (a shop's own number on many profiles); without the age in the index each lookup read
and sorted every holder's row. Customers without a phone are no longer in it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0105_phone_key_live"
down_revision: str | Sequence[str] | None = "0104_analyze_function"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL AND phone_e164 IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_customers_phone_live",
        "customers",
        ["tenant_id", "phone_e164", "created_at", "id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.drop_index("ix_customers_tenant_phone", "customers")


def downgrade() -> None:
    op.create_index("ix_customers_tenant_phone", "customers", ["tenant_id", "phone_e164"])
    op.drop_index("ix_customers_phone_live", "customers")
