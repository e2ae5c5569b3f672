"""The console's audit log: pages by keyset, filters that combine, the chain's status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from dataward.audit import browse
from dataward.audit import service as audit
from dataward.audit.verify import ChainProblem, VerifyReport
from dataward.core.clock import FixedClock


def _log(session: Session, clock: FixedClock, count: int, **fields: str) -> None:
    for index in range(count):
        audit.record(
            session=session,
            clock=clock,
            actor=fields.get("actor", "user:1"),
            action=fields.get("action", "retention.hold.placed"),
            object_type=fields.get("object_type", "legal_hold"),
            object_id=fields.get("object_id", str(index)),
        )


def test_pages_run_newest_first_and_the_next_page_starts_below_the_last_sequence(
    session: Session, clock: FixedClock
) -> None:
    _log(session, clock, 7)
    first = browse.log_page(session=session, limit=3)
    assert [e.sequence for e in first.events] == [7, 6, 5]
    second = browse.log_page(session=session, before=first.older, limit=3)
    assert [e.sequence for e in second.events] == [4, 3, 2]
    last = browse.log_page(session=session, before=second.older, limit=3)
    assert [e.sequence for e in last.events] == [1]
    assert last.older is None


def test_a_full_last_page_says_there_is_nothing_older(session: Session, clock: FixedClock) -> None:
    _log(session, clock, 4)
    page = browse.log_page(session=session, limit=4)
    assert len(page.events) == 4 and page.older is None


def test_filters_by_action_prefix_actor_object_and_days_combine(
    session: Session, clock: FixedClock
) -> None:
    _log(session, clock, 2, actor="user:1", action="retention.hold.placed")
    _log(session, clock, 1, actor="user:2", action="retention.hold.placed", object_id="9")
    _log(session, clock, 1, actor="user:2", action="rights.request.opened", object_type="request")
    clock.advance(days=3)
    _log(session, clock, 1, actor="user:2", action="retention.hold.released", object_id="9")

    def found(**where: Any) -> list[int]:
        page = browse.log_page(session=session, where=audit.EventFilter(**where))
        return [e.sequence for e in page.events]

    assert found(action_prefix="retention.hold") == [5, 3, 2, 1]
    assert found(action_prefix="retention.hold", actor="user:2") == [5, 3]
    assert found(object_type="legal_hold", object_id="9") == [5, 3]
    assert found(until=date(2026, 3, 2)) == [4, 3, 2, 1]
    assert found(since=date(2026, 3, 3)) == [5]
    # A prefix is a whole name part: "retention.ho" is not "retention.hold".
    assert found(action_prefix="retention.ho") == []


def test_the_newest_event_per_object_is_found_in_one_query(
    session: Session, clock: FixedClock
) -> None:
    for name, status in (("crm", "failed"), ("files", "ok"), ("crm", "ok")):
        audit.record(
            session=session,
            clock=clock,
            actor="user:1",
            action="systems.tested",
            object_type="system",
            object_id=name,
            details={"status": status},
        )
    latest = browse.latest_per_object(
        session=session, action="systems.tested", object_type="system"
    )
    assert {name: e.details["status"] for name, e in latest.items()} == {"crm": "ok", "files": "ok"}


def test_the_chain_status_names_the_last_intact_verification_and_checkpoint(
    session: Session, clock: FixedClock
) -> None:
    _log(session, clock, 3)
    assert browse.chain_status(session=session).last_verified_at is None
    intact = VerifyReport(events=3, last_sequence=3)
    browse.record_verification(
        session=session, clock=clock, actor="user:7", report=browse.Verification(intact, [])
    )
    status = browse.chain_status(session=session)
    assert status.last_verified_by == "user:7"
    assert status.last_verified_up_to == 3
    assert status.last_verified_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert status.events == 4 and status.last_checkpoint is None


def test_a_failed_verification_is_not_written_to_a_chain_that_cannot_be_signed(
    session: Session, clock: FixedClock
) -> None:
    broken = VerifyReport(events=1, problem=ChainProblem(2, "altered", "hash", "changed"))
    written = browse.record_verification(
        session=session, clock=clock, actor="u", report=browse.Verification(broken, [])
    )
    assert written is None
    assert browse.chain_status(session=session).events == 0


def test_the_first_and_last_days_a_date_can_name_are_accepted(
    session: Session, clock: FixedClock
) -> None:
    _log(session, clock, 2)
    where = audit.EventFilter(since=date.min, until=date.max)
    assert [e.sequence for e in browse.log_page(session=session, where=where).events] == [2, 1]
