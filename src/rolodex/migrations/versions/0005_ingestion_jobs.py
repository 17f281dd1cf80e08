"""ingestion and jobs: webhook sources, inbox, ingest marks, customer predictions, job queue

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-22

Written by hand. On PostgreSQL it also creates the functions workers use to claim jobs across
tenants (SECURITY DEFINER, owned by the migrating role, which a policy lets see every job).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import rolodex.kit.types
from rolodex.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = [
    "jobs",
    "webhook_sources",
    "webhook_inbox",
    "ingest_marks",
    "customer_predictions",
]

UTC = rolodex.kit.types.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
DUE = "state IN ('queued', 'running')"

CLAIM_FUNCTION = """
CREATE OR REPLACE FUNCTION rolodex_claim_jobs(p_worker text, p_limit integer, p_lease integer)
RETURNS TABLE (tenant_id uuid, id uuid, lease_token uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  WITH due AS (
    SELECT j.tenant_id, j.id FROM jobs j
    WHERE (j.state = 'queued' AND j.run_at <= now())
       OR (j.state = 'running' AND j.locked_until < now())
    ORDER BY j.run_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  )
  UPDATE jobs AS u
     SET state = 'running',
         attempts = u.attempts + 1,
         locked_by = p_worker,
         lease_token = gen_random_uuid(),
         locked_until = now() + make_interval(secs => COALESCE(u.lease_seconds, p_lease)),
         started_at = now(),
         updated_at = now()
    FROM due
   WHERE u.tenant_id = due.tenant_id AND u.id = due.id
  RETURNING u.tenant_id, u.id, u.lease_token
$$
"""

JOB_TENANT_FUNCTION = """
CREATE OR REPLACE FUNCTION rolodex_job_tenant(p_id uuid)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT tenant_id FROM jobs WHERE id = p_id LIMIT 1
$$
"""


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("lease_seconds", sa.Integer(), nullable=True),
        sa.Column("run_at", UTC, nullable=False),
        sa.Column("locked_until", UTC, nullable=True),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("lease_token", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'dead')", name=op.f("ck_jobs_state")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_jobs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jobs_due",
            ["run_at"],
            unique=False,
            sqlite_where=sa.text(DUE),
            postgresql_where=sa.text(DUE),
        )
        batch_op.create_index(
            "ix_jobs_tenant_state", ["tenant_id", "state", "created_at", "id"], unique=False
        )

    op.create_table(
        "webhook_sources",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("previous_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("previous_valid_until", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("rotated_at", UTC, nullable=True),
        sa.Column("disabled_at", UTC, nullable=True),
        sa.CheckConstraint(
            "provider IN ('shopify', 'klaviyo')", name=op.f("ck_webhook_sources_provider")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_webhook_sources_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_webhook_sources")),
    )
    with op.batch_alter_table("webhook_sources", schema=None) as batch_op:
        batch_op.create_index(
            "uq_webhook_sources_name", ["tenant_id", "provider", "name"], unique=True
        )

    op.create_table(
        "webhook_inbox",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("triggered_at", UTC, nullable=True),
        sa.Column("headers", JSON, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("processed_at", UTC, nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_webhook_inbox_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_webhook_inbox")),
    )
    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.create_index(
            "uq_webhook_inbox_delivery", ["tenant_id", "provider", "delivery_key"], unique=True
        )
        batch_op.create_index(
            "ix_webhook_inbox_received", ["tenant_id", "received_at", "id"], unique=False
        )

    op.create_table(
        "ingest_marks",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("parent_id", sa.String(length=200), nullable=True),
        sa.Column("version_at", UTC, nullable=True),
        sa.Column("amount", rolodex.kit.types.Money(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_ingest_marks_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "provider", "kind", "external_id", name=op.f("pk_ingest_marks")
        ),
    )
    with op.batch_alter_table("ingest_marks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ingest_marks_parent", ["tenant_id", "provider", "kind", "parent_id"], unique=False
        )

    op.create_table(
        "customer_predictions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("predicted_clv", rolodex.kit.types.Money(), nullable=True),
        sa.Column("historic_clv", rolodex.kit.types.Money(), nullable=True),
        sa.Column("total_clv", rolodex.kit.types.Money(), nullable=True),
        sa.Column("churn_probability", sa.Float(), nullable=True),
        sa.Column("expected_next_order_at", UTC, nullable=True),
        sa.Column("average_order_value", rolodex.kit.types.Money(), nullable=True),
        sa.Column("average_days_between_orders", sa.Float(), nullable=True),
        sa.Column("predicted_number_of_orders", sa.Float(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name=op.f("fk_customer_predictions_tenant_id_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_id", "source", name=op.f("pk_customer_predictions")
        ),
    )

    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    if op.get_bind().dialect.name == "postgresql":
        # The claim functions run as the migrating role; only that role sees every tenant's jobs.
        op.execute(
            "CREATE POLICY worker_claim ON jobs TO CURRENT_USER USING (true) WITH CHECK (true)"
        )
        op.execute(CLAIM_FUNCTION)
        op.execute(JOB_TENANT_FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION rolodex_claim_jobs(text, integer, integer) FROM PUBLIC")
        op.execute("REVOKE ALL ON FUNCTION rolodex_job_tenant(uuid) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rolodex_job_tenant(uuid)")
        op.execute("DROP FUNCTION IF EXISTS rolodex_claim_jobs(text, integer, integer)")
        op.execute("DROP POLICY IF EXISTS worker_claim ON jobs")
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table("customer_predictions")
    with op.batch_alter_table("ingest_marks", schema=None) as batch_op:
        batch_op.drop_index("ix_ingest_marks_parent")
    op.drop_table("ingest_marks")
    with op.batch_alter_table("webhook_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_inbox_received")
        batch_op.drop_index("uq_webhook_inbox_delivery")
    op.drop_table("webhook_inbox")
    with op.batch_alter_table("webhook_sources", schema=None) as batch_op:
        batch_op.drop_index("uq_webhook_sources_name")
    op.drop_table("webhook_sources")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_tenant_state")
        batch_op.drop_index("ix_jobs_due", sqlite_where=sa.text(DUE), postgresql_where=sa.text(DUE))
    op.drop_table("jobs")
