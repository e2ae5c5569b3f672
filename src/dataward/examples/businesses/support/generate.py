"""Kestrel IT Support Ltd: helpdesk, billing, remote-support log, call recordings, newsletter list.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
people dated around 2026-03-02 so that every retention rule has records on both sides of its
boundary. The same seed gives the same data. See README.md for the known people.
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

from .records import Kestrel
from .tables import SYSTEMS

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


def _known(kestrel: Kestrel) -> None:
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


def _population(kestrel: Kestrel, people: int) -> None:
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
        kestrel = Kestrel(population, today, recordings.write)
        _known(kestrel)
        _population(kestrel, people)
        systems.sql("helpdesk").load(kestrel.helpdesk)
        systems.sql("billing").load(kestrel.billing)
        systems.sql("remote").load(kestrel.remote)
        recordings.load(kestrel.recordings)
        systems.sql("mailing").load(kestrel.mailing)
        return systems.finish()
