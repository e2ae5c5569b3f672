"""schools-06: the support desk's access logs are stored encrypted. Who opened each ticket is
read from the helpdesk into Dataward's access register, where the engineer is sealed: the
database and the audit log hold no engineer's name, and each access is chained in the log."""

from __future__ import annotations

import json

import pytest
from scenarios.product import Deployed
from scenarios.register import database_bytes, poll


@pytest.fixture(scope="module")
def schools(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed("schools", tmp_path_factory.mktemp("schools-06"), people=40)


def test_schools_06_the_support_desk_access_log_is_stored_sealed(schools: Deployed) -> None:
    accesses = schools.rows("helpdesk", "access_log")
    assert accesses, "the example's helpdesk logs who opened tickets"
    (source,) = poll(schools)
    assert source["new"] == len(accesses)

    stored = database_bytes(schools)
    for engineer in {a["engineer"] for a in accesses}:
        assert engineer.encode() not in stored, engineer

    # The audit log chains each event, and carries no engineer either.
    log = schools.run("audit", "log", "--json").stdout
    recorded = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert sum(e["action"] == "access.event.recorded" for e in recorded) == len(accesses)
    assert not any(a["engineer"] in log for a in accesses)
    assert schools.run("audit", "verify", "--json").exit_code == 0
    assert poll(schools)[0]["new"] == 0
