"""pairing: mentor and candidate profiles, qualification evidence, pairings, their history
and pushes to Canvas

Revision ID: 0005_pairing
Revises: 0004_cohort_calendar
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_pairing"
down_revision: str | None = "0004_cohort_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("mentor_person_id", sa.Integer(), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.JSON(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_person_id"],
            ["person.id"],
            name=op.f("fk_pairing_candidate_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_pairing_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_person_id"],
            ["person.id"],
            name=op.f("fk_pairing_mentor_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing")),
    )
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.create_index("ix_pairing_cohort_status", ["cohort_id", "status"], unique=False)

    op.create_table(
        "pairing_candidate_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("nominated", sa.Boolean(), nullable=False),
        sa.Column("growth_areas", sa.JSON(), nullable=False),
        sa.Column("preferred_mentor_ids", sa.JSON(), nullable=False),
        sa.Column("conflict_ids", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_pairing_candidate_profile_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_candidate_profile")),
        sa.UniqueConstraint("person_id", name=op.f("uq_pairing_candidate_profile_person_id")),
    )
    op.create_table(
        "pairing_mentor_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_pairing_mentor_profile_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_mentor_profile")),
        sa.UniqueConstraint("person_id", name=op.f("uq_pairing_mentor_profile_person_id")),
    )
    op.create_table(
        "pairing_push",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("pushed_pairs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_pairing_push_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_push")),
    )
    with op.batch_alter_table("pairing_push", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairing_push_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "pairing_qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("verified_by_person_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_pairing_qualification_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_person_id"],
            ["person.id"],
            name=op.f("fk_pairing_qualification_verified_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_qualification")),
        sa.UniqueConstraint(
            "person_id", "key", name=op.f("uq_pairing_qualification_person_id_key")
        ),
    )
    op.create_table(
        "pairing_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_person_id"],
            ["person.id"],
            name=op.f("fk_pairing_event_actor_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairing.id"],
            name=op.f("fk_pairing_event_pairing_id_pairing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_event")),
    )
    with op.batch_alter_table("pairing_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pairing_event_pairing_id"), ["pairing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pairing_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairing_event_pairing_id"))

    op.drop_table("pairing_event")
    op.drop_table("pairing_qualification")
    with op.batch_alter_table("pairing_push", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairing_push_cohort_id"))

    op.drop_table("pairing_push")
    op.drop_table("pairing_mentor_profile")
    op.drop_table("pairing_candidate_profile")
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.drop_index("ix_pairing_cohort_status")

    op.drop_table("pairing")
