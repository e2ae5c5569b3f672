"""sweep_evidence_storage: a sweep batch's keys and key digests stored uncompressed on PostgreSQL

pglz found nothing to compress in 1.6 MB of hex digests but took ~95 ms a batch to find out;
EXTERNAL keeps the same text out of line without trying. Nothing changes on other databases.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("keys", "key_digests", "blocked_digests")


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE retention_sweep_batches "
            + ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in COLUMNS)
        )


def upgrade() -> None:
    _storage("EXTERNAL")


def downgrade() -> None:
    _storage("EXTENDED")
