"""grade outbox: the tool's gradebook columns per cohort, and the scores waiting to be posted

Revision ID: 0009_grade_outbox
Revises: 0008_report_reminders
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_grade_outbox"
down_revision: str | None = "0008_report_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grade_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("lineitem_url", sa.String(length=1024), nullable=True),
        sa.Column("creating_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_grade_column_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_column")),
        sa.UniqueConstraint("cohort_id", "tag", name=op.f("uq_grade_column_cohort_id_tag")),
    )
    op.create_table(
        "grade_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("column_tag", sa.String(length=255), nullable=False),
        sa.Column("column_label", sa.String(length=255), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("score_timestamp", sa.DateTime(timezone=True), nullable=True),
        sa.Column("maybe_landed", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_grade_post_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_grade_post_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_post")),
    )
    with op.batch_alter_table("grade_post", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grade_post_key", ["cohort_id", "column_tag", "person_id"], unique=False
        )
        batch_op.create_index("ix_grade_post_state_due", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grade_post", schema=None) as batch_op:
        batch_op.drop_index("ix_grade_post_state_due")
        batch_op.drop_index("ix_grade_post_key")
    op.drop_table("grade_post")
    op.drop_table("grade_column")
