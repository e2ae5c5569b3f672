"""support-04: remote support is optional; the session identifies the device (username, IP,
hostname or alias) and is logged; the remote-support tool is a listed processor.
"""

from __future__ import annotations

import pytest

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example, snapshot
from dataward.notice.build import build_notice
from dataward.policy.schema import RecipientRole
from dataward.ropa.recipients import list_transfers

DEVICE_FIELDS = {
    "device_username": "user.device.username",
    "ip_address": "user.device.ip_address",
    "hostname": "user.device.hostname",
    "device_alias": "user.device.hostname",
}


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("support", tmp_path_factory.mktemp("support"), people=60)


def test_support_04_the_remote_support_tool_is_a_listed_processor(
    support: GeneratedExample,
) -> None:
    policy = support.policy
    (activity,) = [a for a in policy.activities if "user.device.remote_session" in a.categories]
    assert activity.recipients == ["RemoteAssist Ltd"]
    assert activity.requirement is not None and "optional" in activity.requirement
    tool = policy.recipient("RemoteAssist Ltd")
    assert tool is not None and tool.role is RecipientRole.PROCESSOR
    assert tool.vetted_on is not None and tool.contract_signed_on is not None
    system = support.system("remote")
    assert system.processor == "RemoteAssist Ltd" and activity.systems == ["remote"]
    assert any(
        t.recipient == "RemoteAssist Ltd" and t.problem is None for t in list_transfers(policy)
    )
    notice = build_notice(support.loaded)
    assert {r.name for r in notice.recipients} >= {"RemoteAssist Ltd"}


def test_support_04_each_logged_session_identifies_the_device_and_the_agreement(
    support: GeneratedExample,
) -> None:
    remote = support.system("remote")
    assert remote.dataset is not None
    (sessions_declared,) = remote.dataset.collections
    for field, category in DEVICE_FIELDS.items():
        declared = sessions_declared.field(field)
        assert declared is not None and declared.categories == [category]
    sessions = snapshot(remote, support.environment)["sessions"]
    assert len(sessions) > 10
    for session in sessions:
        assert session["device_username"] and session["ip_address"]
        assert session["hostname"] or session["device_alias"]
        assert session["started_at"] < session["ended_at"]
        assert session["customer_agreed"]
    priya = known_people("support")["priya"]
    assert sum(s["customer_email"] == priya.email for s in sessions) == 2
