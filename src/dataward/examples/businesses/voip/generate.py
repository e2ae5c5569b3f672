"""Signalpath Communications Ltd: website, CRM, dialler, call recordings and HR system.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
people dated around 2026-03-02 so that every retention rule (2 years for enquirers, 6 years
after a relationship or employment ends, 6 months after an unsuccessful application) has
records on both sides of its boundary. The same seed gives the same data. See README.md for
the known people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from dataward.examples.catalogue import REFERENCE_DATE
from dataward.examples.population import (
    FakePerson,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import SampleSystems

from .records import ROLES, Signalpath
from .tables import SYSTEMS

# --- people every run contains ---------------------------------------------------------------

KNOWN_PEOPLE: dict[str, KnownPerson] = {
    "priya": KnownPerson(
        key="priya",
        name="Priya Shah",
        email="priya.shah@example.net",
        phone="+447134567811",
        identities={"customer_number": "SP20001"},
        story=(
            "customer for 4 years after a web enquiry; 2 services, 1 complaint 5 months ago, "
            "5 invoices 6 months apart; on the dialler list (screened 10 days ago, not listed); "
            "recordings: an inbound call 20 days ago and a telemarketing call 2 months ago"
        ),
    ),
    "gareth": KnownPerson(
        key="gareth",
        name="Gareth Hughes",
        email="gareth.hughes@example.org",
        phone="+447134567812",
        story="enquired 3 years ago and never became a customer: due for deletion",
    ),
    "aisha": KnownPerson(
        key="aisha",
        name="Aisha Okafor",
        email="aisha.okafor@example.com",
        phone="+447134567813",
        story="enquired 11 months ago, not a customer: kept until the enquiry is 2 years old",
    ),
    "daniel": KnownPerson(
        key="daniel",
        name="Daniel Price",
        email="daniel.price@example.net",
        phone="+447134567814",
        identities={"customer_number": "SP20002"},
        story=(
            "customer whose relationship ended 7 years ago: customer, services, complaint and "
            "3 invoices (its last year) all past their 6-year rules"
        ),
    ),
    "helen": KnownPerson(
        key="helen",
        name="Helen Moss",
        email="helen.moss@example.com",
        phone="+447134567815",
        identities={"customer_number": "SP20003"},
        story="customer whose relationship ended 2 years ago: kept for 4 more years",
    ),
    "marek": KnownPerson(
        key="marek",
        name="Marek Nowak",
        email="marek.nowak@example.org",
        phone="+447134567816",
        story="unsuccessful applicant, decision 8 months ago: due for deletion",
    ),
    "sophie": KnownPerson(
        key="sophie",
        name="Sophie Clarke",
        email="sophie.clarke@example.net",
        phone="+447134567817",
        story="unsuccessful applicant, decision 2 months ago: kept for 4 more months",
    ),
    "james": KnownPerson(
        key="james",
        name="James O'Neill",
        email="james.oneill@example.com",
        phone="+447134567818",
        identities={"employee_number": "E0001"},
        story=(
            "former van engineer; employment ended 7 years ago: employee file and "
            "pre-employment checks (medical, convictions) past the 6-year rule"
        ),
    ),
    "laura": KnownPerson(
        key="laura",
        name="Laura Bennett",
        email="laura.bennett@example.org",
        phone="+447134567819",
        identities={"employee_number": "E0002"},
        story="current employee hired 2 years ago, with pre-employment checks",
    ),
}


def _known(sp: Signalpath) -> None:
    today = sp.today
    k = KNOWN_PEOPLE

    priya = k["priya"]
    joined = shift_months(today, -48)
    sp.enquiry(
        name=priya.name,
        organisation="Shah Dental Practice Ltd",
        email=priya.email,
        phone=priya.phone,
        address="40 Deansgate",
        postcode="M3 2EG",
        town="Manchester",
        on=joined - timedelta(days=20),
        customer_number="SP20001",
    )
    priya_id, number = sp.customer(
        company="Shah Dental Practice Ltd",
        name=priya.name,
        email=priya.email,
        phone=priya.phone,
        address="40 Deansgate, Manchester",
        postcode="M3 2EG",
        started_on=joined,
        ended_on=None,
    )
    assert number == priya.identities["customer_number"]
    sp.service(priya_id, joined, None)
    sp.service(priya_id, shift_months(today, -14), None)
    sp.complaint(priya_id, shift_months(today, -5))
    sp.invoices(priya_id, shift_months(today, -30), today, every=6)
    sp.call_list_entry(
        number=number,
        name=priya.name,
        company="Shah Dental Practice Ltd",
        phone=priya.phone,
        screened_on=today - timedelta(days=10),
    )
    sp.recording(
        customer_phone=priya.phone,
        customer_number=number,
        direction="inbound",
        on=today - timedelta(days=20),
    )
    sp.recording(
        customer_phone=priya.phone,
        customer_number=number,
        direction="telemarketing",
        on=shift_months(today, -2),
    )

    for key, months in (("gareth", 36), ("aisha", 11)):
        person = k[key]
        sp.enquiry(
            name=person.name,
            organisation=None,
            email=person.email,
            phone=person.phone,
            address="7 Market Street",
            postcode="SK1 1EU",
            town="Stockport",
            on=shift_months(today, -months),
            customer_number=None,
        )

    for key, ended_months, started_months in (("daniel", 84, 150), ("helen", 24, 70)):
        person = k[key]
        ended = shift_months(today, -ended_months)
        customer_id, number = sp.customer(
            company=f"{person.last_name} Logistics Ltd",
            name=person.name,
            email=person.email,
            phone=person.phone,
            address="Unit 2, Trafford Park Road, Manchester",
            postcode="M17 1HG",
            started_on=shift_months(today, -started_months),
            ended_on=ended,
        )
        assert number == person.identities["customer_number"]
        sp.service(customer_id, shift_months(today, -started_months), ended)
        sp.complaint(customer_id, shift_months(ended, -10))
        sp.invoices(customer_id, shift_months(ended, -12), ended, every=6)

    for key, months in (("marek", 8), ("sophie", 2)):
        person = k[key]
        applied = shift_months(today, -months) - timedelta(days=30)
        sp.applicant(
            person=person,
            applied_on=applied,
            outcome="unsuccessful",
            role="Support Engineer",
            decided_on=shift_months(today, -months),
        )

    tenures: tuple[tuple[str, int, int | None], ...] = (("james", 130, 84), ("laura", 24, None))
    for key, joined_months, left_months in tenures:
        person = k[key]
        employee_id = sp.employee(
            applicant_id=None,
            name=person.name,
            email=person.email,
            phone=person.phone,
            address="22 Wilmslow Road, Manchester",
            postcode="M14 5TQ",
            role="Field Engineer (van)",
            started_on=shift_months(today, -joined_months),
            ended_on=None if left_months is None else shift_months(today, -left_months),
        )
        expected = person.identities["employee_number"]
        assert sp.hr.tables["employees"][employee_id - 1]["employee_number"] == expected


def _population(sp: Signalpath, people: int) -> None:
    population, rng, today = sp.population, sp.rng, sp.today
    staff_budget = max(3, people // 40)
    for _ in range(people):
        person = population.person()
        roll = rng.random()
        if roll < 0.45:
            _random_customer(sp, person)
        elif roll < 0.80:
            sp.enquiry(
                name=person.name,
                organisation=population.company().name if population.chance(0.6) else None,
                email=person.email,
                phone=person.phone if population.chance(0.8) else None,
                address=person.street,
                postcode=person.postcode,
                town=person.town,
                on=population.day_between(shift_months(today, -40), today),
                customer_number=None,
            )
            if population.chance(0.3):
                sp.recording(
                    customer_phone=person.phone,
                    customer_number=None,
                    direction="inbound",
                    on=population.day_between(shift_months(today, -14), today),
                )
        else:
            applied = population.day_between(shift_months(today, -30), today)
            role = rng.choice(ROLES)
            outcome = "pending" if applied > today - timedelta(days=30) else "unsuccessful"
            hired = outcome == "unsuccessful" and staff_budget > 0 and population.chance(0.25)
            applicant_id = sp.applicant(
                person=person,
                applied_on=applied,
                outcome="hired" if hired else outcome,
                role=role,
            )
            if hired:
                staff_budget -= 1
                started = min(applied + timedelta(days=rng.randint(40, 70)), today)
                ended = None
                if population.chance(0.3):
                    ended = population.day_between(started, today)
                sp.employee(
                    applicant_id=applicant_id,
                    name=person.name,
                    email=person.email,
                    phone=person.phone,
                    address=person.address,
                    postcode=person.postcode,
                    role=role,
                    started_on=started,
                    ended_on=ended,
                )
    # Anonymous visits: most visitors never enquire.
    for _ in range(people):
        sp.visit(population.day_between(shift_months(today, -16), today))
    # Staff who joined before the HR system kept applications.
    for _ in range(max(2, people // 50)):
        person = population.person()
        started = population.day_between(shift_months(today, -150), shift_months(today, -30))
        ended = None
        if population.chance(0.5):
            ended = population.day_between(started + timedelta(days=200), today)
        sp.employee(
            applicant_id=None,
            name=person.name,
            email=person.email,
            phone=person.phone,
            address=person.address,
            postcode=person.postcode,
            role=rng.choice(ROLES),
            started_on=started,
            ended_on=ended,
        )


def _random_customer(sp: Signalpath, person: FakePerson) -> None:
    population, rng, today = sp.population, sp.rng, sp.today
    company = population.company().name if population.chance(0.8) else None
    started = population.day_between(shift_months(today, -130), today - timedelta(days=20))
    ended = None
    if population.chance(0.3):
        ended = population.day_between(
            min(shift_months(started, 12), today - timedelta(days=1)), today - timedelta(days=1)
        )
    last = ended or today
    number = f"SP{20000 + sp.crm.count('customers') + 1}"
    if population.chance(0.5):
        sp.enquiry(
            name=person.name,
            organisation=company,
            email=person.email,
            phone=person.phone,
            address=person.street,
            postcode=person.postcode,
            town=person.town,
            on=started - timedelta(days=rng.randint(2, 40)),
            customer_number=number,
        )
    customer_id, created_number = sp.customer(
        company=company,
        name=person.name,
        email=person.email,
        phone=person.phone,
        address=person.address,
        postcode=person.postcode,
        started_on=started,
        ended_on=ended,
    )
    assert created_number == number
    for _ in range(rng.randint(1, 3)):
        sp.service(customer_id, population.day_between(started, last), ended)
    if population.chance(0.15):
        sp.complaint(customer_id, population.day_between(started, last))
    sp.invoices(customer_id, started, last)
    if population.chance(0.4):
        # Current customers are on this year's list; former ones stay on the list they were
        # last called from until the yearly rule removes them.
        screened_from = (ended or today) - timedelta(days=60)
        sp.call_list_entry(
            number=number,
            name=person.name,
            company=company,
            phone=person.phone,
            screened_on=population.day_between(max(started, screened_from), last),
        )
    recent = max(started, shift_months(today, -16))
    if recent <= last:
        for _ in range(rng.randint(0, 2)):
            sp.recording(
                customer_phone=person.phone,
                customer_number=number,
                direction=rng.choice(("inbound", "inbound", "telemarketing")),
                on=population.day_between(recent, last),
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
        signalpath = Signalpath(population, today, recordings.write)
        _known(signalpath)
        _population(signalpath, people)
        systems.sql("website").load(signalpath.website)
        systems.sql("crm").load(signalpath.crm)
        systems.sql("dialler").load(signalpath.dialler)
        recordings.load(signalpath.recordings)
        systems.sql("hr").load(signalpath.hr)
        return systems.finish()
