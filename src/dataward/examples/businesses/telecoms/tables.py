"""Meridian Business Telecoms Ltd: its products' tables, as dataward.yaml describes them."""

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

BILLING = MetaData()
Table(
    "accounts",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("account_number", String(16), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("job_title", String(80)),
    Column("company", String(160)),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(240), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, index=True),
)
Table(
    "orders",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("ordered_on", Date, nullable=False),
    Column("product", String(80), nullable=False),
    Column("delivery_name", String(120), nullable=False),
    Column("delivery_address", String(240), nullable=False),
    Column("delivery_postcode", String(10), nullable=False),
    Column("courier", String(40), nullable=False),
    Column("tracking_number", String(24)),
)
Table(
    "payment_methods",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("processor_token", String(40), nullable=False),
    Column("card_brand", String(16), nullable=False),
    Column("card_last4", String(4), nullable=False),
    Column("expires", String(7), nullable=False),
    Column("added_on", Date, nullable=False),
)
Table(
    "invoices",
    BILLING,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)

CRM = MetaData()
Table(
    "contacts",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("account_number", String(16), index=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("postal_address", String(240)),
    Column("source", String(16), nullable=False),
    Column("created_on", Date, nullable=False, index=True),
    Column("email_ok", Boolean, nullable=False),
    Column("sms_ok", Boolean, nullable=False),
    Column("post_ok", Boolean, nullable=False),
    Column("preferences_updated_at", DateTime(timezone=True), nullable=False),
)

LIVECHAT = MetaData()
Table(
    "chats",
    LIVECHAT,
    Column("id", Integer, primary_key=True),
    Column("visitor_name", String(120)),
    Column("visitor_email", String(254), index=True),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("browser", String(120), nullable=False),
    Column("ip_address", String(45), nullable=False),
    Column("page_url", String(200), nullable=False),
    Column("agent", String(16), nullable=False),
)
Table(
    "messages",
    LIVECHAT,
    Column("id", Integer, primary_key=True),
    Column("chat_id", Integer, ForeignKey("chats.id"), nullable=False, index=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("sender", String(8), nullable=False),
    Column("body", Text, nullable=False),
)

WEB = MetaData()
Table(
    "sessions",
    WEB,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("cookie_id", String(36), nullable=False),
    Column("ip_address", String(45), nullable=False),
    Column("user_agent", String(200), nullable=False),
    Column("device_type", String(12), nullable=False),
    Column("account_number", String(16), index=True),
)

RECORDINGS = MetaData()
Table(
    "calls",
    RECORDINGS,
    Column("id", Integer, primary_key=True),
    Column("caller_number", String(20), nullable=False, index=True),
    Column("account_number", String(16), index=True),
    Column("line", String(12), nullable=False),
    Column("agent", String(16), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("duration_seconds", Integer, nullable=False),
    Column("audio_file", String(200), nullable=False),
)

SYSTEMS = (
    SqlSystem("billing", "TELECOMS_BILLING_URL", BILLING),
    SqlSystem("crm", "TELECOMS_CRM_URL", CRM),
    SqlSystem("livechat", "TELECOMS_LIVECHAT_URL", LIVECHAT),
    SqlSystem("web", "TELECOMS_WEB_URL", WEB),
    FolderSystem("recordings", "TELECOMS_RECORDINGS_DIR", RECORDINGS),
)
