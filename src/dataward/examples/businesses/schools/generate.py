"""Thistle Schools IT Ltd: CRM, hosted support desk, office CCTV and events mailing list.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional Scottish
schools and their staff, dated around 2026-03-02 so that every retention rule (CCTV after 30
days, tickets reviewed a year after the last activity, 5 years after a contract ends) has
records on both sides of its boundary. The same seed gives the same data. See README.md for
the known people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from dataward.examples.catalogue import REFERENCE_DATE
from dataward.examples.population import (
    SCOTLAND,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import SampleSystems

from .records import SCHOOL_KINDS, SCHOOL_STEMS, Thistle
from .tables import SYSTEMS

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
            "but still receives the school's invoices"
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


def _known(thistle: Thistle) -> None:
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


def _population(thistle: Thistle, people: int) -> None:
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
    thistle = Thistle(population, today)
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
