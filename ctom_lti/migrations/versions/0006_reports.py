"""reports: monthly mentor progress reports and each cohort's due rule

Revision ID: 0006_reports
Revises: 0005_pairing
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_reports"
down_revision: str | None = "0005_pairing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("mentor_person_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("overall", sa.String(length=24), nullable=True),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by_person_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_person_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_person_id"],
            ["person.id"],
            name=op.f("fk_progress_report_candidate_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_progress_report_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_person_id"],
            ["person.id"],
            name=op.f("fk_progress_report_mentor_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairing.id"],
            name=op.f("fk_progress_report_pairing_id_pairing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_person_id"],
            ["person.id"],
            name=op.f("fk_progress_report_reviewed_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_person_id"],
            ["person.id"],
            name=op.f("fk_progress_report_saved_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report")),
        sa.UniqueConstraint(
            "pairing_id", "month", name=op.f("uq_progress_report_pairing_id_month")
        ),
    )
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_progress_report_candidate", ["candidate_person_id", "month"], unique=False
        )
        batch_op.create_index(
            "ix_progress_report_cohort_month", ["cohort_id", "month"], unique=False
        )
        batch_op.create_index(
            "ix_progress_report_mentor", ["mentor_person_id", "month"], unique=False
        )

    op.create_table(
        "progress_report_rule",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_progress_report_rule_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_progress_report_rule")),
    )


def downgrade() -> None:
    op.drop_table("progress_report_rule")
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_report_mentor")
        batch_op.drop_index("ix_progress_report_cohort_month")
        batch_op.drop_index("ix_progress_report_candidate")

    op.drop_table("progress_report")
