"""subject-rights requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 22:59:08.437549
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "access",
                "erasure",
                "rectification",
                "restriction",
                "objection",
                "portability",
                name="request_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "awaiting_verification",
                "verified",
                "in_progress",
                "paused",
                "awaiting_review",
                "completed",
                "refused",
                "withdrawn",
                name="request_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("person_pseudonym", sa.String(length=40), nullable=False),
        sa.Column("nation", sa.String(length=32), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_due_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extension_told_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("details_ct", sa.LargeBinary(), nullable=True),
        sa.Column("policy_path", sa.String(length=1024), nullable=False),
        sa.Column("policy_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "verification_method",
            sa.Enum(
                "email_code",
                "evidence",
                name="verification_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("verified_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("verification_evidence", sa.Text(), nullable=True),
        sa.Column("refused_reason", sa.Text(), nullable=True),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_rights_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_rights_requests_reference")),
    )

    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.create_index("ix_rights_requests_due_on", ["due_on"], unique=False)
        batch_op.create_index("ix_rights_requests_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_rights_requests_state_due_on", ["state", "due_on"], unique=False)

    op.create_table(
        "rights_request_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("key_digest", sa.String(length=128), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "erased",
                "anonymised",
                "rectified",
                "kept",
                "held",
                "restricted",
                name="item_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("ground", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_request_items_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request_items")),
    )

    with op.batch_alter_table("rights_request_items", schema=None) as batch_op:
        batch_op.create_index("ix_rights_request_items_key_digest", ["key_digest"], unique=False)
        batch_op.create_index("ix_rights_request_items_request_id", ["request_id"], unique=False)

    op.create_table(
        "rights_request_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column(
            "resume_state",
            sa.Enum(
                "received",
                "awaiting_verification",
                "verified",
                "in_progress",
                "paused",
                "awaiting_review",
                "completed",
                "refused",
                "withdrawn",
                name="pause_resume_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_request_pauses_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request_pauses")),
    )

    with op.batch_alter_table("rights_request_pauses", schema=None) as batch_op:
        batch_op.create_index("ix_rights_request_pauses_request_id", ["request_id"], unique=False)

    op.create_table(
        "rights_request_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "automatic",
                "manual",
                name="task_mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "running",
                "done",
                "failed",
                name="task_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("started_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_request_tasks_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request_tasks")),
        sa.UniqueConstraint("request_id", "system", name="uq_rights_request_tasks_request_system"),
    )

    with op.batch_alter_table("rights_request_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_rights_request_tasks_state", ["state"], unique=False)

    op.create_table(
        "rights_verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dataward.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_verification_codes_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_verification_codes")),
    )

    with op.batch_alter_table("rights_verification_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rights_verification_codes_request_id", ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rights_verification_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_verification_codes_request_id")

    op.drop_table("rights_verification_codes")

    with op.batch_alter_table("rights_request_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_request_tasks_state")

    op.drop_table("rights_request_tasks")

    with op.batch_alter_table("rights_request_pauses", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_request_pauses_request_id")

    op.drop_table("rights_request_pauses")

    with op.batch_alter_table("rights_request_items", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_request_items_request_id")
        batch_op.drop_index("ix_rights_request_items_key_digest")

    op.drop_table("rights_request_items")

    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_requests_state_due_on")
        batch_op.drop_index("ix_rights_requests_person_id")
        batch_op.drop_index("ix_rights_requests_due_on")

    op.drop_table("rights_requests")
