"""S-01: the data map is the single source of truth.

Every processing activity of every example names its purpose, lawful basis (and Art 9/10
condition where needed), subjects, categories, systems, recipients, transfers and retention
rule; the systems hold what the activities say; and the notice, the ROPA and the check are
all read from the map, so changing the map changes them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from dataward.examples import EXAMPLES, policy_path
from dataward.examples.contents import build_example, snapshot
from dataward.notice.build import build_notice
from dataward.policy.schema import Policy
from dataward.policy.service import check_policy, load_policy
from dataward.policy.taxonomy import taxonomy_for
from dataward.ropa.recipients import list_transfers
from dataward.ropa.service import build_ropa

pytestmark = pytest.mark.parametrize("name", EXAMPLES)


def _field_categories(policy: Policy, system_name: str) -> set[str]:
    system = policy.system(system_name)
    assert system is not None and system.dataset is not None
    return {c for col in system.dataset.collections for f in col.fields for c in f.categories}


def test_s_01_every_activity_names_purpose_basis_subjects_categories_systems_recipients_retention(
    name: str,
) -> None:
    path = policy_path(name)
    policy = load_policy(path).policy
    taxonomy = taxonomy_for(policy)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))["activities"]
    assert [a["name"] for a in written] == [a.name for a in policy.activities]
    for raw, activity in zip(written, policy.activities, strict=True):
        where = f"{name}: {activity.name}"
        assert activity.purpose in taxonomy.uses, where
        assert activity.purpose_text, where
        assert activity.lawful_basis, where
        assert activity.subjects and all(s in taxonomy.subjects for s in activity.subjects)
        assert activity.categories and all(c in taxonomy.categories for c in activity.categories)
        assert activity.systems and all(policy.system(s) for s in activity.systems), where
        # "No recipients" is stated, not left out: the key is written even when empty.
        assert "recipients" in raw, where
        assert all(policy.recipient(r) for r in activity.recipients), where
        assert activity.retention in policy.retention, where
        if any(taxonomy.is_special(c) for c in activity.categories):
            assert activity.special_category_condition and activity.schedule1_condition, where
        if any(taxonomy.is_criminal(c) for c in activity.categories):
            assert activity.criminal_offence_condition, where


def test_s_01_activities_and_systems_agree_on_categories(name: str) -> None:
    """What an activity says it uses is held in its systems; every personal field a system
    holds is used by an activity of that system (no undeclared processing)."""
    policy = load_policy(policy_path(name)).policy
    taxonomy = taxonomy_for(policy)
    for activity in policy.activities:
        held = set().union(*(_field_categories(policy, s) for s in activity.systems))
        for category in activity.categories:
            assert any(taxonomy.categories.overlaps(category, h) for h in held), (
                f"{name}: {activity.name} says it uses {category}, which none of "
                f"{activity.systems} holds"
            )
    for system in policy.systems:
        used = {c for a in policy.activities_for_system(system.name) for c in a.categories}
        for category in _field_categories(policy, system.name):
            if category.startswith("system."):
                continue
            assert any(taxonomy.categories.overlaps(category, u) for u in used), (
                f"{name}: {system.name} holds {category} but no activity of it says so"
            )


def test_s_01_transfers_are_derived_from_recipients_and_system_locations(name: str) -> None:
    policy = load_policy(policy_path(name)).policy
    transfers = list_transfers(policy)
    abroad = {r.name for r in policy.recipients if r.country != "GB"}
    assert {t.recipient for t in transfers if t.recipient} == abroad
    for transfer in transfers:
        assert transfer.safeguard is not None and transfer.problem is None, transfer
    for activity in policy.activities:
        outside = [r for r in activity.recipients if r in abroad]
        for system_name in activity.systems:
            system = policy.system(system_name)
            assert system is not None
            if (system.location or "GB") != "GB":
                # Data held abroad is held by a listed recipient with a safeguard.
                assert system.processor in abroad, f"{name}: {system_name}"
                assert system.processor in outside, f"{name}: {activity.name}"


def test_s_01_notice_and_ropa_are_read_from_the_map(name: str) -> None:
    loaded = load_policy(policy_path(name))
    policy = loaded.policy
    notice = build_notice(loaded)
    assert [p.activity for p in notice.purposes] == [a.name for a in policy.activities]
    assert [p.purpose_key for p in notice.purposes] == [a.purpose for a in policy.activities]
    for purpose, activity in zip(notice.purposes, policy.activities, strict=True):
        assert purpose.recipients == activity.recipients
        assert [c.key for c in purpose.categories] == activity.categories
    ropa = build_ropa(loaded, on=date(2026, 3, 2))
    assert [row["Processing activity"] for row in ropa.rows] == [a.name for a in policy.activities]
    assert {r.name for r in ropa.recipients} == {r.name for r in policy.recipients}


def test_s_01_changing_the_map_changes_notice_ropa_and_check(name: str, tmp_path: Path) -> None:
    original = policy_path(name).read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    first = data["activities"][0]
    first["name"] = "Renamed activity"
    first["purpose_text"] = "a purpose written only in this test"
    changed = tmp_path / "dataward.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    loaded = load_policy(changed)
    notice = build_notice(loaded)
    assert notice.purposes[0].activity == "Renamed activity"
    assert notice.purposes[0].purpose_text.lower().startswith("a purpose written only")
    ropa = build_ropa(loaded, on=date(2026, 3, 2))
    assert ropa.rows[0]["Processing activity"] == "Renamed activity"
    # A map that names a system it does not declare is refused by the check.
    first["systems"] = [*first["systems"], "spreadsheet-on-a-laptop"]
    changed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    errors = check_policy(changed).errors
    assert any("spreadsheet-on-a-laptop" in str(problem) for problem in errors)


def test_s_01_generated_systems_hold_data_for_every_activity(name: str, tmp_path: Path) -> None:
    example = build_example(name, tmp_path, people=25)
    policy = example.policy
    filled = {
        system.name: {c: len(rows) for c, rows in snapshot(system, example.environment).items()}
        for system in policy.systems
    }
    for activity in policy.activities:
        for system_name in activity.systems:
            assert sum(filled[system_name].values()) > 0, f"{name}: {activity.name}"
    for system_name, collections in filled.items():
        assert all(count > 0 for count in collections.values()), (system_name, collections)
