"""cookie_choices: each choice a website visitor made on the cookie banner

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cookie_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("banner_version", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("global_privacy_control", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cookie_choices_visitor", "cookie_choices", ["visitor_id", "id"])
    op.create_index("ix_cookie_choices_banner_version", "cookie_choices", ["banner_version"])
    op.create_index("ix_cookie_choices_recorded_at", "cookie_choices", ["recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_cookie_choices_recorded_at", table_name="cookie_choices")
    op.drop_index("ix_cookie_choices_banner_version", table_name="cookie_choices")
    op.drop_index("ix_cookie_choices_visitor", table_name="cookie_choices")
    op.drop_table("cookie_choices")
