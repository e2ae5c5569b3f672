"""Kestrel IT Support Ltd: helpdesk, billing, remote-support log, call recordings, newsletter list.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
people dated around 2026-03-02 so that every retention rule has records on both sides of its
boundary. The same seed gives the same data. See README.md for the known people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from random import Random

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
from dataward.examples.media import silent_wav
from dataward.examples.population import KnownPerson, Population, shift_months
from dataward.examples.systems import FolderSystem, PendingRows, SampleSystems, SqlSystem

# --- the products' tables, as the policy describes them ------------------------------------

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

# --- people every run contains ---------------------------------------------------------------

KNOWN_PEOPLE: dict[str, KnownPerson] = {
    "priya": KnownPerson(
        key="priya",
        name="Priya Shah",
        email="priya.shah@example.net",
        phone="+447134567801",
        identities={"customer_number": "C100001"},
        story=(
            "current customer since 3 years ago (converted enquiry); 3 tickets; 3 invoices with "
            "payments; remote sessions 2 months and 14 months ago; calls 10 days and 4 months "
            "ago (the older one past the 3-month rule); newsletter subscriber"
        ),
    ),
    "tom": KnownPerson(
        key="tom",
        name="Tom Bradley",
        email="tom.bradley@example.org",
        phone="+447134567802",
        story=(
            "enquirer 3 years ago who never became a customer (enquiry past the 2-year rule); "
            "phoned again 20 days ago (recording kept); unsubscribed from the newsletter 2 months "
            "ago"
        ),
    ),
    "helen": KnownPerson(
        key="helen",
        name="Helen Moss",
        email="helen.moss@example.com",
        phone="+447134567803",
        identities={"customer_number": "C100002"},
        story=(
            "former customer 2012 to 7 years ago: customer record, tickets and invoices are all "
            "past their 6-year rules"
        ),
    ),
}

NEWSLETTER_CONSENT = "Yes, send me Kestrel's monthly IT tips newsletter (form v3)"
ENGINEERS = tuple(f"eng-{n:02d}" for n in range(1, 7))
AGENTS = tuple(f"agent-{n:02d}" for n in range(1, 9))
TICKET_SUBJECTS = (
    "Outlook keeps asking for my password",
    "Printer on {floor} floor offline",
    "New starter needs a laptop set up",
    "Cannot connect to the VPN from home",
    "Shared drive is very slow",
    "Phishing email received, please check",
    "Laptop will not boot after update",
    "Please add {person} to the accounts mailbox",
    "Wi-Fi drops in the meeting room",
    "Teams calls have no sound",
)
TICKET_BODIES = (
    "Since {when} the problem keeps happening. It affects {count} people in the office.",
    "Tried restarting as suggested but no change. Error message says '{error}'.",
    "Urgent: we have a client meeting at {hour}. Please call me back.",
    "Happened once last week and again today. Screenshot attached.",
)
ENQUIRY_SUBJECTS = (
    "Quote for IT support for {count} staff",
    "Do you cover {town}?",
    "Help moving our email to Microsoft 365",
    "Backup for a small office",
    "Out-of-hours support prices",
)
ENQUIRY_BODIES = (
    "Hello, we are a small firm of {count} people and our current provider is retiring. Could "
    "you send prices for monthly support? Thanks.",
    "Hi, could someone call me about setting up a new office network? Best time is {hour}.",
    "We are looking for someone to look after {count} laptops and a server. What would it cost?",
)
SERVICES = (
    "Monthly support contract",
    "Laptop set-up and configuration",
    "Microsoft 365 licences",
    "On-site visit",
    "Backup service",
)


def _ticket(population: Population) -> tuple[str, str]:
    subject = population.phrase(
        TICKET_SUBJECTS, floor=("ground", "first", "second"), person=("the new starter", "Jo")
    )
    body = population.phrase(
        TICKET_BODIES,
        when=("Monday", "this morning", "the last update"),
        count=("two", "three", "all the"),
        error=("Access denied", "0x80070005", "Server not found"),
        hour=("2pm", "11am", "4pm"),
    )
    return subject, body


def _enquiry(population: Population, town: str) -> tuple[str, str]:
    slots = {"count": ("5", "12", "25"), "town": (town,), "hour": ("after 3pm", "mornings")}
    return population.phrase(ENQUIRY_SUBJECTS, **slots), population.phrase(ENQUIRY_BODIES, **slots)


def _ip(rng: Random) -> str:
    # Documentation and private ranges only: no real customer's address appears.
    return rng.choice(
        (
            f"192.0.2.{rng.randint(1, 254)}",
            f"198.51.100.{rng.randint(1, 254)}",
            f"203.0.113.{rng.randint(1, 254)}",
        )
    )


FileWriter = Callable[[str, bytes], str]


class _Kestrel:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date, folder_write: FileWriter) -> None:
        self.population = population
        self.today = today
        self.write_file = folder_write
        self.helpdesk = PendingRows()
        self.billing = PendingRows()
        self.remote = PendingRows()
        self.recordings = PendingRows()
        self.mailing = PendingRows()

    def customer(
        self,
        *,
        name: str,
        email: str,
        phone: str,
        company: str | None,
        address: str,
        postcode: str,
        created_on: date,
        ended_on: date | None,
    ) -> tuple[int, str]:
        number = f"C{100000 + self.helpdesk.count('customers') + 1}"
        customer_id = self.helpdesk.add(
            "customers",
            customer_number=number,
            name=name,
            company=company,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            created_on=created_on,
            relationship_ended_on=ended_on,
        )
        return customer_id, number

    def ticket(self, customer_id: int, opened_on: date) -> None:
        subject, body = _ticket(self.population)
        closed = opened_on + timedelta(days=self.population.rng.randint(0, 9))
        self.helpdesk.add(
            "tickets",
            customer_id=customer_id,
            opened_at=self.population.moment_on(opened_on),
            closed_on=closed if closed < self.today else None,
            subject=subject,
            description=body,
        )

    def enquiry(
        self,
        *,
        name: str,
        email: str,
        phone: str | None,
        town: str,
        received_on: date,
        customer_id: int | None,
    ) -> None:
        subject, body = _enquiry(self.population, town)
        self.helpdesk.add(
            "enquiries",
            customer_id=customer_id,
            from_name=name,
            from_email=email,
            phone=phone,
            received_at=self.population.moment_on(received_on),
            subject=subject,
            body=body,
            became_customer=customer_id is not None,
        )

    def invoice(
        self, *, number: str, name: str, email: str, address: str, issued_on: date, paid: bool
    ) -> None:
        rng = self.population.rng
        amount = rng.choice((4500, 9900, 18000, 24000, 36000, 60000))
        invoice_id = self.billing.add(
            "invoices",
            invoice_number=f"KIS-{self.billing.count('invoices') + 1:06d}",
            customer_number=number,
            billing_name=name,
            billing_email=email,
            billing_address=address,
            issued_on=issued_on,
            description=rng.choice(SERVICES),
            amount_pence=amount,
        )
        paid_on = issued_on + timedelta(days=rng.randint(0, 30))
        if paid and paid_on < self.today:
            self.billing.add(
                "payments",
                invoice_id=invoice_id,
                paid_at=self.population.moment_on(paid_on),
                amount_pence=amount,
                processor_reference=f"pl_{rng.getrandbits(64):016x}",
                status="succeeded",
            )

    def session(self, *, email: str, first_name: str, company: str | None, on: date) -> None:
        rng = self.population.rng
        started = self.population.moment_on(on)
        stem = (company or first_name).split()[0].upper()[:6]
        self.remote.add(
            "sessions",
            customer_email=email,
            engineer=rng.choice(ENGINEERS),
            device_username=first_name.lower(),
            ip_address=_ip(rng),
            hostname=f"{stem}-LT{rng.randint(1, 40):02d}",
            device_alias=rng.choice((None, f"{first_name}'s laptop", "Reception PC")),
            started_at=started,
            ended_at=started + timedelta(minutes=rng.randint(4, 75)),
            customer_agreed=True,
        )

    def call(self, *, caller: str, number: str | None, on: date) -> None:
        rng = self.population.rng
        recorded = self.population.moment_on(on)
        call_id = self.recordings.count("calls") + 1
        relative = f"{recorded:%Y-%m}/call-{call_id:07d}.wav"
        self.recordings.add(
            "calls",
            caller_number=caller,
            customer_number=number,
            direction=rng.choice(("inbound", "inbound", "outbound")),
            agent=rng.choice(AGENTS),
            recorded_at=recorded,
            duration_seconds=rng.randint(40, 1500),
            audio_file=self.write_file(relative, silent_wav()),
        )

    def subscriber(self, *, email: str, first_name: str, on: date, left_on: date | None) -> None:
        self.mailing.add(
            "subscribers",
            email=email,
            first_name=first_name,
            subscribed_at=self.population.moment_on(on),
            consent_text=NEWSLETTER_CONSENT,
            unsubscribed_on=left_on,
        )


def _known(kestrel: _Kestrel) -> None:
    today = kestrel.today
    priya, tom, helen = (KNOWN_PEOPLE[k] for k in ("priya", "tom", "helen"))

    joined = shift_months(today, -36)
    priya_id, priya_number = kestrel.customer(
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        company="Shah Architects Ltd",
        address="18 Wellington Terrace, Bristol",
        postcode="BS8 4LE",
        created_on=joined,
        ended_on=None,
    )
    assert priya_number == priya.identities["customer_number"]
    kestrel.enquiry(
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        town="Bristol",
        received_on=joined - timedelta(days=12),
        customer_id=priya_id,
    )
    for months in (30, 11, 0):
        kestrel.ticket(priya_id, shift_months(today, -months) - timedelta(days=3))
    for months in (30, 18, 6):
        kestrel.invoice(
            number=priya_number,
            name=priya.name,
            email=priya.email,
            address="18 Wellington Terrace, Bristol BS8 4LE",
            issued_on=shift_months(today, -months),
            paid=True,
        )
    for months in (2, 14):
        kestrel.session(
            email=priya.email,
            first_name=priya.first_name,
            company="Shah Architects Ltd",
            on=shift_months(today, -months),
        )
    kestrel.call(caller=priya.phone, number=priya_number, on=today - timedelta(days=10))
    kestrel.call(caller=priya.phone, number=priya_number, on=shift_months(today, -4))
    kestrel.subscriber(email=priya.email, first_name=priya.first_name, on=joined, left_on=None)

    kestrel.enquiry(
        name=tom.name,
        email=tom.email,
        phone=tom.phone,
        town="Bath",
        received_on=shift_months(today, -36),
        customer_id=None,
    )
    kestrel.call(caller=tom.phone, number=None, on=today - timedelta(days=20))
    kestrel.subscriber(
        email=tom.email,
        first_name=tom.first_name,
        on=shift_months(today, -36),
        left_on=shift_months(today, -2),
    )

    ended = shift_months(today, -84)
    helen_id, helen_number = kestrel.customer(
        name=helen.name,
        email=helen.email,
        phone=helen.phone,
        company="Moss & Partners Ltd",
        address="3 Clifton Vale, Bristol",
        postcode="BS8 4PT",
        created_on=date(2012, 5, 14),
        ended_on=ended,
    )
    assert helen_number == helen.identities["customer_number"]
    for months in (110, 90):
        kestrel.ticket(helen_id, shift_months(today, -months))
    for months in (96, 86):
        kestrel.invoice(
            number=helen_number,
            name=helen.name,
            email=helen.email,
            address="3 Clifton Vale, Bristol BS8 4PT",
            issued_on=shift_months(today, -months),
            paid=True,
        )


def _population(kestrel: _Kestrel, people: int) -> None:
    population, today, rng = kestrel.population, kestrel.today, kestrel.population.rng
    earliest = shift_months(today, -110)
    for _ in range(people):
        person = population.person()
        became_customer = population.chance(0.6)
        if not became_customer:
            enquired = population.day_between(shift_months(today, -48), today)
            kestrel.enquiry(
                name=person.name,
                email=person.email,
                phone=person.phone if population.chance(0.7) else None,
                town=person.town,
                received_on=enquired,
                customer_id=None,
            )
            if population.chance(0.5):
                kestrel.call(
                    caller=person.phone,
                    number=None,
                    on=population.day_between(shift_months(today, -6), today),
                )
            if population.chance(0.1):
                kestrel.subscriber(
                    email=person.email, first_name=person.first_name, on=enquired, left_on=None
                )
            continue

        company = population.company() if population.chance(0.7) else None
        created = population.day_between(earliest, today - timedelta(days=30))
        ended = None
        if population.chance(0.25):
            ended = population.day_between(
                min(created + timedelta(days=365), today - timedelta(days=1)),
                today - timedelta(days=1),
            )
        last_day = ended or today
        customer_id, number = kestrel.customer(
            name=person.name,
            email=person.email,
            phone=person.phone,
            company=company.name if company else None,
            address=person.address,
            postcode=person.postcode,
            created_on=created,
            ended_on=ended,
        )
        if population.chance(0.5):
            kestrel.enquiry(
                name=person.name,
                email=person.email,
                phone=person.phone,
                town=person.town,
                received_on=created - timedelta(days=rng.randint(1, 40)),
                customer_id=customer_id,
            )
        for _ in range(rng.randint(0, 4)):
            kestrel.ticket(customer_id, population.day_between(created, last_day))
        issued = created
        while issued <= last_day:
            kestrel.invoice(
                number=number,
                name=person.name,
                email=person.email,
                address=f"{person.address} {person.postcode}",
                issued_on=issued,
                paid=population.chance(0.92),
            )
            issued = shift_months(issued, rng.choice((6, 12, 12, 18)))
        session_from = max(created, shift_months(today, -24))
        if session_from <= last_day:
            for _ in range(rng.randint(0, 3)):
                kestrel.session(
                    email=person.email,
                    first_name=person.first_name,
                    company=company.name if company else None,
                    on=population.day_between(session_from, last_day),
                )
        call_from = max(created, shift_months(today, -6))
        if call_from <= last_day:
            for _ in range(rng.randint(0, 2)):
                kestrel.call(
                    caller=person.phone,
                    number=number,
                    on=population.day_between(call_from, last_day),
                )
        if population.chance(0.3):
            left = None
            if population.chance(0.2):
                left = population.day_between(shift_months(today, -3), today)
            kestrel.subscriber(
                email=person.email, first_name=person.first_name, on=created, left_on=left
            )


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
    with SampleSystems(out_dir, SYSTEMS, urls=urls) as systems:
        recordings = systems.folder("recordings")
        kestrel = _Kestrel(population, today, recordings.write)
        _known(kestrel)
        _population(kestrel, people)
        systems.sql("helpdesk").load(kestrel.helpdesk)
        systems.sql("billing").load(kestrel.billing)
        systems.sql("remote").load(kestrel.remote)
        recordings.load(kestrel.recordings)
        systems.sql("mailing").load(kestrel.mailing)
        return systems.finish()
