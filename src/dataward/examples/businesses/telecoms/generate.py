"""Meridian Business Telecoms Ltd: billing, CRM, live chat, website sessions, call recordings.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
customers and contacts dated around 2026-03-02 so that every retention rule has records on
both sides of its boundary. The same seed gives the same data. See README.md for the known
people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from dataward.examples.catalogue import REFERENCE_DATE
from dataward.examples.population import (
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import SampleSystems

from .records import Meridian
from .tables import SYSTEMS

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


def _known(meridian: Meridian) -> None:
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


def _population(meridian: Meridian, people: int) -> None:
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
        meridian = Meridian(population, today, recordings.write)
        _known(meridian)
        _population(meridian, people)
        systems.sql("billing").load(meridian.billing)
        systems.sql("crm").load(meridian.crm)
        systems.sql("livechat").load(meridian.livechat)
        systems.sql("web").load(meridian.web)
        recordings.load(meridian.recordings)
        return systems.finish()
