"""`dataward rights erase --dry-run`: the plan, row by row, and nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from typer.testing import CliRunner

from dataward.core import migrate
from dataward.core.crypto import create_master_key_file
from dataward.core.db import make_engine
from dataward.domains import metadata

from .shop import ALICE, Shop, build_shop

Cli = Callable[..., Result]


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sa.create_engine(url)
    yield build_shop(tmp_path / "shop", url, engine)
    engine.dispose()


@pytest.fixture
def cli(tmp_path: Path, shop: Shop, monkeypatch: pytest.MonkeyPatch) -> Cli:
    import dataward.cli  # noqa: F401  every domain's tables, registered by its commands

    home = tmp_path / "home"
    home.mkdir()
    engine = make_engine(f"sqlite:///{home / 'dataward.db'}")
    migrate.upgrade(engine)
    metadata().create_all(engine)
    engine.dispose()
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    create_master_key_file(home / "master.key")
    env_file = tmp_path / "systems.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in shop.environ.items()))
    from dataward.cli import app

    runner = CliRunner()

    def run(*args: str) -> Result:
        full = [*args, "--policy", str(shop.loaded.path), "--env-file", str(env_file)]
        return runner.invoke(app, full, catch_exceptions=False)

    return run


def test_dry_run_lists_every_row_and_changes_nothing(cli: Cli, shop: Shop) -> None:
    before = shop.snapshot()
    result = cli("rights", "erase", "--email", ALICE, "--dry-run")

    assert result.exit_code == 0, result.output
    assert shop.snapshot() == before
    lines = result.output.splitlines()
    assert lines[0] == "dry run, nothing changed: 8 to delete, 3 to change, 5 to keep"
    assert "  delete shop.customer (key id=1)" in lines
    assert (
        "  change shop.orders (key id=10): customer_id null: anonymised, not deleted: records "
        "kept for another reason point to it"
    ) in lines
    assert f"  delete shop.visit (matching email={ALICE})" in lines
    shared = next(line for line in lines if line.startswith("  keep   shop.address (key id=1)"))
    assert "other people's records still refer to it" in shared
    assert any(
        line.startswith("  keep   shop.product (key id=2): its collection holds no personal data")
        for line in lines
    )

    # No request was opened: a real erasure afterwards is the first.
    listed = cli("rights", "erase", "--email", ALICE, "--dry-run", "--json")
    plan = json.loads(listed.output)
    assert len(plan) == 16
    assert {p["action"] for p in plan} == {"delete", "change", "keep"}


def test_dry_run_without_a_person_says_who_is_missing(cli: Cli) -> None:
    result = cli("rights", "erase", "--dry-run")
    assert result.exit_code == 2
    assert "say who the erasure is about" in result.output
