"""A sweep under a `suppress: true` rule keeps every deleted row's address suppressed, even
when it is killed between the delete and its evidence; the policy says which rules do."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import yaml
from retention.scenario import deploy
from sqlalchemy import func, select
from typer.testing import CliRunner

from dataward.cli import app
from dataward.consent import service as consent
from dataward.consent.models import SuppressionEntry
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path
from dataward.policy.service import load_policy
from dataward.retention.models import BatchStatus, SweepBatch
from dataward.retention.plan import Target
from dataward.retention.sweep import sweep


class Killed(BaseException):
    """The process dying: nothing after it runs, nothing uncommitted survives."""


def test_a_sweep_killed_after_the_delete_has_already_suppressed_the_rows(
    runtime: Runtime, tmp_path: Path
) -> None:
    keyring = Keyring(secrets.token_bytes(32))
    with deploy("support", tmp_path / "systems", "sqlite") as support:
        before = support.rows("mailing", "subscribers")

        def kill_after_delete(stage: str, number: int, target: Target) -> None:
            if stage == "acted":
                raise Killed

        with pytest.raises(Killed):
            sweep(
                runtime=runtime, keyring=keyring, loaded=support.loaded,
                environ=support.environ, system="mailing", pause=kill_after_delete,
            )  # fmt: skip
        after = {s["email"] for s in support.rows("mailing", "subscribers")}
        gone = {s["email"] for s in before} - after
        assert gone, "the delete ran before the kill"
        with runtime.transaction() as session:
            # No evidence yet, but every deleted address is already on the list.
            statuses = session.scalars(select(SweepBatch.status)).all()
            assert statuses == [BatchStatus.PENDING]
            assert all(
                consent.is_suppressed(session=session, keyring=keyring, email=e) for e in gone
            )
            entries = session.scalar(select(func.count()).select_from(SuppressionEntry))

        report = sweep(
            runtime=runtime, keyring=keyring, loaded=support.loaded,
            environ=support.environ, system="mailing",
        )  # fmt: skip
        assert report.ok
        with runtime.transaction() as session:
            assert session.scalar(select(func.count()).select_from(SuppressionEntry)) == entries
            assert session.scalars(select(SweepBatch.status)).all() == [BatchStatus.DONE]


def test_without_the_key_a_sweep_suppresses_nothing(runtime: Runtime, tmp_path: Path) -> None:
    document = yaml.safe_load(policy_path("support").read_text(encoding="utf-8"))
    del document["retention"]["unsubscribed-1-month"]["suppress"]
    plain = tmp_path / "dataward.yaml"
    plain.write_text(yaml.safe_dump(document), encoding="utf-8")
    keyring = Keyring(secrets.token_bytes(32))
    with deploy("support", tmp_path / "systems", "sqlite") as support:
        report = sweep(
            runtime=runtime, keyring=keyring, loaded=load_policy(plain),
            environ=support.environ, system="mailing",
        )  # fmt: skip
        assert report.outcome("mailing", "subscribers").acted > 0
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SuppressionEntry)) == 0


def test_an_opt_in_column_must_name_a_declared_field(tmp_path: Path) -> None:
    document = yaml.safe_load(policy_path("telecoms").read_text(encoding="utf-8"))
    document["channels"]["marketing"]["opt_in"] = ["crm.contacts.emial_ok", "crm"]
    broken = tmp_path / "dataward.yaml"
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert "is not system.collection.field" in result.output
    document["channels"]["marketing"]["opt_in"] = "crm.contacts.emial_ok"
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert "'crm.contacts.emial_ok' names no declared field" in result.output
