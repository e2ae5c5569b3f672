"""support-04: remote support is optional; the session identifies the device (username, IP,
hostname or alias) and is logged; the remote-support tool is a listed processor.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, flags_missing, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example
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
    tmp_path: Path,
) -> None:
    support = Deployed("support", tmp_path)
    priya = known_people("support")["priya"]
    # Priya asks what is held on her: the remote-support log answers with her two sessions,
    # each naming the device by the fields the map declares.
    returned = support.returned(priya.email, "remote", "sessions")
    logged = [r for r in support.rows("remote", "sessions") if r["customer_email"] == priya.email]
    assert len(returned) == len(logged) == 2
    assert sorted(value_of(r, "id") for r in returned) == sorted(r["id"] for r in logged)
    for record in returned:
        for field, category in DEVICE_FIELDS.items():
            if value_of(record, field) is not None:
                assert record[field]["categories"] == [category], field
        assert value_of(record, "device_username") and value_of(record, "ip_address")
        assert value_of(record, "hostname") or value_of(record, "device_alias")
        assert value_of(record, "started_at") < value_of(record, "ended_at")
        assert value_of(record, "customer_agreed")
    # A map that stops declaring where the IP address is kept is flagged by `dataward check`.
    output = support.check_without("remote", "sessions", "ip_address")
    assert flags_missing(output, "user.device.ip_address", "remote"), output
