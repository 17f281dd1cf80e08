"""default addresses are indexed by their postcode key: a crowded name's namesakes at a
postcode are found through it (identity.repository.crowded_namesakes)

Revision ID: 0108_postcode_key
Revises: 0107_import_origin
Create Date: 2026-12-05

``ix_customer_addresses_postcode_key`` on (tenant_id, postcode key, customer_id) of default
addresses (the customer id too: the lookup reads the index alone),
the key being normalize.postcode_key written in SQL (upper case, without spaces, dashes and
tabs; a ZIP+4 keeps its nine digits, which a range on the ZIP finds). The expression is
identity.repository.POSTCODE_KEY's, written exactly so for the index to serve it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0108_postcode_key"
down_revision: str | Sequence[str] | None = "0107_import_origin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = {
    "sqlite": "upper(replace(replace(replace(postcode, ' ', ''), '-', ''), char(9), ''))",
    "postgresql": "(upper(replace(replace(replace(postcode, ' ', ''), '-', ''), chr(9), ''))"
    ' COLLATE "C")',
}
WHERE = {"sqlite": "is_default = 1", "postgresql": "is_default"}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(
        "CREATE INDEX ix_customer_addresses_postcode_key ON customer_addresses "
        f"(tenant_id, {KEY[dialect]}, customer_id) WHERE {WHERE[dialect]}"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_customer_addresses_postcode_key")
