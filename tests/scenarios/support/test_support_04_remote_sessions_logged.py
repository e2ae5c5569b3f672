"""support-04: each remote-support session is logged with what identifies the device
(username, IP address, hostname or alias): RemoteAssist's session log is read into the access
register, where those details are sealed, and a device's sessions can be reported."""

from __future__ import annotations

import json

import pytest
from scenarios.product import Deployed
from scenarios.register import database_bytes, poll


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed("support", tmp_path_factory.mktemp("support-04"), people=40)


def test_support_04_every_remote_session_is_logged_with_the_device(support: Deployed) -> None:
    sessions = support.rows("remote", "sessions")
    assert sessions, "the example has remote sessions"
    (source,) = poll(support)
    assert source["new"] == len(sessions) and source["rejected"] == []

    # Identifying details are stored sealed: none is in Dataward's database file as written.
    stored = database_bytes(support)
    for session in sessions:
        for field in ("device_username", "ip_address", "hostname"):
            if session[field]:
                assert session[field].encode() not in stored, field

    aliased = next(s for s in sessions if s["device_alias"])
    report = support.run(
        "access", "report", "--device", aliased["device_alias"], "--from", "2000-01-01",
        "--to", "2026-12-31", "--json",
    )  # fmt: skip
    events = json.loads(report.stdout)["events"]
    mine = [e for e in events if e["username"] == aliased["device_username"]]
    assert mine, "the device's session is reported with its user"
    event = mine[0]
    assert event["engineer"] == aliased["engineer"]
    assert event["ip_address"] == aliased["ip_address"]
    assert event["hostname"] == aliased["hostname"]
    assert event["kind"] == "remote_session"
