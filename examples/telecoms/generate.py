"""Meridian Business Telecoms Ltd: billing, CRM, live chat, website sessions, call recordings.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
customers and contacts dated around 2026-03-02 so that every retention rule has records on
both sides of its boundary. The same seed gives the same data. See README.md for the known
people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from dataward.examples.media import silent_wav
from dataward.examples.population import KnownPerson, Population, shift_months
from dataward.examples.systems import FolderSystem, PendingRows, SampleSystems, SqlSystem

# --- the products' tables, as the policy describes them ------------------------------------

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

# --- people every run contains ---------------------------------------------------------------

KNOWN_PEOPLE: dict[str, KnownPerson] = {
    "priya": KnownPerson(
        key="priya",
        name="Priya Shah",
        email="priya.shah@example.net",
        phone="+447134567841",
        identities={"account_number": "MBT300001"},
        story=(
            "customer (Office Manager at Shah Lettings Ltd) for 3 years: 2 orders delivered by "
            "courier, a stored card, invoices; CRM contact who ticked email and post; a chat 2 "
            "months ago; web sessions; recordings 2 weeks ago and 7 months ago (past the "
            "6-month rule)"
        ),
    ),
    "tom": KnownPerson(
        key="tom",
        name="Tom Bradley",
        email="tom.bradley@example.org",
        phone="+447134567842",
        story=(
            "filled in the web form 3 years ago (ticked email only) and never became a customer: "
            "past the 2-year rule; chatted 2 months ago"
        ),
    ),
    "helen": KnownPerson(
        key="helen",
        name="Helen Moss",
        email="helen.moss@example.com",
        phone="+447134567843",
        identities={"account_number": "MBT300002"},
        story="account closed 7 years ago: account, orders and invoices past their 6-year rules",
    ),
}

PRODUCTS = (
    "Yealink T54W handset",
    "Business fibre 900",
    "Router FritzBox 7590",
    "5G data SIM",
    "Hosted voice seat",
    "Poly headset",
)
COURIERS = ("Swiftparcel Couriers", "Albion Post")
BRANDS = ("visa", "mastercard", "amex")
BROWSERS = (
    ("desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0"),
    ("desktop", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/17.6"),
    ("mobile", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) Safari/604.1"),
    ("mobile", "Mozilla/5.0 (Linux; Android 15; Pixel 8) Chrome/131.0 Mobile"),
)
PAGES = ("/broadband", "/phones", "/hosted-voice", "/mobile", "/contact", "/pricing")
CHAT_LINES = (
    ("visitor", "Hi, is fibre available at {postcode}?"),
    ("agent", "Let me check that postcode for you."),
    ("visitor", "How long does installation take?"),
    ("agent", "Usually 10 working days from order."),
    ("visitor", "My handset shows 'No service' since this morning."),
    ("agent", "I have raised a fault; an engineer will call you today."),
)
AGENTS = tuple(f"agent-{n:02d}" for n in range(1, 15))

FileWriter = Callable[[str, bytes], str]


class _Meridian:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date, write_file: FileWriter) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.write_file = write_file
        self.billing = PendingRows()
        self.crm = PendingRows()
        self.livechat = PendingRows()
        self.web = PendingRows()
        self.recordings = PendingRows()

    def account(
        self,
        *,
        name: str,
        job_title: str | None,
        company: str | None,
        email: str,
        phone: str,
        address: str,
        postcode: str,
        opened: date,
        closed: date | None,
    ) -> tuple[int, str]:
        number = f"MBT{300000 + self.billing.count('accounts') + 1}"
        account_id = self.billing.add(
            "accounts",
            account_number=number,
            name=name,
            job_title=job_title,
            company=company,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            opened_on=opened,
            closed_on=closed,
        )
        rng = self.rng
        expires = shift_months(opened, rng.randint(24, 60))
        self.billing.add(
            "payment_methods",
            account_id=account_id,
            processor_token=f"pm_{rng.getrandbits(96):024x}",
            card_brand=rng.choice(BRANDS),
            card_last4=f"{rng.randint(0, 9999):04d}",
            expires=f"{expires:%Y-%m}",
            added_on=opened,
        )
        issued, last = opened, closed or self.today
        while issued <= last and issued < self.today:
            self.billing.add(
                "invoices",
                account_id=account_id,
                invoice_number=f"MI-{self.billing.count('invoices') + 1:07d}",
                issued_on=issued,
                amount_pence=rng.randint(3_000, 60_000),
            )
            issued = shift_months(issued, 6)
        return account_id, number

    def order(self, account_id: int, *, name: str, address: str, postcode: str, on: date) -> None:
        courier = self.rng.choice(COURIERS)
        self.billing.add(
            "orders",
            account_id=account_id,
            ordered_on=on,
            product=self.rng.choice(PRODUCTS),
            delivery_name=name,
            delivery_address=address,
            delivery_postcode=postcode,
            courier=courier,
            tracking_number=f"{courier[:2].upper()}{self.rng.randint(10**9, 10**10 - 1)}",
        )

    def contact(
        self,
        *,
        number: str | None,
        name: str,
        email: str,
        phone: str | None,
        address: str | None,
        source: str,
        on: date,
        boxes: tuple[bool, bool, bool],
    ) -> None:
        self.crm.add(
            "contacts",
            account_number=number,
            name=name,
            email=email,
            phone=phone,
            postal_address=address,
            source=source,
            created_on=on,
            email_ok=boxes[0],
            sms_ok=boxes[1],
            post_ok=boxes[2],
            preferences_updated_at=self.population.moment_on(on),
        )

    def chat(self, *, name: str | None, email: str | None, on: date, postcode: str) -> None:
        rng = self.rng
        started = self.population.moment_on(on)
        chat_id = self.livechat.add(
            "chats",
            visitor_name=name,
            visitor_email=email,
            started_at=started,
            browser=rng.choice(BROWSERS)[1],
            ip_address=f"203.0.113.{rng.randint(1, 254)}",
            page_url=f"https://meridian-telecoms.example.com{rng.choice(PAGES)}",
            agent=rng.choice(AGENTS),
        )
        first = rng.randrange(0, len(CHAT_LINES) - 1, 2)
        for step, (sender, text) in enumerate(CHAT_LINES[first : first + 2]):
            self.livechat.add(
                "messages",
                chat_id=chat_id,
                sent_at=started + timedelta(seconds=40 * step),
                sender=sender,
                body=text.format(postcode=postcode),
            )

    def session(self, on: date, number: str | None) -> None:
        device, agent = self.rng.choice(BROWSERS)
        self.web.add(
            "sessions",
            started_at=self.population.moment_on(on, earliest=0, latest=24),
            cookie_id=f"{self.rng.getrandbits(128):032x}",
            ip_address=f"198.51.100.{self.rng.randint(1, 254)}",
            user_agent=agent,
            device_type=device,
            account_number=number,
        )

    def recording(self, *, caller: str, number: str | None, on: date) -> None:
        recorded = self.population.moment_on(on)
        call_id = self.recordings.count("calls") + 1
        self.recordings.add(
            "calls",
            caller_number=caller,
            account_number=number,
            line=self.rng.choice(("sales", "service")),
            agent=self.rng.choice(AGENTS),
            recorded_at=recorded,
            duration_seconds=self.rng.randint(45, 1400),
            audio_file=self.write_file(f"{recorded:%Y-%m}/call-{call_id:07d}.wav", silent_wav()),
        )


def _known(meridian: _Meridian) -> None:
    today = meridian.today
    priya, tom, helen = (KNOWN_PEOPLE[k] for k in ("priya", "tom", "helen"))

    opened = shift_months(today, -36)
    address, postcode = "Flat 3, 22 Castle Hill, Reading", "RG1 7RP"
    priya_id, number = meridian.account(
        name=priya.name,
        job_title="Office Manager",
        company="Shah Lettings Ltd",
        email=priya.email,
        phone=priya.phone,
        address=address,
        postcode=postcode,
        opened=opened,
        closed=None,
    )
    assert number == priya.identities["account_number"]
    for months in (36, 10):
        meridian.order(
            priya_id,
            name=priya.name,
            address=address,
            postcode=postcode,
            on=shift_months(today, -months),
        )
    meridian.contact(
        number=number,
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        address=f"{address} {postcode}",
        source="web form",
        on=opened - timedelta(days=5),
        boxes=(True, False, True),
    )
    meridian.chat(name=priya.name, email=priya.email, on=shift_months(today, -2), postcode=postcode)
    meridian.session(today - timedelta(days=4), number)
    meridian.recording(caller=priya.phone, number=number, on=today - timedelta(days=14))
    meridian.recording(caller=priya.phone, number=number, on=shift_months(today, -7))

    meridian.contact(
        number=None,
        name=tom.name,
        email=tom.email,
        phone=tom.phone,
        address=None,
        source="web form",
        on=shift_months(today, -36),
        boxes=(True, False, False),
    )
    meridian.chat(name=tom.name, email=tom.email, on=shift_months(today, -2), postcode="RG4 8ZZ")

    helen_id, helen_number = meridian.account(
        name=helen.name,
        job_title="Director",
        company="Moss Interiors Ltd",
        email=helen.email,
        phone=helen.phone,
        address="9 London Street, Reading",
        postcode="RG1 4QW",
        opened=shift_months(today, -120),
        closed=shift_months(today, -84),
    )
    assert helen_number == helen.identities["account_number"]
    meridian.order(
        helen_id,
        name=helen.name,
        address="9 London Street, Reading",
        postcode="RG1 4QW",
        on=shift_months(today, -100),
    )


def _population(meridian: _Meridian, people: int) -> None:
    population, rng, today = meridian.population, meridian.rng, meridian.today
    for _ in range(people):
        person = population.person()
        boxes = (population.chance(0.5), population.chance(0.2), population.chance(0.3))
        if population.chance(0.65):
            company = population.company() if population.chance(0.7) else None
            opened = population.day_between(shift_months(today, -110), today - timedelta(days=10))
            closed = None
            if population.chance(0.25):
                closed = population.day_between(
                    min(shift_months(opened, 12), today - timedelta(days=1)),
                    today - timedelta(days=1),
                )
            last = closed or today
            # Work address for most business customers, home address for sole traders.
            address = f"{company.street}, {company.town}" if company else person.address
            postcode = company.postcode if company else person.postcode
            account_id, number = meridian.account(
                name=person.name,
                job_title=population.job_title() if company else None,
                company=company.name if company else None,
                email=person.email,
                phone=person.phone,
                address=address,
                postcode=postcode,
                opened=opened,
                closed=closed,
            )
            for _ in range(rng.randint(1, 3)):
                meridian.order(
                    account_id,
                    name=person.name,
                    address=address,
                    postcode=postcode,
                    on=population.day_between(opened, last),
                )
            if population.chance(0.6):
                meridian.contact(
                    number=number,
                    name=person.name,
                    email=person.email,
                    phone=person.phone,
                    address=f"{address} {postcode}",
                    source=rng.choice(("web form", "phone", "live chat")),
                    on=opened,
                    boxes=boxes,
                )
            recent = max(opened, shift_months(today, -9))
            if recent <= last:
                for _ in range(rng.randint(0, 2)):
                    meridian.recording(
                        caller=person.phone, number=number, on=population.day_between(recent, last)
                    )
                if population.chance(0.3):
                    meridian.chat(
                        name=person.name,
                        email=person.email,
                        on=population.day_between(recent, last),
                        postcode=postcode,
                    )
                for _ in range(rng.randint(0, 2)):
                    meridian.session(population.day_between(recent, last), number)
        else:
            created = population.day_between(shift_months(today, -40), today)
            meridian.contact(
                number=None,
                name=person.name,
                email=person.email,
                phone=person.phone if population.chance(0.6) else None,
                address=None,
                source=rng.choice(("web form", "live chat")),
                on=created,
                boxes=boxes,
            )
            if population.chance(0.4):
                meridian.chat(
                    name=person.name,
                    email=person.email,
                    on=population.day_between(max(created, shift_months(today, -16)), today),
                    postcode=person.postcode,
                )
    for _ in range(people):
        meridian.session(population.day_between(shift_months(today, -16), today), None)
    for _ in range(max(1, people // 10)):
        meridian.chat(
            name=None,
            email=None,
            on=population.day_between(shift_months(today, -16), today),
            postcode="RG1 1AA",
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
        meridian = _Meridian(population, today, recordings.write)
        _known(meridian)
        _population(meridian, people)
        systems.sql("billing").load(meridian.billing)
        systems.sql("crm").load(meridian.crm)
        systems.sql("livechat").load(meridian.livechat)
        systems.sql("web").load(meridian.web)
        recordings.load(meridian.recordings)
        return systems.finish()
