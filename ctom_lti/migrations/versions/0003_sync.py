"""canvas sync: mapping of desired keys to Canvas ids, run history

Revision ID: 0003_sync
Revises: 0001_core

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sync"
down_revision: str | None = "0002_lti"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canvas_url", sa.String(length=512), nullable=False),
        sa.Column("canvas_course_id", sa.BigInteger(), nullable=False),
        sa.Column("sis_course_id", sa.String(length=255), nullable=False),
        sa.Column("desired_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("canvas_id", sa.BigInteger(), nullable=False),
        sa.Column("created_by_sync", sa.Boolean(), nullable=False),
        sa.Column("sent_digest", sa.String(length=64), nullable=True),
        sa.Column("seen_digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_mapping")),
        sa.UniqueConstraint(
            "canvas_url",
            "canvas_course_id",
            "desired_key",
            name=op.f("uq_sync_mapping_canvas_url_canvas_course_id_desired_key"),
        ),
    )
    op.create_index(
        "ix_sync_mapping_course_sis", "sync_mapping", ["canvas_url", "sis_course_id"], unique=False
    )
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canvas_url", sa.String(length=512), nullable=False),
        sa.Column("sis_course_id", sa.String(length=255), nullable=False),
        sa.Column("canvas_course_id", sa.BigInteger(), nullable=True),
        sa.Column("cohort_name", sa.String(length=255), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("prune", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("api_reads", sa.Integer(), nullable=False),
        sa.Column("api_writes", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    op.create_index(
        "ix_sync_run_course_sis", "sync_run", ["canvas_url", "sis_course_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_sync_run_course_sis", table_name="sync_run")
    op.drop_table("sync_run")
    op.drop_index("ix_sync_mapping_course_sis", table_name="sync_mapping")
    op.drop_table("sync_mapping")
