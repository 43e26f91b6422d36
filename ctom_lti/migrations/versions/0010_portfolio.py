"""portfolio: artifacts, reflections per principle, comment threads and reviewers' last visits

Revision ID: 0010_portfolio
Revises: 0009_grade_outbox
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_portfolio"
down_revision: str | None = "0009_grade_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "portfolio_artifact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=128), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("canvas_assignment_id", sa.String(length=64), nullable=True),
        sa.Column("canvas_submission_id", sa.String(length=64), nullable=True),
        sa.Column("principle_keys", sa.JSON(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("portfolio_artifact", "cohort_id", "cohort", "CASCADE"),
        _fk("portfolio_artifact", "candidate_person_id", "person", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_artifact")),
    )
    with op.batch_alter_table("portfolio_artifact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portfolio_artifact_owner", ["cohort_id", "candidate_person_id"], unique=False
        )

    op.create_table(
        "portfolio_reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        sa.Column("principle_key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("cited_artifact_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("shared_at", nullable=True),
        sa.Column("signed_off_by_person_id", sa.Integer(), nullable=True),
        _when("signed_off_at", nullable=True),
        sa.Column("reopened_reason", sa.Text(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _fk("portfolio_reflection", "cohort_id", "cohort", "CASCADE"),
        _fk("portfolio_reflection", "candidate_person_id", "person", "CASCADE"),
        _fk("portfolio_reflection", "signed_off_by_person_id", "person", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_reflection")),
        sa.UniqueConstraint(
            "cohort_id",
            "candidate_person_id",
            "principle_key",
            name=op.f("uq_portfolio_reflection_owner_principle"),
        ),
    )

    op.create_table(
        "portfolio_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=True),
        sa.Column("artifact_id", sa.Integer(), nullable=True),
        sa.Column("author_person_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _when("created_at"),
        _fk("portfolio_comment", "cohort_id", "cohort", "CASCADE"),
        _fk("portfolio_comment", "candidate_person_id", "person", "CASCADE"),
        _fk("portfolio_comment", "reflection_id", "portfolio_reflection", "CASCADE"),
        _fk("portfolio_comment", "artifact_id", "portfolio_artifact", "CASCADE"),
        _fk("portfolio_comment", "author_person_id", "person", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_comment")),
    )
    with op.batch_alter_table("portfolio_comment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portfolio_comment_owner", ["cohort_id", "candidate_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portfolio_comment_reflection_id"), ["reflection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portfolio_comment_artifact_id"), ["artifact_id"], unique=False
        )

    op.create_table(
        "portfolio_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        _when("seen_at"),
        _fk("portfolio_visit", "person_id", "person", "CASCADE"),
        _fk("portfolio_visit", "cohort_id", "cohort", "CASCADE"),
        _fk("portfolio_visit", "candidate_person_id", "person", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_visit")),
        sa.UniqueConstraint(
            "person_id",
            "cohort_id",
            "candidate_person_id",
            name=op.f("uq_portfolio_visit_person_owner"),
        ),
    )


def downgrade() -> None:
    op.drop_table("portfolio_visit")
    with op.batch_alter_table("portfolio_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portfolio_comment_artifact_id"))
        batch_op.drop_index(batch_op.f("ix_portfolio_comment_reflection_id"))
        batch_op.drop_index("ix_portfolio_comment_owner")
    op.drop_table("portfolio_comment")
    op.drop_table("portfolio_reflection")
    with op.batch_alter_table("portfolio_artifact", schema=None) as batch_op:
        batch_op.drop_index("ix_portfolio_artifact_owner")
    op.drop_table("portfolio_artifact")
