"""LTI layer: launch state, sessions, service tokens, caches, mentor scope; programme profile

Revision ID: 0002_lti
Revises: 0001_core

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lti"
down_revision: str | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Key/value tables used when no Redis is configured (same shape each).
_KV_TABLES = ("lti_cache", "lti_launch_state", "lti_service_token", "lti_session")


def upgrade() -> None:
    for name in _KV_TABLES:
        op.create_table(
            name,
            sa.Column("key", sa.String(length=255), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f(f"pk_{name}")),
        )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{name}_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "lti_mentor_scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("mentor_person_id", sa.Integer(), nullable=False),
        sa.Column("mentee_sub", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_lti_mentor_scope_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_person_id"],
            ["person.id"],
            name=op.f("fk_lti_mentor_scope_mentor_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_mentor_scope")),
        sa.UniqueConstraint(
            "cohort_id",
            "mentor_person_id",
            "mentee_sub",
            name=op.f("uq_lti_mentor_scope_cohort_id_mentor_person_id_mentee_sub"),
        ),
    )
    with op.batch_alter_table("lti_mentor_scope", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lti_mentor_scope_cohort_mentee", ["cohort_id", "mentee_sub"], unique=False
        )

    op.create_table(
        "programme_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("years_in_leadership", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_programme_profile_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_profile")),
        sa.UniqueConstraint("person_id", name=op.f("uq_programme_profile_person_id")),
    )


def downgrade() -> None:
    op.drop_table("programme_profile")
    with op.batch_alter_table("lti_mentor_scope", schema=None) as batch_op:
        batch_op.drop_index("ix_lti_mentor_scope_cohort_mentee")
    op.drop_table("lti_mentor_scope")
    for name in reversed(_KV_TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_expires_at"))
        op.drop_table(name)
