"""Meridian Business Telecoms Ltd: how each kind of record in its systems is made up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dataward.examples.media import silent_wav
from dataward.examples.population import (
    Population,
    shift_months,
)
from dataward.examples.systems import PendingRows

PRODUCTS = (
    "Yealink T54W handset",
    "Business fibre 900",
    "Router FritzBox 7590",
    "5G data SIM",
    "Hosted voice seat",
    "Poly headset",
)
COURIERS = ("Swiftparcel Couriers", "Albion Post")
BRANDS = ("visa", "mastercard", "amex")
BROWSERS = (
    ("desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0"),
    ("desktop", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/17.6"),
    ("mobile", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) Safari/604.1"),
    ("mobile", "Mozilla/5.0 (Linux; Android 15; Pixel 8) Chrome/131.0 Mobile"),
)
PAGES = ("/broadband", "/phones", "/hosted-voice", "/mobile", "/contact", "/pricing")
CHAT_LINES = (
    ("visitor", "Hi, is fibre available at {postcode}?"),
    ("agent", "Let me check that postcode for you."),
    ("visitor", "How long does installation take?"),
    ("agent", "Usually 10 working days from order."),
    ("visitor", "My handset shows 'No service' since this morning."),
    ("agent", "I have raised a fault; an engineer will call you today."),
)
AGENTS = tuple(f"agent-{n:02d}" for n in range(1, 15))

FileWriter = Callable[[str, bytes], str]


class Meridian:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date, write_file: FileWriter) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.write_file = write_file
        self.billing = PendingRows()
        self.crm = PendingRows()
        self.livechat = PendingRows()
        self.web = PendingRows()
        self.recordings = PendingRows()

    def account(
        self,
        *,
        name: str,
        job_title: str | None,
        company: str | None,
        email: str,
        phone: str,
        address: str,
        postcode: str,
        opened: date,
        closed: date | None,
    ) -> tuple[int, str]:
        number = f"MBT{300000 + self.billing.count('accounts') + 1}"
        account_id = self.billing.add(
            "accounts",
            account_number=number,
            name=name,
            job_title=job_title,
            company=company,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            opened_on=opened,
            closed_on=closed,
        )
        rng = self.rng
        expires = shift_months(opened, rng.randint(24, 60))
        self.billing.add(
            "payment_methods",
            account_id=account_id,
            processor_token=f"pm_{rng.getrandbits(96):024x}",
            card_brand=rng.choice(BRANDS),
            card_last4=f"{rng.randint(0, 9999):04d}",
            expires=f"{expires:%Y-%m}",
            added_on=opened,
        )
        issued, last = opened, closed or self.today
        while issued <= last and issued < self.today:
            self.billing.add(
                "invoices",
                account_id=account_id,
                invoice_number=f"MI-{self.billing.count('invoices') + 1:07d}",
                issued_on=issued,
                amount_pence=rng.randint(3_000, 60_000),
            )
            issued = shift_months(issued, 6)
        return account_id, number

    def order(self, account_id: int, *, name: str, address: str, postcode: str, on: date) -> None:
        courier = self.rng.choice(COURIERS)
        self.billing.add(
            "orders",
            account_id=account_id,
            ordered_on=on,
            product=self.rng.choice(PRODUCTS),
            delivery_name=name,
            delivery_address=address,
            delivery_postcode=postcode,
            courier=courier,
            tracking_number=f"{courier[:2].upper()}{self.rng.randint(10**9, 10**10 - 1)}",
        )

    def contact(
        self,
        *,
        number: str | None,
        name: str,
        email: str,
        phone: str | None,
        address: str | None,
        source: str,
        on: date,
        boxes: tuple[bool, bool, bool],
    ) -> None:
        self.crm.add(
            "contacts",
            account_number=number,
            name=name,
            email=email,
            phone=phone,
            postal_address=address,
            source=source,
            created_on=on,
            email_ok=boxes[0],
            sms_ok=boxes[1],
            post_ok=boxes[2],
            preferences_updated_at=self.population.moment_on(on),
        )

    def chat(self, *, name: str | None, email: str | None, on: date, postcode: str) -> None:
        rng = self.rng
        started = self.population.moment_on(on)
        chat_id = self.livechat.add(
            "chats",
            visitor_name=name,
            visitor_email=email,
            started_at=started,
            browser=rng.choice(BROWSERS)[1],
            ip_address=f"203.0.113.{rng.randint(1, 254)}",
            page_url=f"https://meridian-telecoms.example.com{rng.choice(PAGES)}",
            agent=rng.choice(AGENTS),
        )
        first = rng.randrange(0, len(CHAT_LINES) - 1, 2)
        for step, (sender, text) in enumerate(CHAT_LINES[first : first + 2]):
            self.livechat.add(
                "messages",
                chat_id=chat_id,
                sent_at=started + timedelta(seconds=40 * step),
                sender=sender,
                body=text.format(postcode=postcode),
            )

    def session(self, on: date, number: str | None) -> None:
        device, agent = self.rng.choice(BROWSERS)
        self.web.add(
            "sessions",
            started_at=self.population.moment_on(on, earliest=0, latest=24),
            cookie_id=f"{self.rng.getrandbits(128):032x}",
            ip_address=f"198.51.100.{self.rng.randint(1, 254)}",
            user_agent=agent,
            device_type=device,
            account_number=number,
        )

    def recording(self, *, caller: str, number: str | None, on: date) -> None:
        recorded = self.population.moment_on(on)
        call_id = self.recordings.count("calls") + 1
        self.recordings.add(
            "calls",
            caller_number=caller,
            account_number=number,
            line=self.rng.choice(("sales", "service")),
            agent=self.rng.choice(AGENTS),
            recorded_at=recorded,
            duration_seconds=self.rng.randint(45, 1400),
            audio_file=self.write_file(f"{recorded:%Y-%m}/call-{call_id:07d}.wav", silent_wav()),
        )
