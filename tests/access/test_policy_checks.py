"""`dataward check` on the access part of a data map: what a source or scan names must exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dataward.examples.catalogue import policy_path
from dataward.policy.service import check_policy


def _messages(tmp_path: Path, **changes: Any) -> list[str]:
    data = yaml.safe_load(policy_path("msp").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "dataward.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return [p.message for p in check_policy(path).problems if p.severity == "error"]


def test_the_example_access_sections_check_clean(tmp_path: Path) -> None:
    assert _messages(tmp_path) == []


def test_a_source_naming_what_does_not_exist_is_an_error(tmp_path: Path) -> None:
    messages = _messages(
        tmp_path,
        access_sources=[
            {"name": "a", "mapping": {"engineer_name": "Tech"}},
            {"name": "a"},
            {"name": "b", "system": "rmmm", "collection": "x", "cursor": "id"},
            {"name": "c", "system": "rmm", "collection": "remote_sessions"},
            {"name": "d", "system": "rmm", "collection": "remote_sessions", "cursor": "seq"},
            {"name": "e", "collection": "remote_sessions"},
        ],
        card_scan={"systems": ["tickets"], "fields": ["crm.contacts.notes"]},
    )
    assert messages == [
        "no register field 'engineer_name'",
        "access source 'a' is declared twice",
        "no system named 'rmmm'",
        "a source read from a table needs `collection:` and `cursor:`",
        "rmm.remote_sessions declares no field 'event_id'",
        "rmm.remote_sessions declares no field 'seq'",
        "only a source read from a system's table has a collection and a cursor",
        "no system named 'tickets'",
        "no declared field 'crm.contacts.notes'",
    ]
