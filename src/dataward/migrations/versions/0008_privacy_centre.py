"""privacy centre: proofs of an address by emailed code, single-use package download links

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rights_public_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("email_ct", sa.Text(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proved_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_public_proofs_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_public_proofs")),
    )
    op.create_index(
        "ix_rights_public_proofs_email_hash", "rights_public_proofs", ["email_hash"], unique=False
    )
    op.create_table(
        "rights_download_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_download_links_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_download_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_rights_download_links_token_hash")),
    )
    op.create_index(
        "ix_rights_download_links_request_id",
        "rights_download_links",
        ["request_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_rights_download_links_request_id", table_name="rights_download_links")
    op.drop_table("rights_download_links")
    op.drop_index("ix_rights_public_proofs_email_hash", table_name="rights_public_proofs")
    op.drop_table("rights_public_proofs")
