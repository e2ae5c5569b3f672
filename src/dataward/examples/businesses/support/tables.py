"""Kestrel IT Support Ltd: its products' tables, as dataward.yaml describes them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from dataward.examples.systems import FolderSystem, SqlSystem

HELPDESK = MetaData()
Table(
    "customers",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(16), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("company", String(160)),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("created_on", Date, nullable=False),
    Column("relationship_ended_on", Date, index=True),
)
Table(
    "tickets",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False, index=True),
    Column("closed_on", Date),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
)
Table(
    "enquiries",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("from_name", String(120), nullable=False),
    Column("from_email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("became_customer", Boolean, nullable=False),
)

BILLING = MetaData()
Table(
    "invoices",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("customer_number", String(16), nullable=False, index=True),
    Column("billing_name", String(120), nullable=False),
    Column("billing_email", String(254), nullable=False, index=True),
    Column("billing_address", String(240), nullable=False),
    Column("issued_on", Date, nullable=False, index=True),
    Column("description", String(200), nullable=False),
    Column("amount_pence", Integer, nullable=False),
)
Table(
    "payments",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False, index=True),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("processor_reference", String(40), nullable=False),
    Column("status", String(16), nullable=False),
)

REMOTE = MetaData()
Table(
    "sessions",
    REMOTE,
    Column("id", Integer, primary_key=True),
    Column("customer_email", String(254), nullable=False, index=True),
    Column("engineer", String(16), nullable=False),
    Column("device_username", String(64), nullable=False),
    Column("ip_address", String(45), nullable=False),
    Column("hostname", String(64), nullable=False),
    Column("device_alias", String(64)),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("customer_agreed", Boolean, nullable=False),
)

RECORDINGS = MetaData()
Table(
    "calls",
    RECORDINGS,
    Column("id", Integer, primary_key=True),
    Column("caller_number", String(20), nullable=False, index=True),
    Column("customer_number", String(16), index=True),
    Column("direction", String(8), nullable=False),
    Column("agent", String(16), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("duration_seconds", Integer, nullable=False),
    Column("audio_file", String(200), nullable=False),
)

MAILING = MetaData()
Table(
    "subscribers",
    MAILING,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("first_name", String(60)),
    Column("subscribed_at", DateTime(timezone=True), nullable=False),
    Column("consent_text", String(200), nullable=False),
    Column("unsubscribed_on", Date, index=True),
)

SYSTEMS = (
    SqlSystem("helpdesk", "SUPPORT_HELPDESK_URL", HELPDESK),
    SqlSystem("billing", "SUPPORT_BILLING_URL", BILLING),
    SqlSystem("remote", "SUPPORT_REMOTE_URL", REMOTE),
    FolderSystem("recordings", "SUPPORT_RECORDINGS_DIR", RECORDINGS),
    SqlSystem("mailing", "SUPPORT_MAILING_URL", MAILING),
)
