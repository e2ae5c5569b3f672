"""privacy notice versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 22:59:08.437549
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("policy_path", sa.String(length=1000), nullable=False),
        sa.Column("policy_digest", sa.String(length=64), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_notice_versions_number")),
    )

    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_versions_effective_on"), ["effective_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notice_versions_policy_digest"), ["policy_digest"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_versions_policy_digest"))
        batch_op.drop_index(batch_op.f("ix_notice_versions_effective_on"))

    op.drop_table("notice_versions")
