"""portfolio artifacts: a version, so a candidate's edits that race each other are caught

Revision ID: 0012_artifact_version
Revises: 0011_reminder_digest
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_artifact_version"
down_revision: str | None = "0011_reminder_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("portfolio_artifact", schema=None) as batch_op:
        # Existing artifacts start at version 1, as new ones do.
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("portfolio_artifact", schema=None) as batch_op:
        batch_op.drop_column("version")
