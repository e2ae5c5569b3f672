"""Northgate Managed IT Ltd: CRM, service desk, device monitoring, backups, website, mailer.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional client
companies, their contacts and device users, dated around 2026-03-02 so that every retention
rule has records on both sides of its boundary. The same seed gives the same data. See
README.md for the known people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

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

from dataward.examples.catalogue import REFERENCE_DATE
from dataward.examples.population import (
    FakeCompany,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import PendingRows, SampleSystems, SqlSystem

# --- the products' tables, as the policy describes them ------------------------------------

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

# --- people every run contains ---------------------------------------------------------------

SHAH = FakeCompany(
    name="Shah Architects Ltd",
    domain="shah-architects.example.com",
    street="18 Park Square East",
    town="Leeds",
    postcode="LS1 2NE",
    phone="+441132496021",
)
MOSS = FakeCompany(
    name="Moss Haulage Ltd",
    domain="moss-haulage.example.com",
    street="Unit 9, Stourton Link",
    town="Leeds",
    postcode="LS10 1RW",
    phone="+441132496022",
)

KNOWN_PEOPLE: dict[str, KnownPerson] = {
    "priya": KnownPerson(
        key="priya",
        name="Priya Shah",
        email="priya.shah@shah-architects.example.com",
        phone="+447134567821",
        identities={"portal_username": "pshah"},
        story=(
            "IT contact and portal user at client Shah Architects Ltd; laptop and phone under "
            "monitoring (alerts 30 and 120 days ago); remote sessions 5 days ago (attended, "
            "warning shown), 40 days ago (unattended maintenance) and 3 years ago; tickets "
            "closed 4 years ago and last month; feedback she agreed to publish; newsletter "
            "subscriber with opens and clicks; asked for a restore 2 months ago"
        ),
    ),
    "owen": KnownPerson(
        key="owen",
        name="Owen Davies",
        email="owen.davies@shah-architects.example.com",
        phone="+447134567822",
        story=(
            "staff member at Shah Architects Ltd, not a CRM contact: a monitored laptop with "
            "alerts and remote sessions, and one ticket"
        ),
    ),
    "tom": KnownPerson(
        key="tom",
        name="Tom Bradley",
        email="tom.bradley@example.org",
        phone="+447134567823",
        story=(
            "enquirer a year ago (website visits with his email, an enquiry note); unsubscribed "
            "from marketing 2 months ago (msp-12)"
        ),
    ),
    "helen": KnownPerson(
        key="helen",
        name="Helen Moss",
        email="helen.moss@moss-haulage.example.com",
        phone="+447134567824",
        story=(
            "contact at Moss Haulage Ltd, a client until 7 years ago: company, contact and "
            "invoices are all past their 6-year rules"
        ),
    ),
}

ROLES = ("Main contact", "IT contact", "Billing contact", "Authorised approver")
IT_PROFILES = (
    "Prefers phone; works from home Mondays",
    "Uses Mac and iPhone; needs VPN",
    "Approves new starters and leavers",
    "Out of hours contact for server alerts",
    None,
)
INTERACTIONS = {
    "call": ("Called about {topic}; agreed to follow up by email.",),
    "email": ("Emailed asking about {topic}.", "Sent quote for {topic}."),
    "question": ("Asked whether {topic} is covered by the contract.",),
    "enquiry": ("Enquired about {topic} for an office of {count} staff.",),
}
TOPICS = (
    "Microsoft 365 licences",
    "a new firewall",
    "laptop refresh",
    "Cyber Essentials",
    "backup of the file server",
    "an office move",
)
TICKETS = (
    ("problem", "Outlook crashes on {host}"),
    ("problem", "Printer offline on second floor"),
    ("problem", "{host} very slow since update"),
    ("request", "New starter: laptop and accounts"),
    ("request", "Leaver: disable accounts and wipe {host}"),
    ("question", "Can we use personal phones for email?"),
)
NOTES = (
    "Called user, remote session to check.",
    "Applied latest updates and rebooted.",
    "Replaced toner; tested print.",
    "Waiting for user to confirm fixed.",
    "Closed: user confirmed working.",
)
ALERTS = (
    ("disk", "C: drive 92% full"),
    ("offline", "Device offline for more than 24 hours"),
    ("patch", "3 critical updates pending"),
    ("antivirus", "Threat quarantined: PUP.Optional.Toolbar"),
    ("cpu", "CPU above 95% for 30 minutes"),
    ("backup", "Local backup job failed"),
)
OPERATING_SYSTEMS = {
    "laptop": ("Windows 11 Pro 23H2", "Windows 11 Pro 24H2", "macOS 14.6"),
    "pc": ("Windows 11 Pro 23H2", "Windows 10 Pro 22H2"),
    "phone": ("iOS 18.3", "Android 15"),
    "server": ("Windows Server 2022", "Ubuntu 22.04 LTS"),
    "printer": ("Firmware 4.2",),
    "router": ("FortiOS 7.2", "RouterOS 7.14"),
}
CAMPAIGNS = (
    "newsletter-2024-09",
    "newsletter-2025-03",
    "event-cyber-breakfast",
    "newsletter-2025-11",
)
FEEDBACK = (
    "Quick response and fixed first time. Would recommend.",
    "The move to Microsoft 365 went without a hitch.",
    "Friendly engineers who explain things clearly.",
    "Slow to reply to one ticket, but otherwise great.",
)
ENGINEERS = tuple(f"eng-{n:02d}" for n in range(1, 10))
REFERRERS = ("https://www.google.co.uk/", "https://www.linkedin.com/", "https://www.bing.com/")
ADVERTS = ("google-ads-managed-it-leeds", "linkedin-cyber-essentials", None, None, None)
PAGES = ("/", "/managed-it", "/cyber-security", "/backup", "/about", "/contact")
DOWNLOADS = ("cyber-essentials-checklist.pdf", "price-list-2025.pdf", None, None)


class _Northgate:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.crm = PendingRows()
        self.ticketing = PendingRows()
        self.rmm = PendingRows()
        self.backups = PendingRows()
        self.website = PendingRows()
        self.mailer = PendingRows()

    # CRM --------------------------------------------------------------------------------------

    def company(self, company: FakeCompany, started: date, ended: date | None) -> int:
        company_id = self.crm.add(
            "companies",
            name=company.name,
            address=company.address,
            switchboard=company.phone,
            contract_started_on=started,
            relationship_ended_on=ended,
        )
        last = ended or self.today
        issued = started
        while issued <= last and issued < self.today:
            self.crm.add(
                "invoices",
                company_id=company_id,
                invoice_number=f"NG-{self.crm.count('invoices') + 1:07d}",
                billing_name=f"Accounts, {company.name}",
                billing_email=f"accounts@{company.domain}",
                issued_on=issued,
                amount_pence=self.rng.randint(45_000, 480_000),
            )
            issued = shift_months(issued, 6)
        for _ in range(self.rng.randint(0, 2)):
            self.restore(
                company,
                self.population.day_between(max(started, last - timedelta(days=1000)), last),
                None,
            )
        return company_id

    def contact(
        self,
        *,
        company_id: int,
        first_name: str,
        last_name: str,
        email: str,
        phone: str,
        role: str,
        portal_username: str | None,
        created_on: date,
    ) -> int:
        return self.crm.add(
            "contacts",
            company_id=company_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            job_title=self.population.job_title(),
            role=role,
            portal_username=portal_username,
            it_profile=self.rng.choice(IT_PROFILES),
            created_on=created_on,
        )

    def interaction(
        self,
        *,
        kind: str,
        on: date,
        contact_id: int | None = None,
        enquirer: tuple[str, str, str | None] | None = None,
    ) -> None:
        name, email, phone = enquirer if enquirer else (None, None, None)
        self.crm.add(
            "interactions",
            contact_id=contact_id,
            enquirer_name=name,
            enquirer_email=email,
            enquirer_phone=phone,
            kind=kind,
            occurred_at=self.population.moment_on(on),
            summary=self.population.phrase(
                INTERACTIONS[kind], topic=TOPICS, count=("8", "15", "40")
            ),
        )

    def feedback(self, contact_id: int, on: date, *, publish: bool) -> None:
        published = on + timedelta(days=self.rng.randint(3, 20)) if publish else None
        self.crm.add(
            "feedback",
            contact_id=contact_id,
            submitted_on=on,
            rating=self.rng.choice((3, 4, 5, 5, 5)),
            comment=self.rng.choice(FEEDBACK),
            publish_consent=publish,
            published_on=published if published and published < self.today else None,
        )

    # service desk -----------------------------------------------------------------------------

    def requester(self, *, name: str, email: str, phone: str, company: str) -> int:
        return self.ticketing.add(
            "requesters",
            name=name,
            email=email,
            phone=phone,
            company_name=company,
            last_ticket_closed_on=None,
        )

    def ticket(self, requester_id: int, host: str | None, opened: date) -> None:
        kind, subject = self.rng.choice(TICKETS)
        closed = opened + timedelta(days=self.rng.randint(0, 12))
        closed_on = closed if closed < self.today else None
        ticket_id = self.ticketing.add(
            "tickets",
            requester_id=requester_id,
            device_hostname=host,
            kind=kind,
            priority=self.rng.choice(("low", "normal", "normal", "high")),
            opened_at=self.population.moment_on(opened),
            closed_on=closed_on,
            subject=subject.format(host=host or "my PC"),
            description=f"{subject.format(host=host or 'my PC')}. Reported by phone.",
        )
        for day in sorted(self.rng.randint(0, (closed - opened).days) for _ in range(2)):
            self.ticketing.add(
                "ticket_notes",
                ticket_id=ticket_id,
                written_at=self.population.moment_on(min(opened + timedelta(days=day), self.today)),
                author=self.rng.choice(ENGINEERS),
                body=self.rng.choice(NOTES),
            )
        requester = self.ticketing.tables["requesters"][requester_id - 1]
        previous = requester["last_ticket_closed_on"]
        if closed_on and (previous is None or closed_on > previous):
            requester["last_ticket_closed_on"] = closed_on

    # devices ----------------------------------------------------------------------------------

    def device(
        self,
        *,
        company: FakeCompany,
        kind: str,
        user_email: str | None,
        enrolled: date,
        history: bool = True,
    ) -> tuple[int, str]:
        """A managed device; with `history`, random alerts and remote sessions too."""
        number = self.rmm.count("devices") + 1
        stem = "".join(word[0] for word in company.name.split()[:3]).upper()
        hostname = f"{stem}-{kind.upper()[:3]}{number:04d}"
        octet = self.rng.randint(2, 254)
        retired = None
        if history and self.population.chance(0.1):
            retired = self.population.day_between(enrolled, self.today)
        device_id = self.rmm.add(
            "devices",
            client_company=company.name,
            kind=kind,
            hostname=hostname,
            serial_number=f"SN{self.rng.getrandbits(40):010X}",
            operating_system=self.rng.choice(OPERATING_SYSTEMS[kind]),
            ip_address=f"10.{self.rng.randint(0, 40)}.{self.rng.randint(0, 255)}.{octet}",
            assigned_user_email=user_email,
            enrolled_on=enrolled,
            retired_on=retired,
        )
        if not history:
            return device_id, hostname
        last = retired or self.today
        for _ in range(self.rng.randint(0, 3)):
            self.alert(
                device_id,
                self.population.day_between(max(enrolled, last - timedelta(days=150)), last),
            )
        if kind in ("laptop", "pc", "server"):
            for _ in range(self.rng.randint(0, 2)):
                day = self.population.day_between(max(enrolled, last - timedelta(days=1000)), last)
                self.remote_session(device_id, day, attended=self.population.chance(0.7))
        return device_id, hostname

    def alert(self, device_id: int, on: date) -> None:
        metric, detail = self.rng.choice(ALERTS)
        raised = self.population.moment_on(on, earliest=0, latest=24)
        resolved = raised + timedelta(hours=self.rng.randint(1, 30))
        self.rmm.add(
            "alerts",
            device_id=device_id,
            raised_at=raised,
            metric=metric,
            detail=detail,
            resolved_at=resolved if resolved.date() < self.today else None,
        )

    def remote_session(self, device_id: int, on: date, *, attended: bool) -> None:
        # Unattended connections happen only for maintenance, out of hours, when the device
        # is idle (msp-03); attended ones always show the 10-second warning.
        started = (
            self.population.moment_on(on)
            if attended
            else self.population.moment_on(on, earliest=1, latest=5)
        )
        self.rmm.add(
            "remote_sessions",
            device_id=device_id,
            engineer=self.rng.choice(ENGINEERS),
            started_at=started,
            ended_at=started + timedelta(minutes=self.rng.randint(3, 90)),
            attended=attended,
            warning_shown=attended,
            reason="support" if attended else "maintenance",
        )

    def restore(self, company: FakeCompany, on: date, requested_by: str | None) -> None:
        integrity_test = requested_by is None
        requested = self.population.moment_on(on)
        self.backups.add(
            "restores",
            client_company=company.name,
            requested_by_email=requested_by,
            requested_at=requested,
            reason="integrity_test" if integrity_test else "client_request",
            engineer=self.rng.choice(ENGINEERS),
            backup_set=self.rng.choice(
                ("file server nightly", "Microsoft 365 mailboxes", "SQL server")
            ),
            completed_at=requested + timedelta(hours=self.rng.randint(1, 6)),
        )

    # website and mailer -----------------------------------------------------------------------

    def visit(self, on: date, email: str | None = None) -> None:
        self.website.add(
            "visits",
            visited_at=self.population.moment_on(on, earliest=0, latest=24),
            device_id=f"{self.rng.getrandbits(128):032x}",
            ip_address=f"198.51.100.{self.rng.randint(1, 254)}",
            operating_system=self.rng.choice(("Windows 11", "macOS", "iOS", "Android")),
            referrer=self.rng.choice(REFERRERS),
            advert_clicked=self.rng.choice(ADVERTS),
            pages=",".join(self.rng.sample(PAGES, self.rng.randint(1, 4))),
            downloads=self.rng.choice(DOWNLOADS),
            visitor_email=email,
        )

    def subscriber(
        self,
        *,
        email: str,
        first_name: str,
        company: str | None,
        since: date,
        unsubscribed_on: date | None,
    ) -> None:
        subscriber_id = self.mailer.add(
            "subscribers",
            email=email,
            first_name=first_name,
            company=company,
            subscribed_at=self.population.moment_on(since),
            consent_source="newsletter sign-up form v2 (checkbox)",
            unsubscribed_on=unsubscribed_on,
        )
        last = unsubscribed_on or self.today
        for _ in range(self.rng.randint(0, 5)):
            event = self.rng.choice(("open", "open", "click"))
            self.mailer.add(
                "email_events",
                subscriber_id=subscriber_id,
                campaign=self.rng.choice(CAMPAIGNS),
                event=event,
                link="https://northgate-it.example.com/events" if event == "click" else None,
                occurred_at=self.population.moment_on(
                    self.population.day_between(max(since, last - timedelta(days=1100)), last)
                ),
            )


def _known(ng: _Northgate) -> None:
    today = ng.today
    k = KNOWN_PEOPLE
    priya, owen, tom, helen = k["priya"], k["owen"], k["tom"], k["helen"]

    shah_since = shift_months(today, -70)
    shah_id = ng.company(SHAH, shah_since, None)
    priya_contact = ng.contact(
        company_id=shah_id,
        first_name=priya.first_name,
        last_name=priya.last_name,
        email=priya.email,
        phone=priya.phone,
        role="IT contact",
        portal_username=priya.identities["portal_username"],
        created_on=shah_since,
    )
    ng.interaction(kind="email", on=shift_months(today, -50), contact_id=priya_contact)
    ng.interaction(kind="call", on=shift_months(today, -1), contact_id=priya_contact)
    ng.feedback(priya_contact, shift_months(today, -12), publish=True)
    ng.subscriber(
        email=priya.email,
        first_name=priya.first_name,
        company=SHAH.name,
        since=shift_months(today, -30),
        unsubscribed_on=None,
    )
    ng.restore(SHAH, shift_months(today, -2), priya.email)
    laptop, laptop_host = ng.device(
        company=SHAH, kind="laptop", user_email=priya.email, enrolled=shah_since, history=False
    )
    ng.device(
        company=SHAH, kind="phone", user_email=priya.email, enrolled=shah_since, history=False
    )
    ng.alert(laptop, today - timedelta(days=30))
    ng.alert(laptop, today - timedelta(days=120))
    ng.remote_session(laptop, today - timedelta(days=5), attended=True)
    ng.remote_session(laptop, today - timedelta(days=40), attended=False)
    ng.remote_session(laptop, shift_months(today, -36), attended=True)
    priya_requester = ng.requester(
        name=priya.name, email=priya.email, phone=priya.phone, company=SHAH.name
    )
    ng.ticket(priya_requester, laptop_host, shift_months(today, -49))
    ng.ticket(priya_requester, laptop_host, shift_months(today, -1))
    ng.visit(today - timedelta(days=3), priya.email)

    owen_laptop, owen_host = ng.device(
        company=SHAH,
        kind="laptop",
        user_email=owen.email,
        enrolled=shift_months(today, -20),
        history=False,
    )
    ng.alert(owen_laptop, today - timedelta(days=12))
    ng.remote_session(owen_laptop, today - timedelta(days=9), attended=True)
    owen_requester = ng.requester(
        name=owen.name, email=owen.email, phone=owen.phone, company=SHAH.name
    )
    ng.ticket(owen_requester, owen_host, today - timedelta(days=9))

    enquired = shift_months(today, -12)
    ng.interaction(kind="enquiry", on=enquired, enquirer=(tom.name, tom.email, tom.phone))
    ng.visit(enquired - timedelta(days=1), tom.email)
    ng.visit(enquired, tom.email)
    ng.subscriber(
        email=tom.email,
        first_name=tom.first_name,
        company=None,
        since=enquired,
        unsubscribed_on=shift_months(today, -2),
    )

    moss_id = ng.company(MOSS, shift_months(today, -150), shift_months(today, -84))
    helen_contact = ng.contact(
        company_id=moss_id,
        first_name=helen.first_name,
        last_name=helen.last_name,
        email=helen.email,
        phone=helen.phone,
        role="Main contact",
        portal_username=None,
        created_on=shift_months(today, -150),
    )
    ng.interaction(kind="call", on=shift_months(today, -90), contact_id=helen_contact)


def _population(ng: _Northgate, people: int) -> None:
    population, rng, today = ng.population, ng.rng, ng.today
    companies: list[tuple[FakeCompany, int, date, date | None]] = []
    for _ in range(max(3, people // 8)):
        company = population.company()
        started = population.day_between(shift_months(today, -130), today - timedelta(days=60))
        ended = None
        if population.chance(0.2):
            ended = population.day_between(
                min(shift_months(started, 12), today - timedelta(days=1)), today - timedelta(days=1)
            )
        company_id = ng.company(company, started, ended)
        companies.append((company, company_id, started, ended))
        for kind in ("server", "printer", "router"):
            ng.device(company=company, kind=kind, user_email=None, enrolled=started)

    for _ in range(people):
        roll = rng.random()
        if roll < 0.15:
            person = population.person()
            enquired = population.day_between(shift_months(today, -48), today)
            ng.interaction(
                kind="enquiry", on=enquired, enquirer=(person.name, person.email, person.phone)
            )
            ng.visit(enquired, person.email)
            if population.chance(0.5):
                ng.subscriber(
                    email=person.email,
                    first_name=person.first_name,
                    company=None,
                    since=enquired,
                    unsubscribed_on=(
                        population.day_between(enquired, today) if population.chance(0.15) else None
                    ),
                )
            continue
        company, company_id, started, ended = rng.choice(companies)
        last = ended or today
        person = population.person(domain=company.domain)
        joined = population.day_between(started, last)
        if roll < 0.65:
            contact_id = ng.contact(
                company_id=company_id,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                phone=person.phone,
                role=rng.choice(ROLES),
                portal_username=(
                    f"{person.first_name[0]}{person.last_name}".lower().replace("'", "")
                    + str(ng.crm.count("contacts") + 1)
                    if population.chance(0.6)
                    else None
                ),
                created_on=joined,
            )
            for _ in range(rng.randint(0, 3)):
                ng.interaction(
                    kind=rng.choice(("call", "email", "question")),
                    on=population.day_between(joined, last),
                    contact_id=contact_id,
                )
            if population.chance(0.2):
                ng.feedback(
                    contact_id, population.day_between(joined, last), publish=population.chance(0.5)
                )
            if population.chance(0.3):
                ng.subscriber(
                    email=person.email,
                    first_name=person.first_name,
                    company=company.name,
                    since=joined,
                    unsubscribed_on=(
                        population.day_between(joined, last) if population.chance(0.15) else None
                    ),
                )
        host = None
        if roll >= 0.65 or population.chance(0.5):
            kind = rng.choice(("laptop", "laptop", "pc"))
            _, host = ng.device(
                company=company, kind=kind, user_email=person.email, enrolled=joined
            )
            if population.chance(0.4):
                ng.device(company=company, kind="phone", user_email=person.email, enrolled=joined)
        if population.chance(0.5):
            requester_id = ng.requester(
                name=person.name, email=person.email, phone=person.phone, company=company.name
            )
            for _ in range(rng.randint(1, 4)):
                ng.ticket(requester_id, host, population.day_between(joined, last))
    for _ in range(people):
        ng.visit(population.day_between(shift_months(today, -30), today))


def generate(
    out_dir: Path,
    *,
    people: int = 200,
    seed: int = 7,
    urls: Mapping[str, str] | None = None,
    today: date = REFERENCE_DATE,
) -> dict[str, str]:
    """Build every system of the policy under `out_dir` (or at `urls`); return its environment."""
    population = Population(seed)
    population.reserve(*KNOWN_PEOPLE.values())
    northgate = _Northgate(population, today)
    _known(northgate)
    _population(northgate, people)
    with SampleSystems(out_dir, SYSTEMS, urls=urls) as systems:
        systems.sql("crm").load(northgate.crm)
        systems.sql("ticketing").load(northgate.ticketing)
        systems.sql("rmm").load(northgate.rmm)
        systems.sql("backups").load(northgate.backups)
        systems.sql("website").load(northgate.website)
        systems.sql("mailer").load(northgate.mailer)
        return systems.finish()
