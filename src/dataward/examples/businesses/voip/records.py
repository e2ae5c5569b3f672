"""Signalpath Communications Ltd: how each kind of record in its systems is made up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dataward.examples.media import silent_wav
from dataward.examples.population import (
    FakePerson,
    KnownPerson,
    Population,
    shift_months,
)
from dataward.examples.systems import PendingRows

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


class Signalpath:
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
