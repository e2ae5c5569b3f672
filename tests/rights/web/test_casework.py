"""What staff see and do on the web, below the routes: the request list's colours and pages,
the timeline from the audit log, the dashboard counts, and runs that open a person's data."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import event, select

from dataward.audit.models import AuditEvent
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.rights import casework, service, staff_actions
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.schemas import DueStatus, OpenRequestIn, ReviewIn, VerifyIn

from ..kestrel import ALICE, BOB
from .conftest import Desk

STAFF = "user:7"


def _open(
    desk: Desk,
    *,
    email: str = ALICE,
    kind: RequestKind = RequestKind.ACCESS,
    received_on: date | None = None,
) -> str:
    with desk.runtime.transaction() as session:
        request = staff_actions.open_request(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            loaded=desk.kestrel.loaded,
            actor=STAFF,
            asked=OpenRequestIn(kind=kind, email=email, received_on=received_on),
        )
        return request.reference


def _verify(desk: Desk, reference: str) -> None:
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        out = staff_actions.verify(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
            proof=VerifyIn(evidence="utility bill seen at the counter"),
        )
        assert out.verified and out.not_verified == []


def test_the_list_colours_each_request_by_the_days_left_and_pages_by_due_date(
    desk: Desk,
) -> None:
    # Today is 2 March 2026.
    late = _open(desk, received_on=date(2026, 1, 15), email="a@example.com")
    today = _open(desk, received_on=date(2026, 2, 1), email="b@example.com")
    soon = _open(desk, received_on=date(2026, 2, 10), email="c@example.com")
    later = _open(
        desk, received_on=date(2026, 2, 27), email="d@example.com", kind=RequestKind.ERASURE
    )
    with desk.runtime.transaction() as session:
        page = casework.request_page(session=session, clock=desk.runtime.clock)
        assert [x.reference for x in page.items] == [late, today, soon, later]
        assert [x.due_status for x in page.items] == [
            DueStatus.RED,
            DueStatus.RED,
            DueStatus.AMBER,
            DueStatus.GREEN,
        ]
        assert page.items[0].overdue and page.total == 4
        overdue = casework.request_page(session=session, clock=desk.runtime.clock, overdue=True)
        assert [x.reference for x in overdue.items] == [late]
        erasures = casework.request_page(
            session=session, clock=desk.runtime.clock, kind=RequestKind.ERASURE
        )
        assert [x.reference for x in erasures.items] == [later]
        second = casework.request_page(session=session, clock=desk.runtime.clock, offset=1, limit=2)
        assert [x.reference for x in second.items] == [today, soon] and second.total == 4
        # A page can never be asked to hold the whole table.
        huge = casework.request_page(session=session, clock=desk.runtime.clock, limit=10**9)
        assert huge.limit == casework.MAX_PAGE


def test_a_page_reads_only_its_own_requests_from_the_database(desk: Desk) -> None:
    """The list of every request ever made grows for years: a page is counted and cut in the
    database, so it loads the rows it shows and no more."""
    made = [
        _open(desk, received_on=date(2026, 2, day), email=f"p{day}@example.com")
        for day in range(1, 13)
    ]
    loaded: list[object] = []

    def count(target: object, _context: object) -> None:
        loaded.append(target)

    event.listen(RightsRequest, "load", count)
    try:
        with desk.runtime.transaction() as session:
            page = casework.request_page(
                session=session, clock=desk.runtime.clock, offset=4, limit=3
            )
    finally:
        event.remove(RightsRequest, "load", count)
    assert [x.reference for x in page.items] == made[4:7]
    assert page.total == 12
    assert len(loaded) == 3


def test_the_timeline_is_this_requests_trail_in_the_audit_log_in_words(desk: Desk) -> None:
    first = _open(desk)
    other = _open(desk)  # the same person's second request: not on the first's timeline
    _verify(desk, first)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=first)
        service.pause(
            session=session,
            clock=desk.runtime.clock,
            request=request,
            actor=STAFF,
            asked_on=date(2026, 3, 2),
        )
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=first)
        entries = casework.timeline(session=session, request=request, keyring=desk.keyring)
        said = [e.said for e in entries]
        assert said[0] == "Request recorded"
        assert "Clock stopped: a clarification was asked" in said
        assert all(e.actor == STAFF for e in entries)
        assert all(e.by == STAFF for e in entries)  # no such account: the key as it is
        mine = set(
            session.scalars(select(AuditEvent.sequence).where(AuditEvent.object_id == first))
        )
        assert {e.sequence for e in entries} == mine
        theirs = set(
            session.scalars(select(AuditEvent.sequence).where(AuditEvent.object_id == other))
        )
        assert theirs and not theirs & {e.sequence for e in entries}


def test_a_run_from_the_web_stores_the_package_and_opening_it_is_audited(desk: Desk) -> None:
    reference = _open(desk)
    _verify(desk, reference)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        ran = staff_actions.run(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
        )
    assert ran.finished and ran.state == RequestState.AWAITING_REVIEW and ran.package_stored
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        content = staff_actions.package(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
            why="answering it",
        )
        letter = staff_actions.letter(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
            why="checking the letter",
        )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "letter.html" in archive.namelist()
        assert ALICE in archive.read("data.json").decode()
    assert letter.letter == "access" and "<html" in letter.body.lower()
    with desk.runtime.transaction() as session:
        opened = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == casework.PERSONAL_DATA_VIEWED)
            )
        )
    assert [(e.actor, e.object_id, e.details["what"], e.details["why"]) for e in opened] == [
        (STAFF, reference, "package", "answering it"),
        (STAFF, reference, "package", "checking the letter"),
    ]


def test_a_package_is_only_for_access_and_portability(desk: Desk) -> None:
    reference = _open(desk, kind=RequestKind.ERASURE)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        with pytest.raises(NotFound):
            staff_actions.package(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
                why="curious",
            )


def test_a_refused_requests_letter_is_the_refusal_notice(desk: Desk) -> None:
    reference = _open(desk)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        service.refuse(
            session=session,
            keyring=desk.keyring,
            clock=desk.runtime.clock,
            request=request,
            actor=STAFF,
            reason="the same request was answered last week",
        )
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        letter = staff_actions.letter(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
            why="sending it",
        )
    assert letter.letter == "refusal"
    assert "the same request was answered last week" in letter.body
    assert "Information Commissioner" in letter.body


def test_the_dashboard_counts_what_is_late_paused_and_waiting_for_review(desk: Desk) -> None:
    _open(desk, received_on=date(2026, 1, 15))
    paused = _open(desk, email=BOB)
    done = _open(desk, email="carol@example.com")
    _verify(desk, paused)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=paused)
        service.pause(
            session=session,
            clock=desk.runtime.clock,
            request=request,
            actor=STAFF,
            asked_on=date(2026, 3, 2),
        )
    _verify(desk, done)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=done)
        staff_actions.run(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
        )
    with desk.runtime.transaction() as session:
        summary = casework.desk_summary(session=session, clock=desk.runtime.clock)
    assert (summary.open, summary.overdue, summary.paused, summary.awaiting_review) == (3, 1, 1, 1)
    assert summary.first_due[0].overdue


def test_verifying_needs_a_code_or_evidence_but_not_both(desk: Desk) -> None:
    reference = _open(desk)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        with pytest.raises(UsageError):
            staff_actions.verify(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
                proof=VerifyIn(code="123456", evidence="seen"),
            )
        with pytest.raises(UsageError):
            staff_actions.verify(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
                proof=VerifyIn(),
            )


def test_a_wrong_code_is_answered_and_still_counts(desk: Desk) -> None:
    reference = _open(desk)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        out = staff_actions.verify(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=STAFF,
            proof=VerifyIn(code="000000"),
        )
    assert not out.verified and out.problem
    with desk.runtime.transaction() as session:
        failed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rights.verification.failed")
        ).all()
    assert len(failed) == 1


def test_review_refuses_a_record_both_included_and_excluded(desk: Desk) -> None:
    reference = _open(desk)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        with pytest.raises(UsageError):
            staff_actions.review(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
                decided=ReviewIn(include=[1], exclude=[1]),
            )
        with pytest.raises(NotFound):
            staff_actions.review(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
                decided=ReviewIn(exclude=[99]),
            )


def test_running_an_unverified_request_is_refused(desk: Desk) -> None:
    reference = _open(desk)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        with pytest.raises(Conflict):
            staff_actions.run(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=STAFF,
            )
