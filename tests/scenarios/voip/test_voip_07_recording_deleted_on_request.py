"""voip-07: call recordings (telemarketing and inbound, with the caller's number) are deleted
on request, and an authorised deletion is completed within 28 days, unless a recording is held
for a legal claim."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, STAFF, Desk, deploy

from dataward.consent import service as consent
from dataward.core.clock import FixedClock, today
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.people import service as people
from dataward.retention import service as retention
from dataward.rights import service
from dataward.rights.erasure import sla_due_on
from dataward.rights.models import ItemOutcome, RequestKind, RequestState
from dataward.rights.steps import item_reason


@pytest.mark.parametrize("backend", BACKENDS)
def test_voip_07_recordings_deleted_on_request_within_28_days_unless_held(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("voip", tmp_path / "systems", backend) as voip, runtime.sessions() as db:
        keyring = Keyring(secrets.token_bytes(32))
        desk = Desk(db, keyring, clock, tmp_path / "home", voip)
        priya = voip.known["priya"]
        folder = voip.folder("recordings")
        hers = [
            c
            for c in voip.rows("recordings", "calls")
            if priya.phone in (c["caller_number"], c["called_number"])
        ]
        directions = {c["direction"] for c in hers}
        assert len(hers) >= 2 and len(directions) >= 2, "inbound and telemarketing calls"
        disputed, *others = sorted(hers, key=lambda c: c["id"])
        retention.hold_record(
            session=db,
            keyring=keyring,
            clock=clock,
            policy=voip.loaded.policy,
            actor=STAFF,
            system="recordings",
            collection="calls",
            key=str(disputed["id"]),
            reason="order dispute: claim 2026/7",
        )
        db.commit()

        request = desk.request(RequestKind.ERASURE, "priya", details={"systems": ["recordings"]})
        promised = sla_due_on(voip.loaded.policy, request.start_on, ["recordings"])
        assert promised == request.start_on + timedelta(days=28)
        assert promised < request.due_on  # stricter than the one-month legal deadline

        clock.advance(days=3)  # the office gets to it later that week
        desk.run(request)
        service.approve(session=db, clock=clock, request=request, actor=STAFF)
        db.commit()

        assert request.state == RequestState.COMPLETED
        assert [t.system for t in request.tasks] == ["recordings"]
        assert request.completed_at is not None and today(clock) <= promised
        left = {c["id"] for c in voip.rows("recordings", "calls")}
        assert disputed["id"] in left
        assert (folder / disputed["recording_file"]).is_file()
        for call in others:
            assert call["id"] not in left
            assert not (folder / call["recording_file"]).exists()
        held = [i for i in request.items if i.outcome == ItemOutcome.HELD]
        assert [(i.ground, item_reason(i, keyring=keyring)) for i in held] == [
            ("legal_hold", "order dispute: claim 2026/7")
        ]
        # Only the recordings were asked for: her account stays, and so does she.
        assert [c for c in voip.rows("crm", "customers") if c["email"] == priya.email]
        person = people.get_person(session=db, pseudonym=request.person_pseudonym)
        assert not person.forgotten
        assert not consent.is_suppressed(session=db, keyring=keyring, email=priya.email)
