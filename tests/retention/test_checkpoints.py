"""The sweep engine commits only through the checkpoint its boundary gives it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import create_engine, select

from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.retention.models import BatchStatus, SweepBatch, SweepRun, SweepStatus
from dataward.retention.sweep import run_sweep

from . import source
from .conftest import policy_document


def test_the_sweep_commits_only_at_the_checkpoints_it_is_given(
    runtime: Runtime, keyring: Keyring, tmp_path: Path
) -> None:
    helpdesk = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    source.create(helpdesk)
    source.load(
        helpdesk,
        source.calls,
        [
            {"site": "bath", "number": n, "recorded_at": datetime(2025, 6, 1, 9, n)}
            for n in range(5)
        ],
    )
    document = policy_document()
    path = tmp_path / "dataward.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    loaded = LoadedPolicy(policy=Policy.model_validate(document), path=path)
    checkpoints: list[str] = []
    with runtime.sessions() as session:
        commit = session.commit

        def refuse() -> None:
            raise AssertionError("the engine committed on its own")

        def checkpoint() -> None:
            checkpoints.append("commit")
            commit()

        session.commit = refuse  # type: ignore[method-assign]  # the engine must not call it
        report = run_sweep(
            session=session,
            checkpoint=checkpoint,
            clock=runtime.clock,
            keyring=keyring,
            loaded=loaded,
            collection="calls",
            batch_size=2,
            environ={"HELPDESK_URL": helpdesk.url.render_as_string(hide_password=False)},
        )
    assert report.ok and report.outcome("helpdesk", "calls").acted == 5
    # Start, lease, resume check, then pending and done for each of three batches, release, end.
    assert len(checkpoints) >= 2 * 3 + 2
    with runtime.transaction() as session:
        assert session.scalars(select(SweepRun.status)).all() == [SweepStatus.COMPLETED]
        assert set(session.scalars(select(SweepBatch.status))) == {BatchStatus.DONE}
    assert source.keys(helpdesk, source.calls) == set()
    helpdesk.dispose()
