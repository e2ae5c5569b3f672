"""Thistle Schools IT Ltd: its products' tables, as dataward.yaml describes them."""

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

CRM = MetaData()
Table(
    "schools",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("name", String(160), nullable=False),
    Column("address", String(240), nullable=False),
    Column("billing_address", String(240)),
    Column("device_count", Integer, nullable=False),
    Column("student_count", Integer, nullable=False),
    Column("network_configuration", Text),
    Column("local_authority", String(80)),
    Column("contract_started_on", Date, nullable=False),
    Column("relationship_ended_on", Date, index=True),
)
Table(
    "staff_contacts",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("created_on", Date, nullable=False),
)
Table(
    "consents",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True),
    Column("given_by_name", String(120), nullable=False),
    Column("given_by_email", String(254), nullable=False, index=True),
    Column("given_on", Date, nullable=False),
    Column("method", String(40), nullable=False),
    Column("notice_version", String(16), nullable=False),
    Column("withdrawn_on", Date),
)
Table(
    "estimates",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True),
    Column("estimate_number", String(20), nullable=False, unique=True),
    Column("sent_to_name", String(120), nullable=False),
    Column("sent_to_email", String(254), nullable=False, index=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)
Table(
    "invoices",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("sent_to_name", String(120), nullable=False),
    Column("sent_to_email", String(254), nullable=False, index=True),
    Column("billing_address", String(240), nullable=False),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)

HELPDESK = MetaData()
Table(
    "tickets",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("school_name", String(160), nullable=False),
    Column("requester_name", String(120), nullable=False),
    Column("requester_email", String(254), nullable=False, index=True),
    Column("requester_phone", String(20), index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("last_activity_on", Date, nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
)
Table(
    "ticket_emails",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("from_address", String(254), nullable=False),
    Column("body", Text, nullable=False),
)
Table(
    "access_log",
    HELPDESK,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("engineer", String(16), nullable=False),
    Column("accessed_at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),
)

CCTV = MetaData()
Table(
    "footage",
    CCTV,
    Column("id", Integer, primary_key=True),
    Column("camera", String(24), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("clip_file", String(200), nullable=False),
)

EVENTS = MetaData()
Table(
    "mailing_list",
    EVENTS,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("phone", String(20), index=True),
    Column("postal_address", String(240)),
    Column("school_name", String(160)),
    Column("by_email", Boolean, nullable=False),
    Column("by_phone", Boolean, nullable=False),
    Column("by_post", Boolean, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("withdrawn_on", Date, index=True),
)
Table(
    "bookings",
    EVENTS,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("mailing_list.id"), nullable=False, index=True),
    Column("event_name", String(120), nullable=False),
    Column("event_on", Date, nullable=False, index=True),
    Column("attended", Boolean),
)

SYSTEMS = (
    SqlSystem("crm", "SCHOOLS_CRM_URL", CRM),
    SqlSystem("helpdesk", "SCHOOLS_HELPDESK_URL", HELPDESK),
    FolderSystem("cctv", "SCHOOLS_CCTV_DIR", CCTV),
    SqlSystem("events", "SCHOOLS_EVENTS_URL", EVENTS),
)
