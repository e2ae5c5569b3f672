"""TPS and CTPS files and their numbers, one generation per imported file

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tps_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=4), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("rejected_lines", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("started_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("switched_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tps_files")),
    )
    op.create_index("ix_tps_files_list_state", "tps_files", ["list_name", "state"], unique=False)
    op.create_table(
        "tps_numbers",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["tps_files.id"],
            name=op.f("fk_tps_numbers_file_id_tps_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "number", name=op.f("pk_tps_numbers")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("tps_numbers")
    op.drop_index("ix_tps_files_list_state", table_name="tps_files")
    op.drop_table("tps_files")
