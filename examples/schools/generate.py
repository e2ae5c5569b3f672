"""Thistle Schools IT Ltd: CRM, hosted support desk, office CCTV and events mailing list.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional Scottish
schools and their staff, dated around 2026-03-02 so that every retention rule (CCTV after 30
days, tickets reviewed a year after the last activity, 5 years after a contract ends) has
records on both sides of its boundary. The same seed gives the same data. See README.md for
the known people.
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
from dataward.examples.media import grey_png
from dataward.examples.population import SCOTLAND, KnownPerson, Population, at, shift_months
from dataward.examples.systems import FolderSystem, PendingRows, SampleSystems, SqlSystem

# --- the products' tables, as the policy describes them ------------------------------------

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

# --- people every run contains ---------------------------------------------------------------

KNOWN_PEOPLE: dict[str, KnownPerson] = {
    "priya": KnownPerson(
        key="priya",
        name="Priya Shah",
        email="priya.shah@braidburn-primary.example.com",
        phone="+447134567831",
        story=(
            "School Business Manager at Braidburn Primary School, who gave the school's consent; "
            "tickets with last activity 10 days ago and 14 months ago (due for review), with "
            "emails and access-log entries; estimate 3 months ago; invoices; on the events list "
            "(email and post) with a booking"
        ),
    ),
    "fiona": KnownPerson(
        key="fiona",
        name="Fiona MacLeod",
        email="fiona.macleod@glenmore-high.example.com",
        phone="+447134567832",
        story=(
            "Head Teacher at Glenmore High School; withdrew from event marketing 10 days ago "
            "but still receives the school's invoices (schools-04)"
        ),
    ),
    "ross": KnownPerson(
        key="ross",
        name="Ross Campbell",
        email="ross.campbell@kirkbrae-academy.example.com",
        phone="+447134567833",
        story=(
            "contact at Kirkbrae Academy, whose contract ended 6 years ago: the school, its "
            "contacts and consent are past the 5-year rule"
        ),
    ),
}

SCHOOL_STEMS = (
    "Ashgrove",
    "Bankhead",
    "Craigmount",
    "Dalmore",
    "Eastfield",
    "Firrhill",
    "Gowanbank",
    "Hillpark",
    "Inchview",
    "Kingsknowe",
    "Lochend",
    "Murrayburn",
    "Northfield",
    "Oxgangs",
    "Parkhead",
    "Queensferry",
    "Riverside",
    "Stenhouse",
    "Tollcross",
    "Viewforth",
    "Westburn",
)
SCHOOL_KINDS = ("Primary School", "Primary School", "High School", "Academy")
AUTHORITIES = (
    "City of Edinburgh Council",
    "Glasgow City Council",
    "Fife Council",
    "East Lothian Council",
    "Midlothian Council",
    "Stirling Council",
)
ROLES = (
    "Head Teacher",
    "Depute Head Teacher",
    "School Business Manager",
    "Office Manager",
    "ICT Coordinator",
    "Teacher",
)
TICKETS = (
    "Smartboard in room {room} not responding",
    "Pupil iPads not syncing apps",
    "MIS login fails for {role}",
    "Printer in staff room jammed",
    "Wi-Fi slow in the {place}",
    "New teacher needs an account",
)
EMAILS_IN = (
    "Hi, this is still happening this morning. Can someone come in?",
    "Thanks, that has fixed it.",
    "Could you check again after 3.30pm when the pupils have gone?",
)
EMAILS_OUT = (
    "We have logged this and an engineer will connect remotely.",
    "We have passed this to your MIS provider and will update you.",
    "An engineer will visit on {day}.",
)
EVENTS_ON = (
    "Digital Schools Day",
    "Cyber Resilience for Schools",
    "Google Workspace for Education Training",
    "Summer Tech Showcase",
)
CAMERAS = ("entrance", "store-room", "car-park")
ENGINEERS = tuple(f"eng-{n:02d}" for n in range(1, 6))
CONSENT_NOTICE = "2025-08"

FileWriter = Callable[[str, bytes], str]


class _Thistle:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.crm = PendingRows()
        self.helpdesk = PendingRows()
        self.cctv = PendingRows()
        self.events = PendingRows()

    def school(
        self, *, name: str, address: str, started: date, ended: date | None
    ) -> tuple[int, str]:
        rng = self.rng
        devices = rng.randint(60, 900)
        authority = rng.choice(AUTHORITIES)
        school_id = self.crm.add(
            "schools",
            name=name,
            address=address,
            billing_address=f"Finance, {authority}, {address.split(', ')[-1]}",
            device_count=devices,
            student_count=rng.randint(devices // 2, devices * 2),
            network_configuration=(
                f"VLAN 10 staff 10.{rng.randint(1, 250)}.0.0/16; VLAN 20 pupils; "
                f"firewall {rng.choice(('FortiGate 60F', 'SonicWall TZ370', 'Meraki MX68'))}; "
                f"SSID {name.split()[0]}Staff"
            ),
            local_authority=authority,
            contract_started_on=started,
            relationship_ended_on=ended,
        )
        return school_id, address

    def contact(self, *, school_id: int, name: str, email: str, phone: str, on: date) -> int:
        return self.crm.add(
            "staff_contacts",
            school_id=school_id,
            name=name,
            email=email,
            phone=phone,
            created_on=on,
        )

    def consent(self, *, school_id: int, name: str, email: str, on: date) -> None:
        self.crm.add(
            "consents",
            school_id=school_id,
            given_by_name=name,
            given_by_email=email,
            given_on=on,
            method=self.rng.choice(("signed order form", "email confirmation")),
            notice_version=CONSENT_NOTICE,
            withdrawn_on=None,
        )

    def estimate(self, *, school_id: int, name: str, email: str, on: date) -> None:
        self.crm.add(
            "estimates",
            school_id=school_id,
            estimate_number=f"TE-{self.crm.count('estimates') + 1:06d}",
            sent_to_name=name,
            sent_to_email=email,
            issued_on=on,
            amount_pence=self.rng.randint(20_000, 2_500_000),
        )

    def invoices(
        self, *, school_id: int, name: str, email: str, address: str, first: date, last: date
    ) -> None:
        issued = first
        while issued <= last and issued < self.today:
            self.crm.add(
                "invoices",
                school_id=school_id,
                invoice_number=f"TI-{self.crm.count('invoices') + 1:06d}",
                sent_to_name=name,
                sent_to_email=email,
                billing_address=address,
                issued_on=issued,
                amount_pence=self.rng.randint(150_000, 1_800_000),
            )
            issued = shift_months(issued, 12)

    def ticket(
        self, *, school: str, name: str, email: str, phone: str, opened: date, last: date
    ) -> None:
        rng, population = self.rng, self.population
        ticket_id = self.helpdesk.add(
            "tickets",
            school_name=school,
            requester_name=name,
            requester_email=email,
            requester_phone=phone,
            opened_at=population.moment_on(opened),
            last_activity_on=last,
            status="open" if last >= self.today - timedelta(days=7) else "closed",
            subject=population.phrase(
                TICKETS, room=("4", "12", "P7"), role=ROLES, place=("library", "gym hall")
            ),
            description="Reported by phone; affects the whole class.",
        )
        for step in range(rng.randint(1, 3)):
            inbound = step % 2 == 0
            day = opened + timedelta(days=(last - opened).days * step // 3)
            self.helpdesk.add(
                "ticket_emails",
                ticket_id=ticket_id,
                sent_at=population.moment_on(day),
                direction="in" if inbound else "out",
                from_address=email if inbound else "support@thistle-schools-it.example.com",
                body=(
                    rng.choice(EMAILS_IN)
                    if inbound
                    else population.phrase(EMAILS_OUT, day=("Monday", "Thursday"))
                ),
            )
        for _ in range(rng.randint(1, 3)):
            self.helpdesk.add(
                "access_log",
                ticket_id=ticket_id,
                engineer=rng.choice(ENGINEERS),
                accessed_at=population.moment_on(population.day_between(opened, last)),
                action=rng.choice(("viewed", "updated", "exported")),
            )

    def member(
        self,
        *,
        name: str,
        email: str,
        phone: str,
        address: str,
        school: str,
        joined: date,
        withdrawn: date | None,
        media: tuple[bool, bool, bool] = (True, False, False),
    ) -> int:
        return self.events.add(
            "mailing_list",
            name=name,
            email=email,
            phone=phone,
            postal_address=address,
            school_name=school,
            by_email=media[0],
            by_phone=media[1],
            by_post=media[2],
            joined_on=joined,
            withdrawn_on=withdrawn,
        )

    def booking(self, member_id: int, on: date) -> None:
        self.events.add(
            "bookings",
            member_id=member_id,
            event_name=self.rng.choice(EVENTS_ON),
            event_on=on,
            attended=self.population.chance(0.8) if on < self.today else None,
        )

    def footage(self, write: FileWriter, days: int) -> None:
        # Two clips a day per camera (the recorder keeps motion-triggered clips); stills here.
        for offset in range(days, -1, -1):
            day = self.today - timedelta(days=offset)
            for index, camera in enumerate(CAMERAS):
                for hour in (9, 17):
                    moment = at(day, hour, self.rng.randint(0, 59))
                    clip_id = self.cctv.count("footage") + 1
                    path = write(
                        f"{camera}/{moment:%Y-%m}/clip-{clip_id:06d}.png",
                        grey_png(shade=64 + 48 * index + (clip_id % 16)),
                    )
                    self.cctv.add("footage", camera=camera, recorded_at=moment, clip_file=path)


def _known(thistle: _Thistle) -> None:
    today = thistle.today
    priya, fiona, ross = (KNOWN_PEOPLE[k] for k in ("priya", "fiona", "ross"))

    started = shift_months(today, -60)
    braidburn, address = thistle.school(
        name="Braidburn Primary School",
        address="Braidburn Terrace, Edinburgh EH10 6ES",
        started=started,
        ended=None,
    )
    thistle.contact(
        school_id=braidburn,
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        on=started,
    )
    thistle.consent(school_id=braidburn, name=priya.name, email=priya.email, on=started)
    for opened, last in (
        (today - timedelta(days=20), today - timedelta(days=10)),
        (shift_months(today, -15), shift_months(today, -14)),
    ):
        thistle.ticket(
            school="Braidburn Primary School",
            name=priya.name,
            email=priya.email,
            phone=priya.phone,
            opened=opened,
            last=last,
        )
    thistle.estimate(
        school_id=braidburn, name=priya.name, email=priya.email, on=shift_months(today, -3)
    )
    thistle.invoices(
        school_id=braidburn,
        name=priya.name,
        email=priya.email,
        address=address,
        first=started,
        last=today,
    )
    member = thistle.member(
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        address=address,
        school="Braidburn Primary School",
        joined=shift_months(today, -24),
        withdrawn=None,
        media=(True, False, True),
    )
    thistle.booking(member, shift_months(today, -6))

    glenmore, glen_address = thistle.school(
        name="Glenmore High School",
        address="Glenmore Road, Stirling FK8 2AB",
        started=shift_months(today, -40),
        ended=None,
    )
    thistle.contact(
        school_id=glenmore,
        name=fiona.name,
        email=fiona.email,
        phone=fiona.phone,
        on=shift_months(today, -40),
    )
    thistle.consent(
        school_id=glenmore, name=fiona.name, email=fiona.email, on=shift_months(today, -40)
    )
    thistle.invoices(
        school_id=glenmore,
        name=fiona.name,
        email=fiona.email,
        address=glen_address,
        first=shift_months(today, -40),
        last=today,
    )
    thistle.member(
        name=fiona.name,
        email=fiona.email,
        phone=fiona.phone,
        address=glen_address,
        school="Glenmore High School",
        joined=shift_months(today, -30),
        withdrawn=today - timedelta(days=10),
        media=(True, True, True),
    )

    kirkbrae, _ = thistle.school(
        name="Kirkbrae Academy",
        address="Kirkbrae, Dundee DD4 7QL",
        started=shift_months(today, -140),
        ended=shift_months(today, -72),
    )
    thistle.contact(
        school_id=kirkbrae,
        name=ross.name,
        email=ross.email,
        phone=ross.phone,
        on=shift_months(today, -140),
    )
    thistle.consent(
        school_id=kirkbrae, name=ross.name, email=ross.email, on=shift_months(today, -140)
    )


def _population(thistle: _Thistle, people: int) -> None:
    population, rng, today = thistle.population, thistle.rng, thistle.today
    schools: list[tuple[int, str, str, date, date | None]] = []
    for _ in range(max(3, people // 6)):
        street, town, postcode = population.place(SCOTLAND)
        name = f"{rng.choice(SCHOOL_STEMS)} {rng.choice(SCHOOL_KINDS)}"
        started = population.day_between(shift_months(today, -120), today - timedelta(days=30))
        ended = None
        if population.chance(0.15):
            ended = population.day_between(
                min(shift_months(started, 12), today - timedelta(days=1)), today - timedelta(days=1)
            )
        school_id, address = thistle.school(
            name=name, address=f"{street}, {town} {postcode}", started=started, ended=ended
        )
        schools.append((school_id, name, address, started, ended))
    first_contact: dict[int, tuple[str, str]] = {}
    for _ in range(people):
        school_id, school, address, started, ended = rng.choice(schools)
        last = ended or today
        domain = school.lower().replace(" ", "-").replace("'", "") + ".example.com"
        person = population.person(domain=domain, towns=SCOTLAND)
        joined = population.day_between(started, last)
        # Heads and business managers ask for estimates; teachers report faults.
        buys = population.chance(0.35)
        thistle.contact(
            school_id=school_id,
            name=person.name,
            email=person.email,
            phone=person.phone,
            on=joined,
        )
        if school_id not in first_contact:
            first_contact[school_id] = (person.name, person.email)
            thistle.consent(school_id=school_id, name=person.name, email=person.email, on=joined)
            thistle.invoices(
                school_id=school_id,
                name=person.name,
                email=person.email,
                address=address,
                first=started,
                last=last,
            )
        for _ in range(rng.randint(0, 3)):
            opened = population.day_between(joined, last)
            thistle.ticket(
                school=school,
                name=person.name,
                email=person.email,
                phone=person.phone,
                opened=opened,
                last=min(opened + timedelta(days=rng.randint(0, 20)), today),
            )
        if buys and population.chance(0.6):
            thistle.estimate(
                school_id=school_id,
                name=person.name,
                email=person.email,
                on=population.day_between(joined, last),
            )
        if population.chance(0.4):
            withdrawn = population.day_between(joined, today) if population.chance(0.2) else None
            member = thistle.member(
                name=person.name,
                email=person.email,
                phone=person.phone,
                address=address,
                school=school,
                joined=joined,
                withdrawn=withdrawn,
                media=(True, population.chance(0.3), population.chance(0.5)),
            )
            for _ in range(rng.randint(0, 2)):
                thistle.booking(member, population.day_between(joined, withdrawn or today))


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
    thistle = _Thistle(population, today)
    _known(thistle)
    _population(thistle, people)
    with SampleSystems(out_dir, SYSTEMS, urls=urls) as systems:
        cctv = systems.folder("cctv")
        thistle.footage(cctv.write, days=45)
        systems.sql("crm").load(thistle.crm)
        systems.sql("helpdesk").load(thistle.helpdesk)
        cctv.load(thistle.cctv)
        systems.sql("events").load(thistle.events)
        return systems.finish()
