"""S-07: after an objection or a restriction, processing for the named purpose stops and stays
stopped; an objection to direct marketing is absolute and immediate (S-08's suppression)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, STAFF, Desk, deploy

from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.execution import complete_manual_task
from dataward.rights.models import ItemOutcome, RequestKind, RequestState, TaskMode, TaskState
from dataward.rights.restriction import purpose_stopped
from dataward.rights.steps import item_reason

NEWSLETTER = "marketing.communications.email"
CALL_RECORDING = "essential.service.operations.quality_assurance"


@pytest.mark.parametrize("backend", BACKENDS)
def test_s_07_a_marketing_objection_stops_the_newsletter_at_once_and_for_good(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("support", tmp_path / "systems", backend) as support, runtime.sessions() as db:
        keyring = Keyring(secrets.token_bytes(32))
        desk = Desk(db, keyring, clock, tmp_path / "home", support)
        priya = support.known["priya"]
        assert not purpose_stopped(
            session=db, keyring=keyring, purpose=NEWSLETTER, email=priya.email
        )

        request = desk.request(RequestKind.OBJECTION, "priya", purposes=[NEWSLETTER])
        outcome = desk.run(request)

        # Absolute and immediate: suppressed before anyone has touched the mailing list.
        assert consent.is_suppressed(session=db, keyring=keyring, email=priya.email)
        assert purpose_stopped(session=db, keyring=keyring, purpose=NEWSLETTER, email=priya.email)
        tasks = {t.system: t for t in request.tasks}
        assert (tasks["mailing"].mode, tasks["mailing"].state) == (
            TaskMode.MANUAL,
            TaskState.PENDING,
        )
        assert tasks["mailing"].summary["activities"] == ["Email newsletter"]
        assert outcome.manual == ["mailing"]
        restricted = [i for i in request.items if i.outcome == ItemOutcome.RESTRICTED]
        assert [(i.system, i.collection) for i in restricted] == [("mailing", "subscribers")]
        # Service messages under the contract are not marketing: they carry on.
        assert not purpose_stopped(
            session=db,
            keyring=keyring,
            purpose="essential.service.notifications.email",
            email=priya.email,
        )

        complete_manual_task(
            session=db, clock=clock, request=request, system="mailing", actor=STAFF
        )
        desk.run(request)
        assert request.state == RequestState.AWAITING_REVIEW

        # Stays stopped: a month later, a list import meets the suppression entry.
        clock.advance(days=31)
        assert consent.is_suppressed(session=db, keyring=keyring, email=priya.email.upper())
        assert purpose_stopped(session=db, keyring=keyring, purpose=NEWSLETTER, email=priya.email)
        # Any marketing, by any medium that reaches her email, stays stopped too.
        assert purpose_stopped(session=db, keyring=keyring, purpose="marketing", email=priya.email)


def test_s_07_a_restriction_of_call_recording_is_recorded_and_stays(
    runtime: Runtime, clock: FixedClock, tmp_path: Path
) -> None:
    with deploy("support", tmp_path / "systems", "sqlite") as support, runtime.sessions() as db:
        keyring = Keyring(secrets.token_bytes(32))
        desk = Desk(db, keyring, clock, tmp_path / "home", support)
        tom = support.known["tom"]
        request = desk.request(RequestKind.RESTRICTION, "tom", purposes=[CALL_RECORDING])
        desk.run(request)

        assert not consent.is_suppressed(session=db, keyring=keyring, email=tom.email)
        items = [(i.system, i.collection, i.outcome) for i in request.items]
        assert items and set(items) == {("recordings", "calls", ItemOutcome.RESTRICTED)}
        assert {item_reason(i, keyring=desk.keyring) for i in request.items} == {
            f"restriction: {CALL_RECORDING}"
        }
        tasks = {t.system: t for t in request.tasks}
        assert tasks["recordings"].mode == TaskMode.MANUAL
        assert tasks["helpdesk"].state == TaskState.DONE
        assert purpose_stopped(session=db, keyring=keyring, purpose=CALL_RECORDING, phone=tom.phone)
        assert not purpose_stopped(
            session=db, keyring=keyring, purpose="sales.enquiries", email=tom.email
        )
