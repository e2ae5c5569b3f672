"""verification per identity, codes by address, records set aside for review

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dataward.core.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDENTITY_METHODS = ("email_code", "sms_code", "call_back", "evidence", "staff_asserted")


def upgrade() -> None:
    op.create_table(
        "rights_request_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                *IDENTITY_METHODS,
                name="identity_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("verified_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_request_identities_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request_identities")),
        sa.UniqueConstraint(
            "request_id", "identity", name="uq_rights_request_identities_request_identity"
        ),
    )
    op.create_table(
        "rights_review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("key_digest", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "include",
                "exclude",
                name="review_decision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("decided_at", dataward.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_rights_review_items_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_review_items")),
        sa.UniqueConstraint(
            "request_id",
            "system",
            "collection",
            "key_digest",
            name="uq_rights_review_items_record",
        ),
    )
    with op.batch_alter_table("rights_verification_codes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("identity", sa.String(length=100), server_default="email", nullable=False)
        )
        batch_op.add_column(sa.Column("address_digest", sa.String(length=128), nullable=True))
        batch_op.create_index(
            "ix_rights_verification_codes_address_digest", ["address_digest"], unique=False
        )
    # Requests verified before identities were proved one by one: their proof covered the
    # email address they were answered at, and nothing more (a phone or reference given with
    # it was never proved, so it is no longer searched by).
    op.execute(
        """
        INSERT INTO rights_request_identities
            (request_id, identity, method, verified_at, verified_by, evidence)
        SELECT id, 'email', verification_method, verified_at, verified_by,
               verification_evidence
        FROM rights_requests
        WHERE verified_at IS NOT NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("rights_verification_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_rights_verification_codes_address_digest")
        batch_op.drop_column("address_digest")
        batch_op.drop_column("identity")
    op.drop_table("rights_review_items")
    op.drop_table("rights_request_identities")
