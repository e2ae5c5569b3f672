"""S-05: a correction reaches every system that holds the field."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, Desk, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.models import ItemOutcome, RequestKind, RequestState

NEW_NUMBER = "+447700900321"


@pytest.mark.parametrize("backend", BACKENDS)
def test_s_05_a_new_phone_number_reaches_every_system_holding_phone_numbers(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("support", tmp_path / "systems", backend) as support, runtime.sessions() as db:
        desk = Desk(db, Keyring(secrets.token_bytes(32)), clock, tmp_path / "home", support)
        priya = support.known["priya"]
        before_calls = [
            c["id"]
            for c in support.rows("recordings", "calls")
            if c["caller_number"] == priya.phone
        ]
        request = desk.request(
            RequestKind.RECTIFICATION,
            "priya",
            details={"changes": {"user.contact.phone_number": NEW_NUMBER}},
        )
        outcome = desk.run(request)

        assert request.state == RequestState.AWAITING_REVIEW
        customers = [c for c in support.rows("helpdesk", "customers") if c["email"] == priya.email]
        assert [c["phone"] for c in customers] == [NEW_NUMBER]
        enquiries = [
            e for e in support.rows("helpdesk", "enquiries") if e["from_email"] == priya.email
        ]
        assert enquiries and {e["phone"] for e in enquiries} == {NEW_NUMBER}
        calls = {c["id"]: c for c in support.rows("recordings", "calls")}
        assert before_calls and all(calls[i]["caller_number"] == NEW_NUMBER for i in before_calls)
        assert not any(c["caller_number"] == priya.phone for c in calls.values())
        # Other people's numbers are untouched.
        tom = support.known["tom"]
        assert any(c["caller_number"] == tom.phone for c in calls.values())

        rectified = {(i.system, i.collection) for i in request.items}
        assert rectified == {
            ("helpdesk", "customers"),
            ("helpdesk", "enquiries"),
            ("recordings", "calls"),
        }
        assert {i.outcome for i in request.items} == {ItemOutcome.RECTIFIED}
        # Art 19: the processors of the activities using the changed systems are to be told.
        assert "DeskCloud Ltd" in outcome.notify
        assert "Voxa Cloud PBX Ltd" in outcome.notify
        assert "Sendwell Email Ltd" not in outcome.notify
