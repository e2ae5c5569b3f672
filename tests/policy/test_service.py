"""`load_policy` and `check_policy`: the calls every other domain makes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dataward.core.errors import PolicyError, UsageError
from dataward.examples.catalogue import examples_root
from dataward.policy.loader import Position
from dataward.policy.service import LoadedPolicy, check_policy, load_policy

from .policy_samples import CLEAN, write_policy


def test_load_policy_returns_the_policy_with_its_path_digest_and_positions(
    tmp_path: Path,
) -> None:
    path = write_policy(tmp_path, CLEAN)
    loaded = load_policy(path)
    assert loaded.path == path.resolve()
    assert loaded.base_dir == tmp_path.resolve()
    assert loaded.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.policy.activities[0].name == "Support"
    assert loaded.position("activities", 0, "purpose") == Position(str(path), 3, 14)
    assert loaded.warnings == ()
    assert loaded.dataset_files == {}


def test_the_digest_follows_the_bytes_of_the_file(tmp_path: Path) -> None:
    first = load_policy(write_policy(tmp_path, CLEAN)).digest
    same = load_policy(write_policy(tmp_path, CLEAN)).digest
    changed = load_policy(write_policy(tmp_path, CLEAN + "# reviewed March 2026\n")).digest
    assert first == same
    assert changed != first


def test_load_policy_keeps_the_warnings(tmp_path: Path) -> None:
    path = write_policy(tmp_path, CLEAN.replace(", reason: limitation period for claims", ""))
    loaded = load_policy(path)
    assert [p.message for p in loaded.warnings] == [
        "retention rule 'six-years' gives no reason for its period"
    ]


def test_load_policy_raises_with_every_error_and_no_warnings(tmp_path: Path) -> None:
    body = (
        CLEAN.replace("subjects: [customer]", "subjects: [custmer]")
        .replace("connector: sql", "connector: sqll")
        .replace(", reason: limitation period for claims", "")
    )
    with pytest.raises(PolicyError) as raised:
        load_policy(write_policy(tmp_path, body))
    assert [(p.line, p.column, p.severity) for p in raised.value.problems] == [
        (5, 16, "error"),
        (13, 16, "error"),
    ]
    assert str(raised.value).endswith("and 1 more")


def test_a_missing_policy_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_policy(tmp_path / "dataward.yaml")


def test_check_policy_reports_without_raising(tmp_path: Path) -> None:
    result = check_policy(write_policy(tmp_path, CLEAN.replace("contract", "contrct", 1)))
    assert result.loaded is None
    assert not result.ok
    assert [p.path for p in result.errors] == ["activities[0].lawful_basis"]
    clean = check_policy(write_policy(tmp_path, CLEAN))
    assert clean.ok and clean.loaded is not None and clean.problems == []


def test_a_top_level_list_is_not_a_policy(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    path.write_text("- organisation\n", encoding="utf-8")
    [problem] = check_policy(path).problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.startswith("the policy must be a mapping of sections")


def test_a_policy_built_in_code_gets_a_digest_of_its_content(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, CLEAN)).policy
    built = LoadedPolicy(policy=policy, path=tmp_path / "dataward.yaml")
    assert len(built.digest) == 64
    assert built.digest == LoadedPolicy(policy=policy, path=Path("elsewhere.yaml")).digest
    assert built.position("activities", 0) is None


def test_every_example_policy_loads_without_errors() -> None:
    examples = sorted(examples_root().glob("*/dataward.yaml"))
    assert len(examples) == 5
    for path in examples:
        result = check_policy(path)
        unknown_kinds = [p for p in result.errors if "unknown connector kind" in p.message]
        # Connector kinds arrive with the registry; everything else must already be right.
        assert [str(p) for p in result.errors if p not in unknown_kinds] == []
