"""Kestrel IT Support Ltd: how each kind of record in its systems is made up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from random import Random

from dataward.examples.media import silent_wav
from dataward.examples.population import (
    Population,
)
from dataward.examples.systems import PendingRows

NEWSLETTER_CONSENT = "Yes, send me Kestrel's monthly IT tips newsletter (form v3)"
ENGINEERS = tuple(f"eng-{n:02d}" for n in range(1, 7))
AGENTS = tuple(f"agent-{n:02d}" for n in range(1, 9))
TICKET_SUBJECTS = (
    "Outlook keeps asking for my password",
    "Printer on {floor} floor offline",
    "New starter needs a laptop set up",
    "Cannot connect to the VPN from home",
    "Shared drive is very slow",
    "Phishing email received, please check",
    "Laptop will not boot after update",
    "Please add {person} to the accounts mailbox",
    "Wi-Fi drops in the meeting room",
    "Teams calls have no sound",
)
TICKET_BODIES = (
    "Since {when} the problem keeps happening. It affects {count} people in the office.",
    "Tried restarting as suggested but no change. Error message says '{error}'.",
    "Urgent: we have a client meeting at {hour}. Please call me back.",
    "Happened once last week and again today. Screenshot attached.",
)
ENQUIRY_SUBJECTS = (
    "Quote for IT support for {count} staff",
    "Do you cover {town}?",
    "Help moving our email to Microsoft 365",
    "Backup for a small office",
    "Out-of-hours support prices",
)
ENQUIRY_BODIES = (
    "Hello, we are a small firm of {count} people and our current provider is retiring. Could "
    "you send prices for monthly support? Thanks.",
    "Hi, could someone call me about setting up a new office network? Best time is {hour}.",
    "We are looking for someone to look after {count} laptops and a server. What would it cost?",
)
SERVICES = (
    "Monthly support contract",
    "Laptop set-up and configuration",
    "Microsoft 365 licences",
    "On-site visit",
    "Backup service",
)


def _ticket(population: Population) -> tuple[str, str]:
    subject = population.phrase(
        TICKET_SUBJECTS, floor=("ground", "first", "second"), person=("the new starter", "Jo")
    )
    body = population.phrase(
        TICKET_BODIES,
        when=("Monday", "this morning", "the last update"),
        count=("two", "three", "all the"),
        error=("Access denied", "0x80070005", "Server not found"),
        hour=("2pm", "11am", "4pm"),
    )
    return subject, body


def _enquiry(population: Population, town: str) -> tuple[str, str]:
    slots = {"count": ("5", "12", "25"), "town": (town,), "hour": ("after 3pm", "mornings")}
    return population.phrase(ENQUIRY_SUBJECTS, **slots), population.phrase(ENQUIRY_BODIES, **slots)


def _ip(rng: Random) -> str:
    # Documentation and private ranges only: no real customer's address appears.
    return rng.choice(
        (
            f"192.0.2.{rng.randint(1, 254)}",
            f"198.51.100.{rng.randint(1, 254)}",
            f"203.0.113.{rng.randint(1, 254)}",
        )
    )


FileWriter = Callable[[str, bytes], str]


class Kestrel:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date, folder_write: FileWriter) -> None:
        self.population = population
        self.today = today
        self.write_file = folder_write
        self.helpdesk = PendingRows()
        self.billing = PendingRows()
        self.remote = PendingRows()
        self.recordings = PendingRows()
        self.mailing = PendingRows()

    def customer(
        self,
        *,
        name: str,
        email: str,
        phone: str,
        company: str | None,
        address: str,
        postcode: str,
        created_on: date,
        ended_on: date | None,
    ) -> tuple[int, str]:
        number = f"C{100000 + self.helpdesk.count('customers') + 1}"
        customer_id = self.helpdesk.add(
            "customers",
            customer_number=number,
            name=name,
            company=company,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            created_on=created_on,
            relationship_ended_on=ended_on,
        )
        return customer_id, number

    def ticket(self, customer_id: int, opened_on: date) -> None:
        subject, body = _ticket(self.population)
        closed = opened_on + timedelta(days=self.population.rng.randint(0, 9))
        self.helpdesk.add(
            "tickets",
            customer_id=customer_id,
            opened_at=self.population.moment_on(opened_on),
            closed_on=closed if closed < self.today else None,
            subject=subject,
            description=body,
        )

    def enquiry(
        self,
        *,
        name: str,
        email: str,
        phone: str | None,
        town: str,
        received_on: date,
        customer_id: int | None,
    ) -> None:
        subject, body = _enquiry(self.population, town)
        self.helpdesk.add(
            "enquiries",
            customer_id=customer_id,
            from_name=name,
            from_email=email,
            phone=phone,
            received_at=self.population.moment_on(received_on),
            subject=subject,
            body=body,
            became_customer=customer_id is not None,
        )

    def invoice(
        self, *, number: str, name: str, email: str, address: str, issued_on: date, paid: bool
    ) -> None:
        rng = self.population.rng
        amount = rng.choice((4500, 9900, 18000, 24000, 36000, 60000))
        invoice_id = self.billing.add(
            "invoices",
            invoice_number=f"KIS-{self.billing.count('invoices') + 1:06d}",
            customer_number=number,
            billing_name=name,
            billing_email=email,
            billing_address=address,
            issued_on=issued_on,
            description=rng.choice(SERVICES),
            amount_pence=amount,
        )
        paid_on = issued_on + timedelta(days=rng.randint(0, 30))
        if paid and paid_on < self.today:
            self.billing.add(
                "payments",
                invoice_id=invoice_id,
                paid_at=self.population.moment_on(paid_on),
                amount_pence=amount,
                processor_reference=f"pl_{rng.getrandbits(64):016x}",
                status="succeeded",
            )

    def session(self, *, email: str, first_name: str, company: str | None, on: date) -> None:
        rng = self.population.rng
        started = self.population.moment_on(on)
        stem = (company or first_name).split()[0].upper()[:6]
        self.remote.add(
            "sessions",
            customer_email=email,
            engineer=rng.choice(ENGINEERS),
            device_username=first_name.lower(),
            ip_address=_ip(rng),
            hostname=f"{stem}-LT{rng.randint(1, 40):02d}",
            device_alias=rng.choice((None, f"{first_name}'s laptop", "Reception PC")),
            started_at=started,
            ended_at=started + timedelta(minutes=rng.randint(4, 75)),
            customer_agreed=True,
        )

    def call(self, *, caller: str, number: str | None, on: date) -> None:
        rng = self.population.rng
        recorded = self.population.moment_on(on)
        call_id = self.recordings.count("calls") + 1
        relative = f"{recorded:%Y-%m}/call-{call_id:07d}.wav"
        self.recordings.add(
            "calls",
            caller_number=caller,
            customer_number=number,
            direction=rng.choice(("inbound", "inbound", "outbound")),
            agent=rng.choice(AGENTS),
            recorded_at=recorded,
            duration_seconds=rng.randint(40, 1500),
            audio_file=self.write_file(relative, silent_wav()),
        )

    def subscriber(self, *, email: str, first_name: str, on: date, left_on: date | None) -> None:
        self.mailing.add(
            "subscribers",
            email=email,
            first_name=first_name,
            subscribed_at=self.population.moment_on(on),
            consent_text=NEWSLETTER_CONSENT,
            unsubscribed_on=left_on,
        )
