"""Join the branches written side by side into one head, so new migrations have one parent.

Revision ID: 0100
Revises: 0003b, 0004, 0005, 0006, 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0100"
down_revision: str | Sequence[str] | None = ("0003b", "0004", "0005", "0006", "0007")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
