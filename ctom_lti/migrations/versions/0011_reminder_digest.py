"""report reminders: the digest of the last message tried, to find it in Canvas when Canvas's
answer to the send was lost

Revision ID: 0011_reminder_digest
Revises: 0010_portfolio
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_reminder_digest"
down_revision: str | None = "0010_portfolio"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_report_reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_report_reminder", schema=None) as batch_op:
        batch_op.drop_column("message_digest")
