"""identity: matching keys on customers, duplicate candidates, dismissed pairs, merge log,
match records, scans, per-tenant thresholds

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import rolodex.kit.types
from rolodex.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "identity_settings",
    "duplicate_candidates",
    "dismissed_pairs",
    "identity_merges",
    "identity_matches",
    "identity_scans",
]

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = rolodex.kit.types.UTCDateTime(timezone=True)


def _customer_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        ["customers.tenant_id", "customers.id"],
        name=op.f(f"fk_{table}_tenant_id_{column}_customers"),
        ondelete="CASCADE",
    )


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["tenants.id"],
        name=op.f(f"fk_{table}_tenant_id_tenants"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (batch mode does not copy the table for these).
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("email_key", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("name_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_customers_tenant_email_key", ["tenant_id", "email_key"])
        batch_op.create_index("ix_customers_tenant_name_key", ["tenant_id", "name_key"])

    op.create_table(
        "identity_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("auto_merge_threshold", sa.Float(), nullable=False),
        sa.Column("review_threshold", sa.Float(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "review_threshold >= 0 AND review_threshold <= auto_merge_threshold "
            "AND auto_merge_threshold <= 1",
            name=op.f("ck_identity_settings_thresholds"),
        ),
        _tenant_fk("identity_settings"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_identity_settings")),
    )

    op.create_table(
        "duplicate_candidates",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_a_id", sa.Uuid(), nullable=False),
        sa.Column("customer_b_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("scan_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _customer_fk("duplicate_candidates", "customer_a_id"),
        _customer_fk("duplicate_candidates", "customer_b_id"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_duplicate_candidates")),
    )
    with op.batch_alter_table("duplicate_candidates", schema=None) as batch_op:
        batch_op.create_index(
            "uq_duplicate_candidates_pair",
            ["tenant_id", "customer_a_id", "customer_b_id"],
            unique=True,
        )
        batch_op.create_index("ix_duplicate_candidates_score", ["tenant_id", "score", "id"])
        batch_op.create_index("ix_duplicate_candidates_b", ["tenant_id", "customer_b_id"])

    op.create_table(
        "dismissed_pairs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("customer_a_id", sa.Uuid(), nullable=False),
        sa.Column("customer_b_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _customer_fk("dismissed_pairs", "customer_a_id"),
        _customer_fk("dismissed_pairs", "customer_b_id"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_a_id", "customer_b_id", name=op.f("pk_dismissed_pairs")
        ),
    )

    op.create_table(
        "identity_merges",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("duplicate_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("survivor_before", JSON, nullable=False),
        sa.Column("duplicate_before", JSON, nullable=False),
        sa.Column("survivor_after", JSON, nullable=False),
        sa.Column("duplicate_after", JSON, nullable=False),
        sa.Column("moved", JSON, nullable=False),
        sa.Column("inserted", JSON, nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("undone_at", UTC, nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        _customer_fk("identity_merges", "survivor_id"),
        _customer_fk("identity_merges", "duplicate_id"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_identity_merges")),
    )
    with op.batch_alter_table("identity_merges", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_merges_survivor", ["tenant_id", "survivor_id", "created_at"]
        )
        batch_op.create_index(
            "ix_identity_merges_duplicate", ["tenant_id", "duplicate_id", "created_at"]
        )

    op.create_table(
        "identity_matches",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("matched_customer_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("filled", JSON, nullable=False),
        sa.Column("conflicts", JSON, nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _customer_fk("identity_matches", "matched_customer_id"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_identity_matches")),
    )
    with op.batch_alter_table("identity_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_matches_customer", ["tenant_id", "matched_customer_id", "created_at"]
        )

    op.create_table(
        "identity_scans",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("auto_merge", sa.Boolean(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_identity_scans_state")
        ),
        _tenant_fk("identity_scans"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_identity_scans")),
    )
    with op.batch_alter_table("identity_scans", schema=None) as batch_op:
        batch_op.create_index("ix_identity_scans_created", ["tenant_id", "created_at"])

    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table("identity_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_scans_created")
    op.drop_table("identity_scans")
    with op.batch_alter_table("identity_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_matches_customer")
    op.drop_table("identity_matches")
    with op.batch_alter_table("identity_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_merges_duplicate")
        batch_op.drop_index("ix_identity_merges_survivor")
    op.drop_table("identity_merges")
    op.drop_table("dismissed_pairs")
    with op.batch_alter_table("duplicate_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_duplicate_candidates_b")
        batch_op.drop_index("ix_duplicate_candidates_score")
        batch_op.drop_index("uq_duplicate_candidates_pair")
    op.drop_table("duplicate_candidates")
    op.drop_table("identity_settings")
    op.drop_index("ix_customers_tenant_name_key", "customers")
    op.drop_index("ix_customers_tenant_email_key", "customers")
    # Native DROP COLUMN (SQLite 3.35+): a batch copy of customers would drop others' triggers.
    for column in ("name_key", "email_key", "merged_into_id"):
        op.execute(f"ALTER TABLE customers DROP COLUMN {column}")
