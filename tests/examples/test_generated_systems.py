"""Each generator builds exactly the systems its policy declares, and fills them usefully."""

from __future__ import annotations

import wave
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from sqlalchemy import inspect

from dataward.core.crypto import normalise_email
from dataward.examples import EXAMPLES, REFERENCE_DATE, known_people
from dataward.examples.contents import (
    GeneratedExample,
    identity_holdings,
    snapshot,
    system_engine,
    system_folder,
)
from dataward.examples.systems import ENV_FILE, read_env_file
from dataward.policy.schema import Collection, Condition, Policy
from dataward.retention.periods import expiry_cutoff

pytestmark = pytest.mark.parametrize("name", EXAMPLES)

Build = Callable[..., GeneratedExample]


def _environment_names(policy: Policy) -> set[str]:
    names = set()
    for system in policy.systems:
        names.update(str(v) for k, v in system.connection.items() if k.endswith("_env"))
    return names


def test_generator_returns_and_writes_exactly_the_environment_the_policy_names(
    name: str, generated: Build
) -> None:
    example = generated(name)
    assert set(example.environment) == _environment_names(example.policy)
    assert read_env_file(example.out / ENV_FILE) == example.environment


def test_generator_builds_exactly_the_declared_collections_fields_and_keys(
    name: str, generated: Build
) -> None:
    example = generated(name)
    for system in example.policy.systems:
        assert system.dataset is not None
        with system_engine(system, example.environment) as engine:
            inspector = inspect(engine)
            declared = {c.name for c in system.dataset.collections}
            assert set(inspector.get_table_names()) == declared, system.name
            for collection in system.dataset.collections:
                where = f"{system.name}.{collection.name}"
                columns = {c["name"] for c in inspector.get_columns(collection.name)}
                assert columns == {f.name for f in collection.fields}, where
                primary = inspector.get_pk_constraint(collection.name)["constrained_columns"]
                assert primary == collection.primary_key, where
                assert _foreign_keys(inspector, collection.name) == _references(collection), where


def _foreign_keys(inspector: Any, table: str) -> set[tuple[str, str]]:
    keys = set()
    for key in inspector.get_foreign_keys(table):
        (local,), (remote,) = key["constrained_columns"], key["referred_columns"]
        keys.add((local, f"{key['referred_table']}.{remote}"))
    return keys


def _references(collection: Collection) -> set[tuple[str, str]]:
    """References within the system (`collection.field`): those are real foreign keys."""
    return {(f.name, r.to) for f in collection.fields for r in f.references if r.to.count(".") == 1}


def test_references_between_systems_point_at_existing_values(name: str, generated: Build) -> None:
    """A `system.collection.field` reference cannot be a foreign key; the data still honours it."""
    example = generated(name)
    contents = {s.name: snapshot(s, example.environment) for s in example.policy.systems}
    for system in example.policy.systems:
        assert system.dataset is not None
        for collection in system.dataset.collections:
            for field in collection.fields:
                for reference in field.references:
                    if reference.to.count(".") != 2:
                        continue
                    target_system, target_collection, target_field = reference.to.split(".")
                    known = {
                        row[target_field] for row in contents[target_system][target_collection]
                    }
                    values = {row[field.name] for row in contents[system.name][collection.name]}
                    values.discard(None)
                    assert values, f"{system.name}.{collection.name}.{field.name} is never set"
                    assert values <= known, f"{system.name}.{collection.name}.{field.name}"


def test_identity_and_trigger_date_fields_are_indexed(name: str, generated: Build) -> None:
    example = generated(name)
    for system in example.policy.systems:
        assert system.dataset is not None
        with system_engine(system, example.environment) as engine:
            inspector = inspect(engine)
            for collection in system.dataset.collections:
                indexed = {tuple(i["column_names"]) for i in inspector.get_indexes(collection.name)}
                indexed |= {
                    tuple(u["column_names"])
                    for u in inspector.get_unique_constraints(collection.name)
                }
                indexed.add(tuple(collection.primary_key))
                wanted = {f.name for f in collection.fields if f.identity}
                trigger = _trigger_field(example.policy, collection)
                if trigger and "." not in trigger:
                    wanted.add(trigger)
                for field in wanted:
                    assert (field,) in indexed, f"{system.name}.{collection.name}.{field}"


def _trigger_field(policy: Policy, collection: Collection) -> str | None:
    if collection.retention is None:
        return None
    after = collection.retention_after or policy.retention[collection.retention].after
    owner, _, field = after.rpartition(".")
    return field if owner in ("", collection.name) else after


def test_every_identity_value_is_stored_normalised(name: str, generated: Build) -> None:
    example = generated(name)
    checked = 0
    for system in example.policy.systems:
        assert system.dataset is not None
        contents = snapshot(system, example.environment)
        for collection in system.dataset.collections:
            for field in collection.fields:
                for row in contents[collection.name]:
                    value = row[field.name]
                    if value is None or field.identity not in ("email", "phone_number"):
                        continue
                    if field.identity == "email":
                        assert normalise_email(value) == value
                    else:
                        number = phonenumbers.parse(value)
                        assert phonenumbers.is_valid_number(number), value
                        assert (
                            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                            == value
                        )
                    checked += 1
    assert checked > 100


def test_files_on_disk_and_index_rows_match_one_to_one(name: str, generated: Build) -> None:
    example = generated(name)
    folders = [s for s in example.policy.systems if s.connector == "files"]
    if not folders:
        pytest.skip(f"{name} has no folder of files")
    for system in folders:
        assert system.dataset is not None
        root = system_folder(system, example.environment)
        assert root is not None
        index = str(system.connection["index"])
        on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        on_disk.discard(index)
        listed: list[str] = []
        contents = snapshot(system, example.environment)
        for collection in system.dataset.collections:
            (file_field,) = [f.name for f in collection.fields if f.file]
            listed.extend(row[file_field] for row in contents[collection.name])
        assert sorted(listed) == sorted(on_disk)
        for relative in listed[:20]:
            _assert_real_media(root / relative)


def _assert_real_media(path: Path) -> None:
    if path.suffix == ".wav":
        with wave.open(str(path)) as audio:
            assert audio.getnframes() > 0
            assert audio.getframerate() == 8000
    else:
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    name: str, tmp_path: Path, generated: Build
) -> None:
    from dataward.examples import generate_example

    first = generated(name, people=30)
    again = generate_example(name, tmp_path / "again", people=30, seed=7)
    other = generate_example(name, tmp_path / "other", people=30, seed=8)
    for system in first.policy.systems:
        original = snapshot(system, first.environment)
        assert snapshot(system, again) == original, system.name
        assert snapshot(system, other) != original, system.name
        root = system_folder(system, first.environment)
        if root is not None:
            copy = system_folder(system, again)
            assert copy is not None
            for path in root.rglob("*.*"):
                if path.name != system.connection["index"]:
                    assert (copy / path.relative_to(root)).read_bytes() == path.read_bytes()


def test_known_people_between_them_are_in_every_system_that_can_identify_anyone(
    name: str, generated: Build
) -> None:
    example = generated(name)
    people = known_people(name)
    assert "priya" in people
    assert len({p.email for p in people.values()}) == len(people)
    covered: set[str] = set()
    for key, person in people.items():
        assert person.key == key
        found = {
            system.name
            for system in example.policy.systems
            if identity_holdings(system, example.environment, person.identity_values())
        }
        assert found, f"{key} is in no system"
        covered |= found
    identifying = {
        s.name
        for s in example.policy.systems
        if s.dataset and any(f.identity for c in s.dataset.collections for f in c.fields)
    }
    assert covered == identifying


def _holds(row: dict[str, Any], conditions: list[Condition]) -> bool:
    for condition in conditions:
        value = row[condition.field]
        if condition.op == "is null":
            ok = value is None
        elif condition.op == "is not null":
            ok = value is not None
        elif condition.op == "=":
            ok = value == condition.value
        elif condition.op == "!=":
            ok = value != condition.value
        else:
            raise AssertionError(f"the examples use no {condition.op!r} condition")
        if not ok:
            return False
    return True


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def test_every_retention_rule_finds_records_on_both_sides_of_its_boundary(
    name: str, generated: Build
) -> None:
    """At the tests' fixed date some records of every collection are due and some are not."""
    example = generated(name)
    policy = example.policy
    for system in policy.systems:
        assert system.dataset is not None
        contents = snapshot(system, example.environment)
        for collection in system.dataset.collections:
            if collection.retention is None:
                continue
            rule = policy.retention[collection.retention]
            boundary = expiry_cutoff(REFERENCE_DATE, rule.parsed_period)
            after = collection.retention_after or rule.after
            owner, _, field = after.rpartition(".")
            rows = contents[collection.name]
            if owner in ("", collection.name):
                sources = [(row, row) for row in rows]
            else:
                (link,) = [
                    (f.name, r.to.split(".")[1])
                    for f in collection.fields
                    for r in f.references
                    if r.to.split(".")[0] == owner
                ]
                parents = {parent[link[1]]: parent for parent in contents[owner]}
                sources = [(row, parents[row[link[0]]]) for row in rows if row[link[0]]]
            due = [
                row
                for row, source in sources
                if (day := _day(source[field])) is not None
                and day < boundary
                and _holds(source, rule.conditions)
            ]
            where = f"{system.name}.{collection.name} under {collection.retention}"
            assert due, f"nothing is due in {where}"
            assert len(due) < len(rows), f"everything is due in {where}"
