"""Signalpath Communications Ltd: its products' tables, as dataward.yaml describes them."""

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

WEBSITE = MetaData()
Table(
    "enquiries",
    WEBSITE,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("organisation", String(160)),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("message", Text, nullable=False),
    Column("campaign", String(80)),
    Column("enquired_on", Date, nullable=False, index=True),
    Column("became_customer", Boolean, nullable=False),
    Column("customer_number", String(16), index=True),
)
Table(
    "visits",
    WEBSITE,
    Column("id", Integer, primary_key=True),
    Column("enquiry_id", Integer, ForeignKey("enquiries.id"), index=True),
    Column("visited_at", DateTime(timezone=True), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("referrer", String(200)),
    Column("landing_page", String(120), nullable=False),
    Column("cookie_id", String(36), nullable=False),
    Column("ip_address", String(45), nullable=False),
)

CRM = MetaData()
Table(
    "customers",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(16), nullable=False, unique=True),
    Column("company_name", String(160)),
    Column("contact_name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("started_on", Date, nullable=False),
    Column("relationship_ended_on", Date, index=True),
)
Table(
    "services",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("product", String(80), nullable=False),
    Column("telephone_number", String(20)),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
)
Table(
    "complaints",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("received_on", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("resolution", Text),
    Column("closed_on", Date),
)
Table(
    "invoices",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)

DIALLER = MetaData()
Table(
    "call_list",
    DIALLER,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(16), index=True),
    Column("contact_name", String(120), nullable=False),
    Column("company", String(160)),
    Column("phone", String(20), nullable=False, index=True),
    Column("subscriber_type", String(12), nullable=False),
    Column("added_on", Date, nullable=False, index=True),
    Column("screened_on", Date),
    Column("tps_listed", Boolean, nullable=False),
    Column("do_not_call", Boolean, nullable=False),
    Column("last_called_at", DateTime(timezone=True)),
)

RECORDINGS = MetaData()
Table(
    "calls",
    RECORDINGS,
    Column("id", Integer, primary_key=True),
    Column("caller_number", String(20), nullable=False, index=True),
    Column("called_number", String(20), nullable=False, index=True),
    Column("customer_number", String(16), index=True),
    Column("direction", String(16), nullable=False),
    Column("agent", String(16), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("duration_seconds", Integer, nullable=False),
    Column("recording_file", String(200), nullable=False),
)

HR = MetaData()
Table(
    "applicants",
    HR,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("role_applied", String(80), nullable=False),
    Column("cv_summary", Text),
    Column("interview_notes", Text),
    Column("applied_on", Date, nullable=False),
    Column("decision_on", Date, index=True),
    Column("outcome", String(16), nullable=False),
)
Table(
    "employees",
    HR,
    Column("id", Integer, primary_key=True),
    Column("applicant_id", Integer, ForeignKey("applicants.id"), index=True),
    Column("employee_number", String(12), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("personal_email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("job_title", String(80), nullable=False),
    Column("national_insurance_number", String(13)),
    Column("started_on", Date, nullable=False),
    Column("employment_ended_on", Date, index=True),
)
Table(
    "pre_employment_checks",
    HR,
    Column("id", Integer, primary_key=True),
    Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
    Column("checked_on", Date, nullable=False),
    Column("passport_number", String(12)),
    Column("right_to_work", String(120), nullable=False),
    Column("references_summary", Text),
    Column("driving_licence", String(120)),
    Column("convictions_declared", String(200)),
    Column("bank_details", String(60)),
    Column("medical_notes", Text),
)

SYSTEMS = (
    SqlSystem("website", "VOIP_WEBSITE_URL", WEBSITE),
    SqlSystem("crm", "VOIP_CRM_URL", CRM),
    SqlSystem("dialler", "VOIP_DIALLER_URL", DIALLER),
    FolderSystem("recordings", "VOIP_RECORDINGS_DIR", RECORDINGS),
    SqlSystem("hr", "VOIP_HR_URL", HR),
)
