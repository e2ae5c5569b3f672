"""Northgate Managed IT Ltd: its products' tables, as dataward.yaml describes them."""

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

from dataward.examples.systems import SqlSystem

CRM = MetaData()
Table(
    "companies",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("name", String(160), nullable=False),
    Column("address", String(240)),
    Column("switchboard", String(20)),
    Column("contract_started_on", Date, nullable=False),
    Column("relationship_ended_on", Date, index=True),
)
Table(
    "contacts",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False, index=True),
    Column("first_name", String(60), nullable=False),
    Column("last_name", String(60), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("job_title", String(80)),
    Column("role", String(40), nullable=False),
    Column("portal_username", String(40), unique=True),
    Column("it_profile", String(240)),
    Column("created_on", Date, nullable=False),
)
Table(
    "interactions",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), index=True),
    Column("enquirer_name", String(120)),
    Column("enquirer_email", String(254), index=True),
    Column("enquirer_phone", String(20), index=True),
    Column("kind", String(16), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False, index=True),
    Column("summary", Text, nullable=False),
)
Table(
    "feedback",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False, index=True),
    Column("submitted_on", Date, nullable=False, index=True),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    Column("publish_consent", Boolean, nullable=False),
    Column("published_on", Date),
)
Table(
    "invoices",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("billing_name", String(120), nullable=False),
    Column("billing_email", String(254), nullable=False, index=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)

TICKETING = MetaData()
Table(
    "requesters",
    TICKETING,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("phone", String(20), index=True),
    Column("company_name", String(160)),
    Column("last_ticket_closed_on", Date, index=True),
)
Table(
    "tickets",
    TICKETING,
    Column("id", Integer, primary_key=True),
    Column("requester_id", Integer, ForeignKey("requesters.id"), index=True),
    Column("device_hostname", String(64)),
    Column("kind", String(16), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_on", Date, index=True),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
)
Table(
    "ticket_notes",
    TICKETING,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("author", String(16), nullable=False),
    Column("body", Text, nullable=False),
)

RMM = MetaData()
Table(
    "devices",
    RMM,
    Column("id", Integer, primary_key=True),
    Column("client_company", String(160), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("hostname", String(64), nullable=False),
    Column("serial_number", String(24), nullable=False),
    Column("operating_system", String(40)),
    Column("ip_address", String(45)),
    Column("assigned_user_email", String(254), index=True),
    Column("enrolled_on", Date, nullable=False),
    Column("retired_on", Date, index=True),
)
Table(
    "alerts",
    RMM,
    Column("id", Integer, primary_key=True),
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False, index=True),
    Column("raised_at", DateTime(timezone=True), nullable=False, index=True),
    Column("metric", String(24), nullable=False),
    Column("detail", String(200), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
)
Table(
    "remote_sessions",
    RMM,
    Column("id", Integer, primary_key=True),
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False, index=True),
    Column("engineer", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("attended", Boolean, nullable=False),
    Column("warning_shown", Boolean, nullable=False),
    Column("reason", String(16), nullable=False),
)

BACKUPS = MetaData()
Table(
    "restores",
    BACKUPS,
    Column("id", Integer, primary_key=True),
    Column("client_company", String(160), nullable=False),
    Column("requested_by_email", String(254), index=True),
    Column("requested_at", DateTime(timezone=True), nullable=False, index=True),
    Column("reason", String(20), nullable=False),
    Column("engineer", String(16), nullable=False),
    Column("backup_set", String(80), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
)

WEBSITE = MetaData()
Table(
    "visits",
    WEBSITE,
    Column("id", Integer, primary_key=True),
    Column("visited_at", DateTime(timezone=True), nullable=False, index=True),
    Column("device_id", String(36), nullable=False),
    Column("ip_address", String(45), nullable=False),
    Column("operating_system", String(40)),
    Column("referrer", String(200)),
    Column("advert_clicked", String(80)),
    Column("pages", String(240), nullable=False),
    Column("downloads", String(120)),
    Column("visitor_email", String(254), index=True),
)

MAILER = MetaData()
Table(
    "subscribers",
    MAILER,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("first_name", String(60)),
    Column("company", String(160)),
    Column("subscribed_at", DateTime(timezone=True), nullable=False),
    Column("consent_source", String(80), nullable=False),
    Column("unsubscribed_on", Date, index=True),
)
Table(
    "email_events",
    MAILER,
    Column("id", Integer, primary_key=True),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id"), nullable=False, index=True),
    Column("campaign", String(80), nullable=False),
    Column("event", String(8), nullable=False),
    Column("link", String(200)),
    Column("occurred_at", DateTime(timezone=True), nullable=False, index=True),
)

SYSTEMS = (
    SqlSystem("crm", "MSP_CRM_URL", CRM),
    SqlSystem("ticketing", "MSP_TICKETING_URL", TICKETING),
    SqlSystem("rmm", "MSP_RMM_URL", RMM),
    SqlSystem("backups", "MSP_BACKUPS_URL", BACKUPS),
    SqlSystem("website", "MSP_WEBSITE_URL", WEBSITE),
    SqlSystem("mailer", "MSP_MAILER_URL", MAILER),
)
