"""The commands people run: holds, sweeps (dry and real), forecasts with a chart, reviews."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine
from typer.testing import CliRunner

from . import source
from .conftest import policy_document
from .support import dataward_environment, own_database, retention_cli


@pytest.fixture
def helpdesk(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    source.create(engine)
    source.load(
        engine,
        source.calls,
        [
            {"site": "bath", "number": n, "recorded_at": datetime(2025, 9 + n % 3, 1 + n, 9, 0)}
            for n in range(1, 13)
        ]
        + [
            {"site": "leeds", "number": n, "recorded_at": datetime(2026, 1 + n % 2, 10, 9, 0)}
            for n in range(1, 5)
        ],
    )
    source.load(
        engine,
        source.enquiries,
        [
            {
                "id": n,
                "from_email": f"e{n}@x.com",
                "received_on": date(2023, n, 5),
                "became_customer": n % 2 == 0,
            }
            for n in range(1, 13)
        ],
    )
    yield engine
    engine.dispose()


@pytest.fixture
def env(tmp_path: Path, helpdesk: Engine) -> Iterator[dict[str, str]]:
    with own_database(tmp_path) as url:
        environ = dataward_environment(tmp_path / "home", url, "2026-03-02T10:00:00+00:00")
        env_file = tmp_path / "systems.env"
        env_file.write_text(f"HELPDESK_URL={helpdesk.url.render_as_string(hide_password=False)}\n")
        environ["ENV_FILE"] = str(env_file)
        policy = tmp_path / "dataward.yaml"
        policy.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")
        environ["POLICY"] = str(policy)
        yield environ


def run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(retention_cli(), list(args), env=env, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout


def run_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(run(env, *args, "--json"))


def test_holds_are_added_listed_and_released_from_the_command_line(env: dict[str, str]) -> None:
    placed = run_json(
        env,
        "holds",
        "add",
        "--policy",
        env["POLICY"],
        "--record",
        "helpdesk/calls/bath,1",
        "--reason",
        "customer dispute",
        "--review-on",
        "2026-03-01",
    )
    assert placed["target"] == "helpdesk/calls/bath,1"
    person = run_json(env, "holds", "add", "--email", "Dana@Example.com", "--reason", "tribunal")
    assert person["target"] == "person (email)" and "dana" not in json.dumps(person).lower()
    listed = run_json(env, "holds", "list")
    assert [h["id"] for h in listed] == [placed["id"], person["id"]]
    assert [h["id"] for h in run_json(env, "holds", "list", "--due")] == [placed["id"]]
    assert "DUE" in run(env, "holds", "list")
    run(env, "holds", "release", str(person["id"]), "--reason", "settled")
    assert [h["id"] for h in run_json(env, "holds", "list")] == [placed["id"]]


def test_holds_add_refuses_two_targets_at_once(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        retention_cli(),
        ["holds", "add", "--email", "a@b.com", "--collection", "helpdesk/calls", "--reason", "x"],
        env=env,
    )
    assert result.exit_code == 2
    assert "exactly one of" in result.stderr


def test_a_dry_run_then_a_sweep_then_nothing_left(env: dict[str, str], helpdesk: Engine) -> None:
    run(
        env,
        "holds",
        "add",
        "--policy",
        env["POLICY"],
        "--record",
        "helpdesk/calls/bath,1",
        "--reason",
        "dispute",
    )
    base = ("retention", "sweep", "--policy", env["POLICY"], "--env-file", env["ENV_FILE"])
    dry = run_json(env, *base, "--dry-run")
    calls = next(c for c in dry["collections"] if c["collection"] == "calls")
    assert (calls["found"], calls["acted"], calls["held"]) == (12, 11, 1)
    assert len(source.keys(helpdesk, source.calls)) == 16
    real = run_json(env, *base, "--batch-size", "4")
    calls = next(c for c in real["collections"] if c["collection"] == "calls")
    assert (calls["acted"], calls["held"], calls["batches"]) == (11, 1, 3)
    assert real["ok"] and real["run"] is not None
    assert len(source.keys(helpdesk, source.calls)) == 5
    again = run_json(env, *base)
    assert again["acted"] == 0


def test_a_sweep_prints_a_table_on_a_terminal_free_run(env: dict[str, str]) -> None:
    text = run(env, "retention", "sweep", "--policy", env["POLICY"], "--env-file", env["ENV_FILE"])
    assert "helpdesk/calls" in text and "records gone" in text


def test_a_forecast_counts_by_month_and_draws_a_chart(env: dict[str, str], tmp_path: Path) -> None:
    chart = tmp_path / "forecast.svg"
    result = run_json(
        env,
        "retention",
        "forecast",
        "--policy",
        env["POLICY"],
        "--env-file",
        env["ENV_FILE"],
        "--months",
        "6",
        "--out",
        str(chart),
    )
    assert result["months"] == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    calls = next(r for r in result["rows"] if r["collection"] == "calls")
    # Every Bath call (September to November) is past 3 months already; the Leeds calls of
    # 10 January go once 10 April has passed, those of 10 February after 10 May.
    assert calls["due_now"] == 12
    assert calls["by_month"] == {
        "2026-03": 0,
        "2026-04": 2,
        "2026-05": 2,
        "2026-06": 0,
        "2026-07": 0,
        "2026-08": 0,
    }
    svg = ET.parse(chart).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert "calls-3-months, 2026-04: 2" in titles


def test_review_tasks_are_listed_and_resolved(env: dict[str, str], tmp_path: Path) -> None:
    document = policy_document(
        **{
            "enquiries-2-years": {
                "period": "2 years",
                "after": "received_on",
                "action": "review",
                "reason": "while relevant",
            }
        }
    )
    Path(env["POLICY"]).write_text(yaml.safe_dump(document), encoding="utf-8")
    run(
        env,
        "retention",
        "sweep",
        "--policy",
        env["POLICY"],
        "--env-file",
        env["ENV_FILE"],
        "--collection",
        "enquiries",
    )
    tasks = run_json(env, "retention", "reviews")
    assert [(t["rule"], t["collection"], t["count"]) for t in tasks] == [
        ("enquiries-2-years", "enquiries", 12)
    ]
    run(env, "retention", "resolve", str(tasks[0]["id"]), "--note", "all disposed of")
    assert run_json(env, "retention", "reviews") == []
    assert run_json(env, "retention", "reviews", "--all")[0]["resolution"] == "all disposed of"


def test_runs_and_their_evidence_are_listed_and_checked(env: dict[str, str]) -> None:
    base = ("retention", "sweep", "--policy", env["POLICY"], "--env-file", env["ENV_FILE"])
    swept = run_json(env, *base, "--batch-size", "5")
    runs = run_json(env, "retention", "runs")
    assert [r["run"] for r in runs] == [swept["run"]]
    assert runs[0]["acted"] == swept["acted"] and runs[0]["status"] == "completed"
    proofs = run_json(env, "retention", "evidence", str(swept["run"]))
    assert sum(p["count"] for p in proofs) == swept["acted"]
    assert all(p["verified"] and len(p["key_digests"]) == p["count"] for p in proofs)
    assert "every batch matches the audit chain" in run(env, "retention", "evidence")
