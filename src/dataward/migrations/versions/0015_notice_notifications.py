"""notice notifications: who was told of a version's changes, and whether everyone was

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_notification_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("started_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("finished_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_number"),
    )
    op.create_table(
        "notice_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_number", "recipient_hash"),
    )
    op.create_index(
        "ix_notice_notifications_version_number", "notice_notifications", ["version_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_notice_notifications_version_number", table_name="notice_notifications")
    op.drop_table("notice_notifications")
    op.drop_table("notice_notification_runs")
