"""Northgate Managed IT Ltd: how each kind of record in its systems is made up."""

from __future__ import annotations

from datetime import date, timedelta

from dataward.examples.population import (
    FakeCompany,
    Population,
    shift_months,
)
from dataward.examples.systems import PendingRows

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


class Northgate:
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
