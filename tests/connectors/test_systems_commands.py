"""`dataward systems test` and `dataward systems find`, run as a staff member would."""

from __future__ import annotations

import base64
import copy
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from crm_source import CRM_DATASET, Source, crm_metadata
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dataward.audit.models import AuditEvent
from dataward.connectors.commands import register
from dataward.connectors.environment import load_env_file
from dataward.core.db import make_engine
from dataward.domains import metadata


def cli() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    register(app)
    return app


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, str]:
    """A policy with a CRM (SQLite, filled) and a helpdesk whose database is missing; an env
    file naming both; Dataward's own database, initialised."""
    crm_metadata_ = crm_metadata()
    crm = Source("sqlite", "", create_engine(f"sqlite:///{tmp_path / 'crm.db'}"), crm_metadata_)
    crm_metadata_.create_all(crm.engine)
    crm.fill()
    crm.engine.dispose()
    policy = {
        "organisation": {
            "name": "Example Support Ltd",
            "registered_office": "1 High Street, Bournemouth BH1 1AA",
            "privacy_contact": "privacy@example.co.uk",
        },
        "activities": [
            {
                "name": "Customer support",
                "purpose": "essential.service",
                "lawful_basis": "contract",
                "subjects": ["customer"],
                "categories": ["user.contact.email"],
                "systems": ["crm", "helpdesk"],
            }
        ],
        "systems": [
            {
                "name": "crm",
                "connector": "sql",
                "connection": {"url_env": "CRM_DB_URL"},
                "dataset": copy.deepcopy(CRM_DATASET),
            },
            {
                "name": "helpdesk",
                "connector": "sql",
                "connection": {"url_env": "HELPDESK_DB_URL"},
                "dataset": {
                    "collections": [
                        {"name": "tickets", "fields": [{"name": "id", "primary_key": True}]}
                    ]
                },
            },
        ],
    }
    (tmp_path / "dataward.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    (tmp_path / "systems.env").write_text(
        "# reached from the office network\n"
        "export CRM_DB_URL='sqlite:///crm.db'\n"
        'HELPDESK_DB_URL="sqlite:///helpdesk.db"  # not created yet\n',
        encoding="utf-8",
    )
    database = f"sqlite:///{tmp_path / 'dataward.db'}"
    engine = make_engine(database)
    metadata().create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    engine.dispose()
    return {
        "DATAWARD_HOME": str(tmp_path / "home"),
        "DATAWARD_DATABASE_URL": database,
        "DATAWARD_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "DATAWARD_NOW": "2026-03-02T10:00:00+00:00",
        "DATAWARD_ENVIRONMENT": "test",
        "POLICY": str(tmp_path / "dataward.yaml"),
        "ENV_FILE": str(tmp_path / "systems.env"),
        "CRM_DB_URL": "",
        "HELPDESK_DB_URL": "",
    }


def run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli(), list(args), env=env, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_env_files_read_comments_quotes_and_export(tmp_path: Path) -> None:
    path = tmp_path / "x.env"
    path.write_text(
        "A=1\n# comment\n\nexport B='two words'\nC=\"line\\nbreak\" # note\nD=plain # note\n"
    )
    assert load_env_file(path) == {"A": "1", "B": "two words", "C": "line\nbreak", "D": "plain"}


def test_systems_test_reports_each_system_and_fails_if_any_fails(
    workspace: dict[str, str],
) -> None:
    output = run(
        workspace,
        "systems",
        "test",
        "--policy",
        workspace["POLICY"],
        "--env-file",
        workspace["ENV_FILE"],
        "--json",
        code=1,
    )
    report = json.loads(output)
    status = {s["system"]: s["status"] for s in report["systems"]}
    assert status == {"crm": "ok", "helpdesk": "failed"}
    helpdesk = next(s for s in report["systems"] if s["system"] == "helpdesk")
    assert "helpdesk.db does not exist" in helpdesk["error"]


def test_systems_test_of_one_healthy_system_succeeds(workspace: dict[str, str]) -> None:
    output = run(
        workspace,
        "systems",
        "test",
        "-p",
        workspace["POLICY"],
        "--env-file",
        workspace["ENV_FILE"],
        "--system",
        "crm",
    )
    assert "ok" in output and "crm (sql" in output


def test_systems_test_without_the_variables_names_them(workspace: dict[str, str]) -> None:
    output = run(workspace, "systems", "test", "-p", workspace["POLICY"], code=1)
    assert "CRM_DB_URL is not set" in output
    assert "HELPDESK_DB_URL is not set" in output


def test_systems_test_of_an_unknown_system_is_a_usage_error(workspace: dict[str, str]) -> None:
    output = run(workspace, "systems", "test", "-p", workspace["POLICY"], "-s", "crn", code=2)
    assert "no system named 'crn'" in output


def test_systems_find_counts_records_and_logs_the_search(workspace: dict[str, str]) -> None:
    output = run(
        workspace,
        "systems",
        "find",
        "-p",
        workspace["POLICY"],
        "--env-file",
        workspace["ENV_FILE"],
        "--system",
        "crm",
        "--email",
        "Alice.Smith@example.co.uk",
        "--json",
    )
    report: dict[str, Any] = json.loads(output)
    counts = {c["collection"]: c["count"] for c in report["collections"]}
    assert counts == {"customers": 1, "tickets": 3, "ticket_notes": 3}
    assert "records" not in report["collections"][0]  # no rows without --show
    engine = make_engine(workspace["DATAWARD_DATABASE_URL"])
    with Session(engine) as session:
        events = session.execute(select(AuditEvent)).scalars().all()
    engine.dispose()
    assert [e.action for e in events] == ["systems.person.searched"]
    assert events[0].details["records_found"] == 7
    assert "alice" not in json.dumps(events[0].details).lower()


def test_systems_find_shows_rows_when_asked(workspace: dict[str, str]) -> None:
    output = run(
        workspace,
        "systems",
        "find",
        "-p",
        workspace["POLICY"],
        "--env-file",
        workspace["ENV_FILE"],
        "-s",
        "crm",
        "--phone",
        "+44 7700 900002",
        "--show",
    )
    assert "crm.customers [2]" in output
    assert "Bob Jones" in output


def test_systems_find_needs_an_identity(workspace: dict[str, str]) -> None:
    output = run(workspace, "systems", "find", "-p", workspace["POLICY"], code=2)
    assert "--email" in output
    output = run(workspace, "systems", "find", "-p", workspace["POLICY"], "--ref", "x", code=2)
    assert "--ref customer_number=C123" in output
