"""Rows a condition cannot judge because a field is empty: a sweep neither deletes them nor keeps
them silently, but counts them in its result, its --json and its audit event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, select
from typer.testing import CliRunner

from dataward.audit.models import AuditEvent
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.retention.sweep import sweep

from . import source
from .conftest import policy_document
from .support import dataward_environment, own_database, retention_cli

OLD = date(2023, 1, 1)  # past the two-year rule on 2026-03-02


@pytest.fixture
def helpdesk(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    source.create(engine)
    source.load(
        engine,
        source.enquiries,
        [
            {"id": 1, "from_email": "a@x.com", "received_on": OLD, "became_customer": False},
            {"id": 2, "from_email": "b@x.com", "received_on": OLD, "became_customer": True},
            {"id": 3, "from_email": "c@x.com", "received_on": OLD, "became_customer": None},
            {"id": 4, "from_email": None, "received_on": OLD, "became_customer": False},
        ],
    )
    yield engine
    engine.dispose()


def write_policy(tmp_path: Path, **overrides: Any) -> LoadedPolicy:
    document = policy_document(**overrides)
    path = tmp_path / "dataward.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return LoadedPolicy(policy=Policy.model_validate(document), path=path)


def environ(helpdesk: Engine) -> dict[str, str]:
    return {"HELPDESK_URL": helpdesk.url.render_as_string(hide_password=False)}


def test_a_rule_condition_on_an_empty_field_leaves_the_row_undecided_and_says_so(
    runtime: Runtime, keyring: Keyring, tmp_path: Path, helpdesk: Engine
) -> None:
    loaded = write_policy(tmp_path)  # enquiries go when `became_customer = false`
    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=loaded,
        environ=environ(helpdesk),
        collection="enquiries",
    )
    assert source.keys(helpdesk, source.enquiries) == {(2,), (3,)}
    enquiries = report.outcome("helpdesk", "enquiries")
    assert (enquiries.acted, enquiries.undecided) == (2, 1)
    assert enquiries.undecided_fields == {"became_customer": 1}
    assert enquiries.undecided_note() == "undecided: 1 row, field became_customer is empty"
    with runtime.transaction() as session:
        finished = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.sweep.finished")
        ).one()
        (logged,) = finished.details["collections"]
    assert (logged["undecided"], logged["undecided_fields"]) == (1, {"became_customer": 1})


def test_an_exemption_on_an_empty_field_neither_deletes_nor_silently_keeps_the_row(
    runtime: Runtime, keyring: Keyring, tmp_path: Path, helpdesk: Engine
) -> None:
    # Row 4 has no address: the exemption can neither keep nor release it (it used to be
    # deleted without a word, while `!=` would have kept it without a word).
    loaded = write_policy(
        tmp_path,
        **{
            "enquiries-2-years": {
                "period": "2 years",
                "after": "received_on",
                "exemptions": ["from_email < 'b'"],
                "reason": "no sale",
            }
        },
    )
    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=loaded,
        environ=environ(helpdesk),
        collection="enquiries",
    )
    assert source.keys(helpdesk, source.enquiries) == {(1,), (4,)}
    enquiries = report.outcome("helpdesk", "enquiries")
    assert (enquiries.acted, enquiries.exempt, enquiries.undecided) == (2, 1, 1)
    assert enquiries.undecided_fields == {"from_email": 1}


def test_the_sweep_command_reports_undecided_rows_in_text_and_json(
    tmp_path: Path, helpdesk: Engine
) -> None:
    with own_database(tmp_path) as url:
        env = dataward_environment(tmp_path / "home", url, "2026-03-02T10:00:00+00:00")
        env_file = tmp_path / "systems.env"
        env_file.write_text(f"HELPDESK_URL={environ(helpdesk)['HELPDESK_URL']}\n")
        env["ENV_FILE"] = str(env_file)
        policy = tmp_path / "dataward.yaml"
        policy.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")
        base = ["retention", "sweep", "--policy", str(policy), "--env-file", str(env_file)]
        base += ["--collection", "enquiries"]
        runner = CliRunner()
        dry = runner.invoke(retention_cli(), [*base, "--dry-run"], env=env)
        assert dry.exit_code == 0, dry.output
        assert "undecided: 1 row, field became_customer is empty" in dry.stdout
        real = runner.invoke(retention_cli(), [*base, "--json"], env=env)
        assert real.exit_code == 0, real.output
        (enquiries,) = json.loads(real.stdout)["collections"]
        assert (enquiries["undecided"], enquiries["undecided_fields"]) == (
            1,
            {"became_customer": 1},
        )
    assert source.keys(helpdesk, source.enquiries) == {(2,), (3,)}
