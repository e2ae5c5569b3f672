"""Fictional en_GB people, companies, dates and text for the sample systems: repeatable and fast.

Faker is slow per value and its output depends on call order, so it only fills small pools once
per seed; people are then drawn from the pools with `random.Random(seed)`. Emails use the
reserved example.com/.net/.org domains (RFC 2606) so no real mailbox is ever named; identity
values are stored normalised (lower-case emails, E.164 phone numbers), as the connectors match
them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from dataward.core.errors import ConfigurationError
from dataward.policy.expressions import Period, add_period

T = TypeVar("T")

PERSONAL_DOMAINS = ("example.com", "example.net", "example.org")

JOB_TITLES = (
    "Office Manager",
    "Operations Manager",
    "Finance Director",
    "Managing Director",
    "IT Coordinator",
    "Practice Manager",
    "Head of Operations",
    "Accounts Assistant",
    "Receptionist",
    "Sales Manager",
    "Director",
    "Administrator",
    "Customer Service Lead",
    "Facilities Manager",
)

# Mobile ranges 071xx to 073xx are all valid UK mobile numbers (libphonenumber's metadata);
# landlines use real area codes with subscriber numbers drawn at random.
_LANDLINE_PREFIXES = (
    ("+44207", 7),
    ("+44203", 7),
    ("+441132", 6),
    ("+441614", 6),
    ("+441179", 6),
    ("+441315", 6),
    ("+441413", 6),
    ("+441189", 6),
    ("+442920", 6),
)
# Real towns with their postcode areas and district ranges; the inward code is drawn at random
# (letters from the set Royal Mail uses), so addresses look right without being anyone's.
TOWNS = (
    ("London", "SE", 1, 28),
    ("London", "N", 1, 22),
    ("Bristol", "BS", 1, 16),
    ("Bath", "BA", 1, 2),
    ("Leeds", "LS", 1, 28),
    ("Bradford", "BD", 1, 15),
    ("Manchester", "M", 1, 40),
    ("Salford", "M", 3, 7),
    ("Stockport", "SK", 1, 8),
    ("Birmingham", "B", 1, 45),
    ("Coventry", "CV", 1, 6),
    ("Nottingham", "NG", 1, 11),
    ("Leicester", "LE", 1, 5),
    ("Sheffield", "S", 1, 20),
    ("York", "YO", 1, 32),
    ("Newcastle upon Tyne", "NE", 1, 7),
    ("Liverpool", "L", 1, 25),
    ("Reading", "RG", 1, 6),
    ("Oxford", "OX", 1, 4),
    ("Southampton", "SO", 14, 19),
    ("Bournemouth", "BH", 1, 11),
    ("Exeter", "EX", 1, 4),
    ("Norwich", "NR", 1, 7),
    ("Cambridge", "CB", 1, 5),
    ("Cardiff", "CF", 10, 24),
    ("Swansea", "SA", 1, 7),
    ("Edinburgh", "EH", 1, 17),
    ("Glasgow", "G", 1, 53),
    ("Aberdeen", "AB", 10, 25),
    ("Dundee", "DD", 1, 5),
    ("Belfast", "BT", 1, 17),
)
SCOTLAND = (
    ("Edinburgh", "EH", 1, 17),
    ("Glasgow", "G", 1, 53),
    ("Aberdeen", "AB", 10, 25),
    ("Dundee", "DD", 1, 5),
    ("Stirling", "FK", 7, 9),
    ("Falkirk", "FK", 1, 2),
    ("Perth", "PH", 1, 2),
    ("Inverness", "IV", 1, 3),
    ("Livingston", "EH", 53, 54),
    ("Kirkcaldy", "KY", 1, 2),
)
Town = tuple[str, str, int, int]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREET_STEMS = (
    "Church",
    "Station",
    "Park",
    "Mill",
    "High",
    "Victoria",
    "Queen's",
    "King's",
    "Chapel",
    "Manor",
    "Elm",
    "Oak",
    "Willow",
    "Albert",
    "Market",
    "School",
    "Green",
    "Orchard",
    "Meadow",
    "Grange",
    "Castle",
    "Bridge",
    "North",
    "South",
    "West",
    "Priory",
    "Abbey",
    "Springfield",
)
_STREET_KINDS = (
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Gardens",
    "Terrace",
    "Place",
    "Grove",
)
_NOT_LETTERS = re.compile(r"[^a-z]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class KnownPerson:
    """A person a generator always inserts, so tests can ask about them by name."""

    key: str
    name: str
    email: str
    phone: str
    story: str
    identities: Mapping[str, str] = field(default_factory=dict)

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def last_name(self) -> str:
        return self.name.split()[-1]

    def identity_values(self) -> dict[str, str]:
        """Every identity this person can be found by: email, phone_number and custom ones."""
        return {"email": self.email, "phone_number": self.phone, **self.identities}


@dataclass(frozen=True, slots=True)
class FakePerson:
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    town: str
    postcode: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.town}"


@dataclass(frozen=True, slots=True)
class FakeCompany:
    name: str
    domain: str
    street: str
    town: str
    postcode: str
    phone: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.town} {self.postcode}"


@dataclass(frozen=True)
class _Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    companies: tuple[str, ...]


def _pools(seed: int, size: int) -> _Pools:
    # faker comes with the `examples` extra only, so a plain install still loads this module.
    try:
        from faker import Faker
    except ModuleNotFoundError:
        raise ConfigurationError(
            "inventing sample people needs faker, which is not installed",
            fix="install the examples extra: pip install 'dataward[examples]'",
        ) from None
    fake = Faker("en_GB")
    fake.seed_instance(seed)

    def distinct(make: Callable[[], object], count: int) -> tuple[str, ...]:
        values: dict[str, None] = {}
        attempts = 0
        while len(values) < count and attempts < count * 20:
            values[str(make())] = None
            attempts += 1
        return tuple(values)

    last_names = distinct(fake.last_name, size)
    stems = _STREET_STEMS + last_names[:40]
    return _Pools(
        first_names=distinct(fake.first_name, size),
        last_names=last_names,
        streets=tuple(f"{stem} {kind}" for stem in stems for kind in _STREET_KINDS),
        companies=distinct(fake.company, size),
    )


class Population:
    """Draws people, companies, dates and phrases from one seeded random stream."""

    def __init__(self, seed: int, *, pool_size: int = 300) -> None:
        self.rng = random.Random(seed)
        self._pools = _pools(seed, pool_size)
        self._emails: dict[str, int] = {}
        self._phones: set[str] = set()
        self._company_names: dict[str, int] = {}

    # identities -------------------------------------------------------------------------------

    def reserve(self, *people: KnownPerson) -> None:
        """Keep the known people's email and phone out of the generated ones."""
        for person in people:
            self._emails[person.email] = self._emails.get(person.email, 0) + 1
            self._phones.add(person.phone)

    def email(self, first_name: str, last_name: str, domain: str | None = None) -> str:
        local = (
            f"{_NOT_LETTERS.sub('', first_name.lower())}.{_NOT_LETTERS.sub('', last_name.lower())}"
        )
        domain = domain or self.rng.choice(PERSONAL_DOMAINS)
        candidate = f"{local}@{domain}"
        seen = self._emails.get(candidate, 0)
        self._emails[candidate] = seen + 1
        if seen == 0:
            return candidate
        # Several Sarah Joneses: number them, and make sure the numbered one is free too.
        while True:
            seen += 1
            numbered = f"{local}{seen}@{domain}"
            if numbered not in self._emails:
                self._emails[numbered] = 1
                return numbered

    def mobile(self) -> str:
        while True:
            number = f"+447{self.rng.randrange(100_000_000, 400_000_000)}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def landline(self) -> str:
        while True:
            prefix, digits = self.rng.choice(_LANDLINE_PREFIXES)
            number = f"{prefix}{self.rng.randrange(10 ** (digits - 1), 10**digits)}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    # people and companies ---------------------------------------------------------------------

    def place(self, towns: Sequence[Town] = TOWNS) -> tuple[str, str, str]:
        """A street address, its town and a postcode of that town's area."""
        rng = self.rng
        town, area, low, high = rng.choice(towns)
        inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        street = f"{rng.randint(1, 180)} {rng.choice(self._pools.streets)}"
        return street, town, f"{area}{rng.randint(low, high)} {inward}"

    def person(
        self, *, domain: str | None = None, landline: bool = False, towns: Sequence[Town] = TOWNS
    ) -> FakePerson:
        pools = self._pools
        first = self.rng.choice(pools.first_names)
        last = self.rng.choice(pools.last_names)
        street, town, postcode = self.place(towns)
        return FakePerson(
            first_name=first,
            last_name=last,
            email=self.email(first, last, domain),
            phone=self.landline() if landline else self.mobile(),
            street=street,
            town=town,
            postcode=postcode,
        )

    def company(self, *, suffix: str = "Ltd") -> FakeCompany:
        pools = self._pools
        base = self.rng.choice(pools.companies)
        base = re.sub(r"\s+(Ltd|PLC|LLC|plc|and Sons)$", "", base)
        seen = self._company_names.get(base, 0)
        self._company_names[base] = seen + 1
        name = f"{base} {suffix}" if seen == 0 else f"{base} ({seen + 1}) {suffix}"
        slug = _NOT_SLUG.sub("-", name.lower()).strip("-")[:48].strip("-")
        street, town, postcode = self.place()
        return FakeCompany(
            name=name,
            domain=f"{slug}.example.com",
            street=street,
            town=town,
            postcode=postcode,
            phone=self.landline(),
        )

    def job_title(self, titles: Sequence[str] = JOB_TITLES) -> str:
        return self.rng.choice(titles)

    # dates and chances ------------------------------------------------------------------------

    def day_between(self, start: date, end: date) -> date:
        """A day in [start, end], both inclusive."""
        if end < start:
            raise ValueError(f"empty range: {start} to {end}")
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def moment_on(self, day: date, *, earliest: int = 8, latest: int = 18) -> datetime:
        """A time during the working day (UTC, aware)."""
        seconds = self.rng.randint(earliest * 3600, latest * 3600 - 1)
        return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def phrase(self, templates: Sequence[str], **slots: Sequence[str]) -> str:
        """One template with each `{slot}` filled from its options."""
        template = self.rng.choice(templates)
        return template.format(
            **{name: self.rng.choice(options) for name, options in slots.items()}
        )


def shift_months(day: date, months: int) -> date:
    """The same day-number `months` later (earlier when negative), clamped to the month's end."""
    return add_period(day, Period(amount=months, unit="month"))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware UTC moment on that day, for the known people's fixed records."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)
