"""the privileged-access register: events, findings, cursors of polled sources

Revision ID: 0013
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0013"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = dataward.core.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "access_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_event_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("started_at", Moment(timezone=True), nullable=False),
        sa.Column("ended_at", Moment(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("warning_shown", sa.Boolean(), nullable=True),
        sa.Column("device_in_use", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(length=100), nullable=True),
        sa.Column("incident", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("collection", sa.String(length=200), nullable=True),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("received_at", Moment(timezone=True), nullable=False),
        sa.Column("audit_sequence", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_events")),
        sa.UniqueConstraint("source", "source_event_id", name=op.f("uq_access_events_source")),
    )
    op.create_index("ix_access_events_client_started", "access_events", ["client", "started_at"])
    op.create_index("ix_access_events_device_started", "access_events", ["device", "started_at"])
    op.create_table(
        "access_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("raised_at", Moment(timezone=True), nullable=False),
        sa.Column("closed_at", Moment(timezone=True), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["access_events.id"],
            name=op.f("fk_access_findings_event_id_access_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_findings")),
        sa.UniqueConstraint("event_id", "rule", name=op.f("uq_access_findings_event_id")),
    )
    op.create_index(op.f("ix_access_findings_event_id"), "access_findings", ["event_id"])
    op.create_index("ix_access_findings_open", "access_findings", ["closed_at"])
    op.create_table(
        "access_cursors",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("polled_at", Moment(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_access_cursors")),
    )


def downgrade() -> None:
    op.drop_table("access_cursors")
    op.drop_index("ix_access_findings_open", table_name="access_findings")
    op.drop_index(op.f("ix_access_findings_event_id"), table_name="access_findings")
    op.drop_table("access_findings")
    op.drop_index("ix_access_events_device_started", table_name="access_events")
    op.drop_index("ix_access_events_client_started", table_name="access_events")
    op.drop_table("access_events")
