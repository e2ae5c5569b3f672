"""staff accounts for the console, API tokens (digests only) and rate-limit counters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:41:31.009509
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("expires_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_api_tokens_token_digest")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_name"), ["name"], unique=False)

    op.create_table(
        "rate_limit_hits",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("window_start_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_digest", "window_start_at", name=op.f("pk_rate_limit_hits")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("email_sealed", sa.Text(), nullable=False),
        sa.Column("name_sealed", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("job_roles", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_sealed", sa.Text(), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email_hash", name=op.f("uq_staff_users_email_hash")),
    )


def downgrade() -> None:
    op.drop_table("staff_users")
    op.drop_table("rate_limit_hits")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_name"))

    op.drop_table("api_tokens")
