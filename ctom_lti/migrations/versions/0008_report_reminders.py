"""report reminders: each reminder step tried for a progress report, sent at most once; an index
for counting reports by cohort and state

Revision ID: 0008_report_reminders
Revises: 0007_completion
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_report_reminders"
down_revision: str | None = "0007_completion"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_report_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_progress_report_reminder_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_report.id"],
            name=op.f("fk_progress_report_reminder_report_id_progress_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report_reminder")),
        sa.UniqueConstraint(
            "report_id", "step", name=op.f("uq_progress_report_reminder_report_id_step")
        ),
    )
    with op.batch_alter_table("progress_report_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_report_reminder_report_id"), ["report_id"], unique=False
        )
        batch_op.create_index(
            "ix_progress_report_reminder_cohort_status", ["cohort_id", "status"], unique=False
        )
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_progress_report_cohort_status_due",
            ["cohort_id", "status", "due_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_report_cohort_status_due")
    with op.batch_alter_table("progress_report_reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_report_reminder_cohort_status")
        batch_op.drop_index(batch_op.f("ix_progress_report_reminder_report_id"))
    op.drop_table("progress_report_reminder")
