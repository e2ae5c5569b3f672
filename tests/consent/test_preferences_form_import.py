"""A collection form's checkboxes reach the same preference record as every other route."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from people.factories import CliRun

from consent.ledger_factories import example_policy_file

BOX = "Tick to hear about our offers by email, text or post."


@pytest.fixture(autouse=True)
def _initialised(cli: CliRun) -> None:
    assert cli("init").exit_code == 0


def _import(cli: CliRun, form: Path, *extra: str) -> dict[str, object]:
    result = cli(
        "consent", "import", str(form), "--channel", "marketing", "--how", "order-form",
        "--wording-version", "order form v3", "--wording", BOX,
        "-p", str(example_policy_file("telecoms")), "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_ticked_boxes_give_consent_and_unticked_ones_withdraw_it(
    cli: CliRun, tmp_path: Path
) -> None:
    first = tmp_path / "orders-march.csv"
    first.write_text(
        "email,name,opt_in_email,opt_in_sms,opt_in_post\n"
        "ann@example.com,Ann,yes,x,\n"
        "bob@example.com,Bob,no,no,no\n",
        encoding="utf-8",
    )
    report = _import(cli, first)
    assert report == {
        "rows": 2,
        "events": 2,
        "file_digest": hashlib.sha256(first.read_bytes()).hexdigest(),
    }
    later = tmp_path / "orders-april.csv"
    later.write_text("email,opt_in_email,opt_in_sms\nann@example.com,yes,no\n", encoding="utf-8")
    assert _import(cli, later)["events"] == 1  # only the change: SMS withdrawn

    shown = json.loads(cli("consent", "show", "--email", "ann@example.com", "--json").output)
    assert {(p["medium"], p["state"], p["how"]) for p in shown["preferences"]} == {
        ("email", "given", "order-form"),
        ("sms", "withdrawn", "order-form"),
    }
    history = json.loads(cli("consent", "history", "--email", "ann@example.com", "--json").output)
    assert history[-1]["source_digest"] == hashlib.sha256(later.read_bytes()).hexdigest()
    assert cli("consent", "show", "--email", "bob@example.com").exit_code == 0


def test_a_bad_form_file_changes_nothing(cli: CliRun, tmp_path: Path) -> None:
    form = tmp_path / "form.csv"
    form.write_text(
        "email,opt_in_email\nann@example.com,yes\nbob@example.com,perhaps\n", encoding="utf-8"
    )
    result = cli(
        "consent", "import", str(form), "--channel", "marketing", "--wording-version", "v1",
        "--wording", BOX, "-p", str(example_policy_file("telecoms")),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "line 3" in result.output and "perhaps" in result.output
    assert cli("consent", "show", "--email", "ann@example.com").exit_code == 1

    for content in ("name\nAnn\n", "email,colour\nann@example.com,red\n", "\xff\xfe"):
        form.write_text(content, encoding="latin-1")
        result = cli(
            "consent", "import", str(form), "--channel", "marketing", "--wording-version", "v1",
            "--wording", BOX,
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
