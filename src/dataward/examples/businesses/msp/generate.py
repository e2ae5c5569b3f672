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

from dataward.examples.catalogue import REFERENCE_DATE
from dataward.examples.population import (
    FakeCompany,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import SampleSystems

from .records import ROLES, Northgate
from .tables import SYSTEMS

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
            "from marketing 2 months ago"
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


def _known(ng: Northgate) -> None:
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


def _population(ng: Northgate, people: int) -> None:
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
    northgate = Northgate(population, today)
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
