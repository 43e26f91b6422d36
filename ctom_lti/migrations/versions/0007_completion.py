"""completion: admins' overrides of a rule for a candidate, and frozen completion snapshots

Revision ID: 0007_completion
Revises: 0006_reports
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_completion"
down_revision: str | None = "0006_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "completion_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("by_person_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_person_id"],
            ["person.id"],
            name=op.f("fk_completion_override_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_completion_override_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_completion_override_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completion_override")),
        sa.UniqueConstraint(
            "cohort_id",
            "person_id",
            "rule",
            name=op.f("uq_completion_override_cohort_id_person_id_rule"),
        ),
    )
    op.create_table(
        "completion_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("by_person_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_person_id"],
            ["person.id"],
            name=op.f("fk_completion_snapshot_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_completion_snapshot_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completion_snapshot")),
    )
    with op.batch_alter_table("completion_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            "ix_completion_snapshot_cohort", ["cohort_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("completion_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_completion_snapshot_cohort")
    op.drop_table("completion_snapshot")
    op.drop_table("completion_override")
