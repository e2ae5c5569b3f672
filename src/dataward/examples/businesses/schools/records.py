"""Thistle Schools IT Ltd: how each kind of record in its systems is made up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dataward.examples.media import grey_png
from dataward.examples.population import (
    Population,
    at,
    shift_months,
)
from dataward.examples.systems import PendingRows

SCHOOL_STEMS = (
    "Ashgrove",
    "Bankhead",
    "Craigmount",
    "Dalmore",
    "Eastfield",
    "Firrhill",
    "Gowanbank",
    "Hillpark",
    "Inchview",
    "Kingsknowe",
    "Lochend",
    "Murrayburn",
    "Northfield",
    "Oxgangs",
    "Parkhead",
    "Queensferry",
    "Riverside",
    "Stenhouse",
    "Tollcross",
    "Viewforth",
    "Westburn",
)
SCHOOL_KINDS = ("Primary School", "Primary School", "High School", "Academy")
AUTHORITIES = (
    "City of Edinburgh Council",
    "Glasgow City Council",
    "Fife Council",
    "East Lothian Council",
    "Midlothian Council",
    "Stirling Council",
)
ROLES = (
    "Head Teacher",
    "Depute Head Teacher",
    "School Business Manager",
    "Office Manager",
    "ICT Coordinator",
    "Teacher",
)
TICKETS = (
    "Smartboard in room {room} not responding",
    "Pupil iPads not syncing apps",
    "MIS login fails for {role}",
    "Printer in staff room jammed",
    "Wi-Fi slow in the {place}",
    "New teacher needs an account",
)
EMAILS_IN = (
    "Hi, this is still happening this morning. Can someone come in?",
    "Thanks, that has fixed it.",
    "Could you check again after 3.30pm when the pupils have gone?",
)
EMAILS_OUT = (
    "We have logged this and an engineer will connect remotely.",
    "We have passed this to your MIS provider and will update you.",
    "An engineer will visit on {day}.",
)
EVENTS_ON = (
    "Digital Schools Day",
    "Cyber Resilience for Schools",
    "Google Workspace for Education Training",
    "Summer Tech Showcase",
)
CAMERAS = ("entrance", "store-room", "car-park")
ENGINEERS = tuple(f"eng-{n:02d}" for n in range(1, 6))
CONSENT_NOTICE = "2025-08"

FileWriter = Callable[[str, bytes], str]


class Thistle:
    """Accumulates every system's rows for one run."""

    def __init__(self, population: Population, today: date) -> None:
        self.population = population
        self.rng = population.rng
        self.today = today
        self.crm = PendingRows()
        self.helpdesk = PendingRows()
        self.cctv = PendingRows()
        self.events = PendingRows()

    def school(
        self, *, name: str, address: str, started: date, ended: date | None
    ) -> tuple[int, str]:
        rng = self.rng
        devices = rng.randint(60, 900)
        authority = rng.choice(AUTHORITIES)
        school_id = self.crm.add(
            "schools",
            name=name,
            address=address,
            billing_address=f"Finance, {authority}, {address.split(', ')[-1]}",
            device_count=devices,
            student_count=rng.randint(devices // 2, devices * 2),
            network_configuration=(
                f"VLAN 10 staff 10.{rng.randint(1, 250)}.0.0/16; VLAN 20 pupils; "
                f"firewall {rng.choice(('FortiGate 60F', 'SonicWall TZ370', 'Meraki MX68'))}; "
                f"SSID {name.split()[0]}Staff"
            ),
            local_authority=authority,
            contract_started_on=started,
            relationship_ended_on=ended,
        )
        return school_id, address

    def contact(self, *, school_id: int, name: str, email: str, phone: str, on: date) -> int:
        return self.crm.add(
            "staff_contacts",
            school_id=school_id,
            name=name,
            email=email,
            phone=phone,
            created_on=on,
        )

    def consent(self, *, school_id: int, name: str, email: str, on: date) -> None:
        self.crm.add(
            "consents",
            school_id=school_id,
            given_by_name=name,
            given_by_email=email,
            given_on=on,
            method=self.rng.choice(("signed order form", "email confirmation")),
            notice_version=CONSENT_NOTICE,
            withdrawn_on=None,
        )

    def estimate(self, *, school_id: int, name: str, email: str, on: date) -> None:
        self.crm.add(
            "estimates",
            school_id=school_id,
            estimate_number=f"TE-{self.crm.count('estimates') + 1:06d}",
            sent_to_name=name,
            sent_to_email=email,
            issued_on=on,
            amount_pence=self.rng.randint(20_000, 2_500_000),
        )

    def invoices(
        self, *, school_id: int, name: str, email: str, address: str, first: date, last: date
    ) -> None:
        issued = first
        while issued <= last and issued < self.today:
            self.crm.add(
                "invoices",
                school_id=school_id,
                invoice_number=f"TI-{self.crm.count('invoices') + 1:06d}",
                sent_to_name=name,
                sent_to_email=email,
                billing_address=address,
                issued_on=issued,
                amount_pence=self.rng.randint(150_000, 1_800_000),
            )
            issued = shift_months(issued, 12)

    def ticket(
        self, *, school: str, name: str, email: str, phone: str, opened: date, last: date
    ) -> None:
        rng, population = self.rng, self.population
        ticket_id = self.helpdesk.add(
            "tickets",
            school_name=school,
            requester_name=name,
            requester_email=email,
            requester_phone=phone,
            opened_at=population.moment_on(opened),
            last_activity_on=last,
            status="open" if last >= self.today - timedelta(days=7) else "closed",
            subject=population.phrase(
                TICKETS, room=("4", "12", "P7"), role=ROLES, place=("library", "gym hall")
            ),
            description="Reported by phone; affects the whole class.",
        )
        for step in range(rng.randint(1, 3)):
            inbound = step % 2 == 0
            day = opened + timedelta(days=(last - opened).days * step // 3)
            self.helpdesk.add(
                "ticket_emails",
                ticket_id=ticket_id,
                sent_at=population.moment_on(day),
                direction="in" if inbound else "out",
                from_address=email if inbound else "support@thistle-schools-it.example.com",
                body=(
                    rng.choice(EMAILS_IN)
                    if inbound
                    else population.phrase(EMAILS_OUT, day=("Monday", "Thursday"))
                ),
            )
        for _ in range(rng.randint(1, 3)):
            self.helpdesk.add(
                "access_log",
                ticket_id=ticket_id,
                engineer=rng.choice(ENGINEERS),
                accessed_at=population.moment_on(population.day_between(opened, last)),
                action=rng.choice(("viewed", "updated", "exported")),
            )

    def member(
        self,
        *,
        name: str,
        email: str,
        phone: str,
        address: str,
        school: str,
        joined: date,
        withdrawn: date | None,
        media: tuple[bool, bool, bool] = (True, False, False),
    ) -> int:
        return self.events.add(
            "mailing_list",
            name=name,
            email=email,
            phone=phone,
            postal_address=address,
            school_name=school,
            by_email=media[0],
            by_phone=media[1],
            by_post=media[2],
            joined_on=joined,
            withdrawn_on=withdrawn,
        )

    def booking(self, member_id: int, on: date) -> None:
        self.events.add(
            "bookings",
            member_id=member_id,
            event_name=self.rng.choice(EVENTS_ON),
            event_on=on,
            attended=self.population.chance(0.8) if on < self.today else None,
        )

    def footage(self, write: FileWriter, days: int) -> None:
        # Two clips a day per camera (the recorder keeps motion-triggered clips); stills here.
        for offset in range(days, -1, -1):
            day = self.today - timedelta(days=offset)
            for index, camera in enumerate(CAMERAS):
                for hour in (9, 17):
                    moment = at(day, hour, self.rng.randint(0, 59))
                    clip_id = self.cctv.count("footage") + 1
                    path = write(
                        f"{camera}/{moment:%Y-%m}/clip-{clip_id:06d}.png",
                        grey_png(shade=64 + 48 * index + (clip_id % 16)),
                    )
                    self.cctv.add("footage", camera=camera, recorded_at=moment, clip_file=path)
