"""Publishing the notice: numbered, dated versions, no duplicates, diffs, purposes awaiting it."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.errors import NotFound, UsageError
from dataward.notice import service as versions
from dataward.notice.diff import ChangeKind
from dataward.policy.service import LoadedPolicy, load_policy

from .support import FIXTURE, activity, cli_runner, policy_data, recipient, write_policy

ACTOR = "cli:office-manager"


def publish(
    session: Session, clock: FixedClock, loaded: LoadedPolicy, **kw: Any
) -> versions.Published:
    return versions.publish(session=session, clock=clock, loaded=loaded, actor=ACTOR, **kw)


def with_new_purpose(data: dict[str, Any]) -> None:
    data["activities"].append(
        {
            "name": "Customer satisfaction survey",
            "purpose": "functional.service.improve",
            "lawful_basis": "legitimate_interests",
            "legitimate_interest": "learning what customers think of our support",
            "lia": {
                "purpose": "improving support",
                "necessity": "only customers can tell us",
                "balance": "one short survey a year, easy to ignore",
                "reviewed_by": "Jo Bright, Director",
                "reviewed_on": "2026-02-20",
            },
            "subjects": ["customer"],
            "categories": ["user.name", "user.contact.email"],
            "systems": ["helpdesk"],
            "retention": "accounts-6-years",
        }
    )


def test_publish_stores_a_numbered_dated_version_with_the_policy_digest_and_audit_event(
    session: Session, clock: FixedClock
) -> None:
    result = publish(session, clock, load_policy(FIXTURE))
    version = result.version
    assert result.created and result.changes == []
    assert version.number == 1
    assert version.effective_on == date(2026, 3, 2)
    assert version.published_at == clock.now()
    assert version.published_by == ACTOR
    assert version.policy_digest == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert len(version.policy_digest) == 64
    assert "Version 1, in effect from 2 March 2026" in version.markdown
    assert version.html.startswith("<!doctype html>")
    assert version.snapshot["controller"]["name"] == "Harbour IT Support Ltd"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "policy.notice.published")
    ).one()
    assert (event.object_type, event.object_id, event.actor) == ("notice_version", "1", ACTOR)
    assert event.details["policy_digest"] == version.policy_digest
    assert event.details["effective_on"] == "2026-03-02"


def test_publishing_an_unchanged_policy_stores_nothing_new(
    session: Session, clock: FixedClock
) -> None:
    first = publish(session, clock, load_policy(FIXTURE))
    clock.advance(days=3)
    again = publish(session, clock, load_policy(FIXTURE))
    assert not again.created
    assert again.version.number == first.version.number == 1
    assert len(versions.list_versions(session=session)) == 1
    published = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "policy.notice.published")
    ).all()
    assert len(published) == 1


def test_a_new_purpose_makes_a_new_version_whose_diff_says_people_must_be_told_first(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    publish(session, clock, load_policy(FIXTURE))
    data = policy_data()
    with_new_purpose(data)
    clock.advance(days=1)
    result = publish(
        session, clock, load_policy(write_policy(tmp_path, data)), effective_on=date(2026, 4, 1)
    )
    assert result.created and result.version.number == 2
    assert result.version.effective_on == date(2026, 4, 1)
    added = [c for c in result.changes if c.kind == ChangeKind.PURPOSE_ADDED]
    assert [c.subject for c in added] == ["Customer satisfaction survey"]
    assert added[0].tell_before_start
    assert "people must be told before it starts" in added[0].text
    assert [c.subject for c in result.tell_first] == ["Customer satisfaction survey"]
    stored = versions.diff_versions(session=session, old=1, new=2)
    assert stored == result.changes


def test_purposes_awaiting_notice_are_those_no_published_notice_covers(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    policy = load_policy(FIXTURE).policy
    everything = [a.name for a in policy.activities]
    assert versions.purposes_awaiting_notice(session=session, policy=policy) == everything
    publish(session, clock, load_policy(FIXTURE))
    assert versions.purposes_awaiting_notice(session=session, policy=policy) == []

    data = policy_data()
    with_new_purpose(data)
    activity(data, "Card payments")["subjects"].append("prospect")
    changed = load_policy(write_policy(tmp_path, data))
    waiting = versions.purposes_awaiting_notice(session=session, policy=changed.policy)
    assert waiting == ["Card payments", "Customer satisfaction survey"]

    publish(session, clock, changed, effective_on=date(2026, 3, 9))
    # Published, but not yet in effect on the 5th: processing still waits until the 9th.
    assert versions.purposes_awaiting_notice(
        session=session, policy=changed.policy, on=date(2026, 3, 5)
    ) == ["Card payments", "Customer satisfaction survey"]
    assert (
        versions.purposes_awaiting_notice(
            session=session, policy=changed.policy, on=date(2026, 3, 9)
        )
        == []
    )


def test_a_changed_purpose_awaits_notice_like_a_new_one(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    publish(session, clock, load_policy(FIXTURE))
    data = policy_data()
    activity(data, "Call recording")["purpose_text"] = "To train an AI model on your calls"
    changed = load_policy(write_policy(tmp_path, data))
    assert versions.purposes_awaiting_notice(session=session, policy=changed.policy) == [
        "Call recording"
    ]
    result = publish(session, clock, changed)
    (change,) = [c for c in result.changes if c.kind == ChangeKind.PURPOSE_CHANGED]
    assert change.tell_before_start and "To train an AI model" in change.text


def test_diff_reports_retention_basis_recipients_and_transfers_in_words(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    publish(session, clock, load_policy(FIXTURE))
    data = policy_data()
    data["retention"]["calls-3-months"]["period"] = "6 months"
    activity(data, "Recruitment")["lawful_basis"] = "contract"
    del activity(data, "Recruitment")["legitimate_interest"], activity(data, "Recruitment")["lia"]
    activity(data, "Support and service")["categories"].append("user.job_title")
    data["systems"][0]["dataset"]["collections"][0]["fields"].append(
        {"name": "job_title", "categories": ["user.job_title"]}
    )
    data["recipients"].append(
        {
            "name": "Survey Co Ltd",
            "role": "processor",
            "service": "online surveys",
            "country": "CA",
            "contract_signed_on": "2026-02-01",
            "vetted_on": "2026-02-01",
            "vetting_result": "passed",
        }
    )
    activity(data, "Support and service")["recipients"].append("Survey Co Ltd")
    data["recipients"].remove(recipient(data, "Payments Ltd"))
    activity(data, "Card payments")["recipients"] = []
    publish(session, clock, load_policy(write_policy(tmp_path, data)))

    changes = versions.diff_versions(session=session, old=1, new=2)
    texts = {c.kind: c.text for c in changes}
    assert texts[ChangeKind.RETENTION_CHANGED] == (
        "Retention for 'Call recording' changed from \"3 months after the call is recorded, "
        'then deleted" to "6 months after the call is recorded, then deleted"'
    )
    assert texts[ChangeKind.LAWFUL_BASIS_CHANGED].startswith(
        "Lawful basis of 'Recruitment' changed from legitimate_interests to contract"
    )
    assert texts[ChangeKind.CATEGORIES_ADDED] == "'Support and service' now also uses: job title"
    assert (
        texts[ChangeKind.RECIPIENT_ADDED]
        == "New recipient Survey Co Ltd (online surveys) in Canada"
    )
    assert texts[ChangeKind.RECIPIENT_REMOVED] == "Recipient Payments Ltd removed"
    assert texts[ChangeKind.TRANSFER_ADDED] == (
        "New transfer to Canada (Survey Co Ltd), safeguard: UK adequacy regulations"
    )
    assert not any(c.tell_before_start for c in changes)
    # And back again: the same diff, reversed.
    reverse = {c.kind for c in versions.diff_versions(session=session, old=2, new=1)}
    assert {
        ChangeKind.RECIPIENT_REMOVED,
        ChangeKind.RECIPIENT_ADDED,
        ChangeKind.TRANSFER_REMOVED,
    } <= reverse


def test_a_notice_cannot_take_effect_before_it_is_published_or_before_its_predecessor(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="before today"):
        publish(session, clock, load_policy(FIXTURE), effective_on=date(2026, 3, 1))
    publish(session, clock, load_policy(FIXTURE), effective_on=date(2026, 5, 1))
    data = policy_data()
    with_new_purpose(data)
    with pytest.raises(UsageError, match="cannot take effect before it"):
        publish(
            session,
            clock,
            load_policy(write_policy(tmp_path, data)),
            effective_on=date(2026, 4, 1),
        )


def test_asking_for_a_version_that_does_not_exist_says_which_do(
    session: Session, clock: FixedClock
) -> None:
    with pytest.raises(NotFound, match="no notice has been published yet"):
        versions.get_version(session=session, number=1)
    publish(session, clock, load_policy(FIXTURE))
    with pytest.raises(NotFound, match="versions run from 1 to 1"):
        versions.get_version(session=session, number=7)


def test_notice_commands_publish_list_show_and_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    first = run("notice", "publish", str(FIXTURE))
    assert first.exit_code == 0, first.output
    assert "published notice version 1, in effect from 2026-03-02" in first.output
    again = run("notice", "publish", str(FIXTURE))
    assert "notice unchanged: version 1 is still current" in again.output

    data = policy_data()
    with_new_purpose(data)
    changed = write_policy(tmp_path / "policy", data)
    second = run("notice", "publish", str(changed), "--effective-on", "2026-03-16")
    assert second.exit_code == 0, second.output
    assert "published notice version 2, in effect from 2026-03-16" in second.output
    assert "! New purpose 'Customer satisfaction survey'" in second.output
    assert "people must be told before processing starts for: Customer satisfaction survey" in (
        second.output
    )

    listed = json.loads(run("notice", "list", "--json").output)
    assert [(v["number"], v["effective_on"]) for v in listed] == [
        (1, "2026-03-02"),
        (2, "2026-03-16"),
    ]
    assert listed[1]["policy_digest"] == hashlib.sha256(changed.read_bytes()).hexdigest()

    shown = run("notice", "show", "1", "--format", "md")
    assert shown.exit_code == 0
    assert "Version 1, in effect from 2 March 2026" in shown.output
    assert "Customer satisfaction survey" not in shown.output

    diffed = json.loads(run("notice", "diff", "1", "2", "--json").output)
    assert diffed[0]["kind"] == "purpose_added"
    assert diffed[0]["tell_before_start"] is True

    missing = run("notice", "show", "9")
    assert missing.exit_code == 1
    assert "no notice version 9" in missing.output


def test_publish_refuses_a_past_effective_date_as_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    result = run("notice", "publish", str(FIXTURE), "--effective-on", "2026-01-01")
    assert result.exit_code == 2
    assert "before today" in result.output


def test_a_snapshot_stored_by_an_older_release_still_reads(
    session: Session, clock: FixedClock
) -> None:
    version = publish(session, clock, load_policy(FIXTURE)).version
    older = dict(version.snapshot, retired_field="from an older release")
    version.snapshot = older
    session.flush()
    assert versions.notice_of(version).controller.name == "Harbour IT Support Ltd"
