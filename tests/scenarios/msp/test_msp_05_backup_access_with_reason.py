"""msp-05: client backups are read only at the client's request or to test the backup's
integrity, and each access is logged with its reason: the backup platform's catalogue is read
into the register (where it left off), and an access for any other reason is a finding."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from scenarios.product import Deployed
from sqlalchemy import MetaData, Table, create_engine, insert


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed("msp", tmp_path_factory.mktemp("msp-05"), people=40)


def _poll(msp: Deployed) -> dict[str, object]:
    result = msp.run(
        "access", "poll", "-p", str(msp.policy), "--env-file", str(msp.env_file), "--json"
    )
    (source,) = json.loads(result.stdout)["sources"]
    assert isinstance(source, dict)
    return source


def test_msp_05_each_backup_access_is_logged_with_its_reason(msp: Deployed) -> None:
    restores = msp.rows("backups", "restores")
    assert {r["reason"] for r in restores} == {"client_request", "integrity_test"}
    first = _poll(msp)
    assert first["new"] == len(restores) and first["findings"] == 0
    assert _poll(msp)["new"] == 0, "a second read records nothing twice"

    # The platform logs a restore made for another reason; the next read raises it.
    engine = create_engine(msp.connections["MSP_BACKUPS_URL"])
    table = Table("restores", MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(
            insert(table).values(
                client_company=restores[0]["client_company"],
                requested_at=datetime(2026, 3, 1, 14, 0, tzinfo=UTC),
                reason="engineer curiosity",
                engineer="eng-04",
                backup_set="file server nightly",
            )
        )
    engine.dispose()
    third = _poll(msp)
    assert third["new"] == 1 and third["findings"] == 1
    findings = json.loads(msp.run("access", "findings", "--json").stdout)["findings"]
    (finding,) = findings
    assert finding["rule"] == "backup-reason"
    assert finding["client"] == restores[0]["client_company"]
    assert "engineer_curiosity" in finding["message"]

    report = msp.run(
        "access", "report", "--client", restores[0]["client_company"], "--from", "2020-01-01",
        "--to", "2026-12-31", "--json",
    )  # fmt: skip
    reasons = {e["reason"] for e in json.loads(report.stdout)["events"]}
    assert reasons <= {"client_request", "integrity_test", "engineer_curiosity"}
    assert "engineer_curiosity" in reasons
