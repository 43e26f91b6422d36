"""cohorts: calendar, settings and Canvas course on the cohort; every cohort has a registration

Revision ID: 0004_cohort_calendar
Revises: 0003_sync

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_cohort_calendar"
down_revision: str | None = "0003_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _give_orphan_cohorts_a_registration() -> None:
    """Cohorts without a registration could be adopted by any tenant; each must now have one.

    With a single registration the answer is clear. With several, guessing could hand a
    cohort to the wrong school, so the upgrade stops and says what to do.
    """
    conn = op.get_bind()
    orphans = conn.execute(sa.text("SELECT count(*) FROM cohort WHERE platform_id IS NULL"))
    if not orphans.scalar_one():
        return
    platforms = conn.execute(sa.text("SELECT id FROM platform")).scalars().all()
    if len(platforms) != 1:
        raise RuntimeError(
            "Some cohorts have no registration and there is not exactly one registration to "
            "give them. Set cohort.platform_id for them (or delete the unused rows), then run "
            "`ctom-lti init` again."
        )
    conn.execute(
        sa.text("UPDATE cohort SET platform_id = :p WHERE platform_id IS NULL"),
        {"p": platforms[0]},
    )


def upgrade() -> None:
    _give_orphan_cohorts_a_registration()
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canvas_url", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("term_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("term_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("nrps_url", sa.String(length=1024), nullable=True))
        batch_op.add_column(
            sa.Column("roster_refreshed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("platform_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index("ix_cohort_sis_course_id")
        batch_op.create_unique_constraint(
            batch_op.f("uq_cohort_platform_id_sis_course_id"), ["platform_id", "sis_course_id"]
        )

    op.create_table(
        "cohort_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_cohort_session_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_session")),
        sa.UniqueConstraint("cohort_id", "number", name=op.f("uq_cohort_session_cohort_id_number")),
    )

    for table in ("sync_mapping", "sync_run"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_cohort_id"), ["cohort_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_cohort_id_cohort"),
                "cohort",
                ["cohort_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table in ("sync_run", "sync_mapping"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_cohort_id_cohort"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_cohort_id"))
            batch_op.drop_column("cohort_id")

    op.drop_table("cohort_session")

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cohort_platform_id_sis_course_id"), type_="unique")
        batch_op.create_index("ix_cohort_sis_course_id", ["sis_course_id"], unique=False)
        batch_op.alter_column("platform_id", existing_type=sa.Integer(), nullable=True)
        for column in (
            "roster_refreshed_at",
            "nrps_url",
            "settings",
            "term_end",
            "term_start",
            "time_zone",
            "number",
            "canvas_url",
        ):
            batch_op.drop_column(column)
