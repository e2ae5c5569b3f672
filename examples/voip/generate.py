"""Signalpath Communications Ltd: website, CRM, dialler, call recordings and HR system.

`generate(out_dir)` builds every system `dataward.yaml` declares, filled with fictional en_GB
people dated around 2026-03-02 so that every retention rule (2 years for enquirers, 6 years
after a relationship or employment ends, 6 months after an unsuccessful application) has
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
from dataward.examples.media import silent_wav
from dataward.examples.population import (
    FakePerson,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import FolderSystem, PendingRows, SampleSystems, SqlSystem

# --- the products' tables, as the policy describes them ------------------------------------

WEBSITE = MetaData()
Table(
    "enquiries",
    WEBSITE,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("organisation", String(160)),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("message", Text, nullable=False),
    Column("campaign", String(80)),
    Column("enquired_on", Date, nullable=False, index=True),
    Column("became_customer", Boolean, nullable=False),
    Column("customer_number", String(16), index=True),
)
Table(
    "visits",
    WEBSITE,
    Column("id", Integer, primary_key=True),
    Column("enquiry_id", Integer, ForeignKey("enquiries.id"), index=True),
    Column("visited_at", DateTime(timezone=True), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("referrer", String(200)),
    Column("landing_page", String(120), nullable=False),
    Column("cookie_id", String(36), nullable=False),
    Column("ip_address", String(45), nullable=False),
)

CRM = MetaData()
Table(
    "customers",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(16), nullable=False, unique=True),
    Column("company_name", String(160)),
    Column("contact_name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("started_on", Date, nullable=False),
    Column("relationship_ended_on", Date, index=True),
)
Table(
    "services",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("product", String(80), nullable=False),
    Column("telephone_number", String(20)),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
)
Table(
    "complaints",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("received_on", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("resolution", Text),
    Column("closed_on", Date),
)
Table(
    "invoices",
    CRM,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
)

DIALLER = MetaData()
Table(
    "call_list",
    DIALLER,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(16), index=True),
    Column("contact_name", String(120), nullable=False),
    Column("company", String(160)),
    Column("phone", String(20), nullable=False, index=True),
    Column("subscriber_type", String(12), nullable=False),
    Column("added_on", Date, nullable=False, index=True),
    Column("screened_on", Date),
    Column("tps_listed", Boolean, nullable=False),
    Column("do_not_call", Boolean, nullable=False),
    Column("last_called_at", DateTime(timezone=True)),
)

RECORDINGS = MetaData()
Table(
    "calls",
    RECORDINGS,
    Column("id", Integer, primary_key=True),
    Column("caller_number", String(20), nullable=False, index=True),
    Column("called_number", String(20), nullable=False, index=True),
    Column("customer_number", String(16), index=True),
    Column("direction", String(16), nullable=False),
    Column("agent", String(16), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("duration_seconds", Integer, nullable=False),
    Column("recording_file", String(200), nullable=False),
)

HR = MetaData()
Table(
    "applicants",
    HR,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("role_applied", String(80), nullable=False),
    Column("cv_summary", Text),
    Column("interview_notes", Text),
    Column("applied_on", Date, nullable=False),
    Column("decision_on", Date, index=True),
    Column("outcome", String(16), nullable=False),
)
Table(
    "employees",
    HR,
    Column("id", Integer, primary_key=True),
    Column("applicant_id", Integer, ForeignKey("applicants.id"), index=True),
    Column("employee_number", String(12), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("personal_email", String(254), nullable=False, index=True),
    Column("phone", String(20), index=True),
    Column("address", String(200)),
    Column("postcode", String(10)),
    Column("job_title", String(80), nullable=False),
    Column("national_insurance_number", String(13)),
    Column("started_on", Date, nullable=False),
    Column("employment_ended_on", Date, index=True),
)
Table(
    "pre_employment_checks",
    HR,
    Column("id", Integer, primary_key=True),
    Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
    Column("checked_on", Date, nullable=False),
    Column("passport_number", String(12)),
    Column("right_to_work", String(120), nullable=False),
    Column("references_summary", Text),
    Column("driving_licence", String(120)),
    Column("convictions_declared", String(200)),
    Column("bank_details", String(60)),
    Column("medical_notes", Text),
)

SYSTEMS = (
    SqlSystem("website", "VOIP_WEBSITE_URL", WEBSITE),
    SqlSystem("crm", "VOIP_CRM_URL", CRM),
    SqlSystem("dialler", "VOIP_DIALLER_URL", DIALLER),
    FolderSystem("recordings", "VOIP_RECORDINGS_DIR", RECORDINGS),
    SqlSystem("hr", "VOIP_HR_URL", HR),
)

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
        story="enquired 3 years ago and never became a customer: due for deletion (voip-03)",
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
            "3 invoices (its last year) all past their 6-year rules (voip-04)"
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
        story="unsuccessful applicant, decision 8 months ago: due for deletion (voip-09)",
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

PRODUCTS = (
    "Hosted PBX seat",
    "SIP trunk",
    "Geographic number",
    "Non-geographic 0330 number",
    "Business broadband",
    "Call recording add-on",
    "Mobile SIM",
)
CAMPAIGNS = (
    "google-ads-hosted-pbx",
    "linkedin-switchoff-2027",
    "newsletter-autumn",
    "organic",
    "facebook-sme",
    "bing-sip-trunks",
)
SOURCES = ("web", "web", "web", "social")
REFERRERS = {
    "web": ("https://www.google.co.uk/", "https://www.bing.com/", None),
    "social": ("https://www.linkedin.com/", "https://www.facebook.com/", "https://x.com/"),
}
PAGES = ("/", "/hosted-pbx", "/sip-trunks", "/pricing", "/contact", "/switch-off-2027")
ENQUIRY_TEXTS = (
    "We have {count} staff and our ISDN lines go at the 2027 switch-off. What would hosted "
    "phones cost?",
    "Can we keep our existing {town} numbers if we move to you?",
    "Please quote for {count} handsets and call recording.",
    "Do you offer SIP trunks for our existing PBX?",
)
COMPLAINTS = (
    "Calls dropping mid-conversation since the {when} maintenance.",
    "Billed twice for the {product} in {month}.",
    "Number port delayed by three weeks; customers could not reach us.",
    "Engineer did not arrive for the agreed installation slot.",
)
RESOLUTIONS = (
    "Fault traced to the customer's router firmware; updated remotely.",
    "Duplicate charge refunded and apology sent.",
    "Service credit of one month applied.",
    None,
)
ROLES = (
    "Support Engineer",
    "Field Engineer (van)",
    "Account Manager",
    "Telesales Executive",
    "Customer Service Advisor",
)
AGENTS = tuple(f"agent-{n:02d}" for n in range(1, 13))
# Signalpath's own numbers: inbound calls are to the main line, telemarketing from the sales line.
MAIN_LINE = "+441614960874"
SALES_LINE = "+441614960875"

FileWriter = Callable[[str, bytes], str]


class _Signalpath:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date, write_file: FileWriter) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.write_file = write_file
        self.website = PendingRows()
        self.crm = PendingRows()
        self.dialler = PendingRows()
        self.recordings = PendingRows()
        self.hr = PendingRows()

    # website ----------------------------------------------------------------------------------

    def enquiry(
        self,
        *,
        name: str,
        organisation: str | None,
        email: str,
        phone: str | None,
        address: str,
        postcode: str,
        town: str,
        on: date,
        customer_number: str | None,
    ) -> int:
        enquiry_id = self.website.add(
            "enquiries",
            name=name,
            organisation=organisation,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            message=self.population.phrase(
                ENQUIRY_TEXTS, count=("4", "10", "25", "60"), town=(town,)
            ),
            campaign=self.rng.choice(CAMPAIGNS),
            enquired_on=on,
            became_customer=customer_number is not None,
            customer_number=customer_number,
        )
        for _ in range(self.rng.randint(1, 3)):
            self.visit(on - timedelta(days=self.rng.randint(0, 10)), enquiry_id)
        return enquiry_id

    def visit(self, on: date, enquiry_id: int | None = None) -> None:
        source = self.rng.choice(SOURCES)
        self.website.add(
            "visits",
            enquiry_id=enquiry_id,
            visited_at=self.population.moment_on(on, earliest=0, latest=24),
            source=source,
            referrer=self.rng.choice(REFERRERS[source]),
            landing_page=self.rng.choice(PAGES),
            cookie_id=f"{self.rng.getrandbits(128):032x}",
            ip_address=f"203.0.113.{self.rng.randint(1, 254)}",
        )

    # CRM --------------------------------------------------------------------------------------

    def customer(
        self,
        *,
        company: str | None,
        name: str,
        email: str,
        phone: str,
        address: str,
        postcode: str,
        started_on: date,
        ended_on: date | None,
    ) -> tuple[int, str]:
        number = f"SP{20000 + self.crm.count('customers') + 1}"
        customer_id = self.crm.add(
            "customers",
            customer_number=number,
            company_name=company,
            contact_name=name,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            started_on=started_on,
            relationship_ended_on=ended_on,
        )
        return customer_id, number

    def service(self, customer_id: int, started_on: date, ended_on: date | None) -> None:
        product = self.rng.choice(PRODUCTS)
        number = None
        if "number" in product.lower() or "PBX" in product:
            number = self.population.landline()
        self.crm.add(
            "services",
            customer_id=customer_id,
            product=product,
            telephone_number=number,
            started_on=started_on,
            ended_on=ended_on,
        )

    def complaint(self, customer_id: int, on: date) -> None:
        closed = on + timedelta(days=self.rng.randint(1, 40))
        self.crm.add(
            "complaints",
            customer_id=customer_id,
            received_on=on,
            channel=self.rng.choice(("phone", "email", "letter")),
            summary=self.population.phrase(
                COMPLAINTS,
                when=("Tuesday", "weekend", "overnight"),
                product=PRODUCTS,
                month=("March", "July", "November"),
            ),
            resolution=self.rng.choice(RESOLUTIONS),
            closed_on=closed if closed < self.today else None,
        )

    def invoices(
        self, customer_id: int, first: date, last: date, *, every: int | None = None
    ) -> None:
        """Invoices from `first` to `last`, `every` months apart (3, 6 or 12 when not given)."""
        issued = first
        while issued <= last and issued < self.today:
            self.crm.add(
                "invoices",
                customer_id=customer_id,
                invoice_number=f"SPI-{self.crm.count('invoices') + 1:07d}",
                issued_on=issued,
                amount_pence=self.rng.randint(2_500, 90_000),
            )
            issued = shift_months(issued, every or self.rng.choice((3, 6, 12)))

    # dialler and recordings -------------------------------------------------------------------

    def call_list_entry(
        self, *, number: str, name: str, company: str | None, phone: str, screened_on: date
    ) -> None:
        listed = self.population.chance(0.12)
        called = None
        if not listed and screened_on >= self.today - timedelta(days=28):
            called = self.population.moment_on(screened_on + timedelta(days=1))
            if called.date() >= self.today:
                called = None
        self.dialler.add(
            "call_list",
            customer_number=number,
            contact_name=name,
            company=company,
            phone=phone,
            subscriber_type="corporate" if company else "individual",
            added_on=screened_on - timedelta(days=self.rng.randint(0, 60)),
            screened_on=screened_on,
            tps_listed=listed,
            do_not_call=self.population.chance(0.03),
            last_called_at=called,
        )

    def recording(
        self, *, customer_phone: str, customer_number: str | None, direction: str, on: date
    ) -> None:
        recorded = self.population.moment_on(on)
        call_id = self.recordings.count("calls") + 1
        inbound = direction == "inbound"
        self.recordings.add(
            "calls",
            caller_number=customer_phone if inbound else SALES_LINE,
            called_number=MAIN_LINE if inbound else customer_phone,
            customer_number=customer_number,
            direction=direction,
            agent=self.rng.choice(AGENTS),
            recorded_at=recorded,
            duration_seconds=self.rng.randint(30, 1800),
            recording_file=self.write_file(
                f"{recorded:%Y-%m}/{direction}-{call_id:07d}.wav", silent_wav()
            ),
        )

    # HR ---------------------------------------------------------------------------------------

    def applicant(
        self,
        *,
        person: FakePerson | KnownPerson,
        applied_on: date,
        outcome: str,
        role: str,
        decided_on: date | None = None,
    ) -> int:
        decided = decided_on or applied_on + timedelta(days=self.rng.randint(10, 45))
        address = (
            person.address if isinstance(person, FakePerson) else "12 Station Road, Manchester"
        )
        return self.hr.add(
            "applicants",
            name=person.name,
            email=person.email,
            phone=person.phone,
            address=address,
            role_applied=role,
            cv_summary=f"{self.rng.randint(1, 15)} years in telecoms; applying for {role}.",
            interview_notes=None if outcome == "pending" else "Interviewed by panel of two.",
            applied_on=applied_on,
            decision_on=None if outcome == "pending" else min(decided, self.today),
            outcome=outcome,
        )

    def employee(
        self,
        *,
        applicant_id: int | None,
        name: str,
        email: str,
        phone: str,
        address: str,
        postcode: str,
        role: str,
        started_on: date,
        ended_on: date | None,
    ) -> int:
        number = f"E{self.hr.count('employees') + 1:04d}"
        employee_id = self.hr.add(
            "employees",
            applicant_id=applicant_id,
            employee_number=number,
            name=name,
            personal_email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            job_title=role,
            national_insurance_number=self._ni_number(),
            started_on=started_on,
            employment_ended_on=ended_on,
        )
        drives = "van" in role
        self.hr.add(
            "pre_employment_checks",
            employee_id=employee_id,
            checked_on=started_on - timedelta(days=self.rng.randint(7, 21)),
            passport_number=f"{self.rng.randint(100_000_000, 999_999_999)}",
            right_to_work=self.rng.choice(
                ("British passport seen and copied", "Share code checked online: unlimited")
            ),
            references_summary="Two satisfactory references received.",
            driving_licence="Full UK licence, 3 points (SP30)" if drives else None,
            convictions_declared="None declared; basic DBS check clear" if drives else None,
            bank_details=f"Sort code 40-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}, "
            f"account ****{self.rng.randint(1000, 9999)}",
            medical_notes=self.rng.choice(
                (
                    "No conditions declared.",
                    "Asthma: no adjustments needed.",
                    "Back injury 2019: adjusted lifting duties.",
                )
            ),
        )
        return employee_id

    def _ni_number(self) -> str:
        # Prefix QQ is never issued by HMRC, so no real person's number can appear.
        digits = self.rng.randint(0, 999_999)
        return f"QQ{digits:06d}{self.rng.choice('ABCD')}"


def _known(sp: _Signalpath) -> None:
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


def _population(sp: _Signalpath, people: int) -> None:
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


def _random_customer(sp: _Signalpath, person: FakePerson) -> None:
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
        signalpath = _Signalpath(population, today, recordings.write)
        _known(signalpath)
        _population(signalpath, people)
        systems.sql("website").load(signalpath.website)
        systems.sql("crm").load(signalpath.crm)
        systems.sql("dialler").load(signalpath.dialler)
        recordings.load(signalpath.recordings)
        systems.sql("hr").load(signalpath.hr)
        return systems.finish()
