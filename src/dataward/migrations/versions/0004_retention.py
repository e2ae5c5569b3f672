"""retention sweeps, legal holds and review tasks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 22:59:08.437549
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_review_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("cutoff_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                name="review_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("raised_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_review_tasks")),
    )

    with op.batch_alter_table("retention_review_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_review_tasks_open",
            ["status", "rule", "system", "collection"],
            unique=False,
        )

    op.create_table(
        "retention_sweep_leases",
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("system", "collection", name=op.f("pk_retention_sweep_leases")),
    )

    op.create_table(
        "retention_sweep_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "completed",
                "failed",
                "interrupted",
                name="sweep_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("policy_path", sa.Text(), nullable=False),
        sa.Column("policy_digest", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("collection", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_sweep_runs")),
    )

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "person",
                "record",
                "collection",
                name="hold_scope",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("collection", sa.String(length=200), nullable=True),
        sa.Column("record_key", sa.Text(), nullable=True),
        sa.Column("key_digest", sa.String(length=64), nullable=True),
        sa.Column("person_pseudonym", sa.String(length=40), nullable=True),
        sa.Column("identity_kind", sa.String(length=50), nullable=True),
        sa.Column("identity_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("placed_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_pseudonym"],
            ["people.pseudonym"],
            name=op.f("fk_legal_holds_person_pseudonym_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )

    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_identity_hash", ["identity_hash"], unique=False)
        batch_op.create_index("ix_legal_holds_key_digest", ["key_digest"], unique=False)
        batch_op.create_index("ix_legal_holds_person_pseudonym", ["person_pseudonym"], unique=False)
        batch_op.create_index(
            "ix_legal_holds_target", ["scope", "system", "collection", "released_at"], unique=False
        )

    op.create_table(
        "retention_sweep_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("cutoff_on", sa.Date(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=True),
        sa.Column("keys_digest", sa.String(length=64), nullable=False),
        sa.Column("key_digests", sa.Text(), nullable=True),
        sa.Column("blocked_digests", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("acted", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "failed",
                name="sweep_batch_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("audit_event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_sweep_runs.id"],
            name=op.f("fk_retention_sweep_batches_run_id_retention_sweep_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_sweep_batches")),
        sa.UniqueConstraint(
            "run_id",
            "system",
            "collection",
            "number",
            name=op.f("uq_retention_sweep_batches_run_id"),
        ),
    )

    with op.batch_alter_table("retention_sweep_batches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_sweep_batches_open", ["status", "system", "collection"], unique=False
        )

    op.create_table(
        "retention_anonymised_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("anonymised_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["retention_sweep_batches.id"],
            name=op.f("fk_retention_anonymised_records_batch_id_retention_sweep_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_anonymised_records")),
        sa.UniqueConstraint(
            "system",
            "collection",
            "key_digest",
            name=op.f("uq_retention_anonymised_records_system"),
        ),
    )


def downgrade() -> None:
    op.drop_table("retention_anonymised_records")

    with op.batch_alter_table("retention_sweep_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_sweep_batches_open")

    op.drop_table("retention_sweep_batches")

    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_holds_target")
        batch_op.drop_index("ix_legal_holds_person_pseudonym")
        batch_op.drop_index("ix_legal_holds_key_digest")
        batch_op.drop_index("ix_legal_holds_identity_hash")

    op.drop_table("legal_holds")

    op.drop_table("retention_sweep_runs")

    op.drop_table("retention_sweep_leases")

    with op.batch_alter_table("retention_review_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_review_tasks_open")

    op.drop_table("retention_review_tasks")
