"""S-06: erasure removes or anonymises the person in every connected system unless an exemption
applies, records which exemption kept what and until when, and Dataward's own copy is
crypto-shredded so it cannot come back from a backup."""

from __future__ import annotations

import secrets
import shutil
from datetime import date
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, Desk, deploy

from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.people import service as people
from dataward.people.service import PersonErased
from dataward.rights.models import ItemOutcome, RequestKind, RequestState
from dataward.rights.packages import open_package, package_path


def _day(value: object) -> date:
    text = str(value)[:10]
    return date.fromisoformat(text)


@pytest.mark.parametrize("backend", BACKENDS)
def test_s_06_erasure_everywhere_except_what_an_exemption_keeps(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("support", tmp_path / "systems", backend) as support, runtime.sessions() as db:
        keyring = Keyring(secrets.token_bytes(32))
        desk = Desk(db, keyring, clock, tmp_path / "home", support)
        priya = support.known["priya"]
        customer = next(
            c for c in support.rows("helpdesk", "customers") if c["email"] == priya.email
        )
        number = customer["customer_number"]
        tickets = {
            t["id"]
            for t in support.rows("helpdesk", "tickets")
            if t["customer_id"] == customer["id"]
        }
        invoices = {
            i["id"]: i
            for i in support.rows("billing", "invoices")
            if i["customer_number"] == number
        }
        calls = [
            c for c in support.rows("recordings", "calls") if c["caller_number"] == priya.phone
        ]
        folder = support.folder("recordings")
        assert tickets and invoices and calls

        # An earlier access request left a sealed package, and a backup copied it.
        access = desk.request(RequestKind.ACCESS, "priya")
        desk.run(access)
        sealed = package_path(desk.home, access.reference)
        backup = tmp_path / "backup" / sealed.name
        backup.parent.mkdir()
        shutil.copyfile(sealed, backup)

        erasure = desk.request(RequestKind.ERASURE, "priya")
        outcome = desk.run(erasure)
        assert erasure.state == RequestState.AWAITING_REVIEW

        # Erased at the source.
        assert not [c for c in support.rows("helpdesk", "customers") if c["email"] == priya.email]
        assert not [
            e for e in support.rows("helpdesk", "enquiries") if e["from_email"] == priya.email
        ]
        assert not [
            s for s in support.rows("remote", "sessions") if s["customer_email"] == priya.email
        ]
        assert not [s for s in support.rows("mailing", "subscribers") if s["email"] == priya.email]
        assert not [
            c for c in support.rows("recordings", "calls") if c["caller_number"] == priya.phone
        ]
        assert not any((folder / c["audio_file"]).exists() for c in calls)
        # Tickets feed statistics: they stay, anonymised and unlinked, as the policy says.
        left = {t["id"]: t for t in support.rows("helpdesk", "tickets")}
        assert all(left[t]["customer_id"] is None for t in tickets)
        assert all(left[t]["subject"] == "[erased]" for t in tickets)

        # Kept under the legal obligation, each until six years after it was issued.
        kept_invoices = {i["id"] for i in support.rows("billing", "invoices")} & set(invoices)
        assert kept_invoices == set(invoices)
        kept = [i for i in erasure.items if i.collection == "invoices"]
        assert {(i.outcome, i.ground) for i in kept} == {(ItemOutcome.KEPT, "legal_obligation")}
        expected_until = sorted(
            _day(i["issued_on"]).replace(year=_day(i["issued_on"]).year + 6)
            for i in invoices.values()
        )
        assert sorted(i.until_on for i in kept if i.until_on) == expected_until
        payments = [i for i in erasure.items if i.collection == "payments"]
        assert payments and all(i.outcome == ItemOutcome.KEPT for i in payments)

        # Dataward's own copy is shredded: the person and every sealed copy, backups too.
        person = people.get_person(session=db, pseudonym=erasure.person_pseudonym)
        assert person.forgotten
        with pytest.raises(PersonErased):
            people.reveal(session=db, keyring=keyring, person=person)
        shutil.copyfile(backup, sealed)
        with pytest.raises(PersonErased):
            open_package(
                session=db,
                keyring=keyring,
                person=person,
                home=desk.home,
                reference=access.reference,
            )
        # S-08: kept only as a hashed suppression entry, so no import re-subscribes her.
        assert consent.is_suppressed(session=db, keyring=keyring, email=priya.email)
        assert "Sendwell Email Ltd" in outcome.notify

        # Asked again, only what the exemption keeps is found.
        again = desk.request(RequestKind.ACCESS, "priya")
        found = desk.run(again).found
        assert found is not None
        assert {(r.system, r.collection) for r in found.records} == {
            ("billing", "invoices"),
            ("billing", "payments"),
        }
