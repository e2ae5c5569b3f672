"""consent ledger: append-only consent events, each vouched for by its audit event

Revision ID: 0011
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("identifier_hash", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=80), nullable=False),
        sa.Column("medium", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("wording_version", sa.String(length=120), nullable=False),
        sa.Column("wording_digest", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=True),
        sa.Column("organisation_hash", sa.String(length=64), nullable=True),
        sa.Column("organisation_sealed", sa.Text(), nullable=True),
        sa.Column("given_by", sa.String(length=40), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index(
        "ix_consent_events_person", "consent_events", ["pseudonym", "purpose", "id"], unique=False
    )
    op.create_index(
        "ix_consent_events_organisation_hash",
        "consent_events",
        ["organisation_hash"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_consent_events_organisation_hash", table_name="consent_events")
    op.drop_index("ix_consent_events_person", table_name="consent_events")
    op.drop_table("consent_events")
