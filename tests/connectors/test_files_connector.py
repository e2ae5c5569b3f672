"""The files kind: a folder of call recordings with a SQLite or a CSV index."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from dataward.connectors.base import Connector, ErasurePlan, ExpiryQuery, FieldErasure
from dataward.connectors.registry import connect
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Condition, System

RECORDINGS = [
    {
        "id": "1",
        "caller_number": "+447700900001",
        "recorded_on": "2025-10-01",
        "direction": "in",
        "audio_file": "2025/10/call-1.wav",
        "agent_notes": "angry",
    },
    {
        "id": "2",
        "caller_number": "+447700900002",
        "recorded_on": "2025-11-20",
        "direction": "out",
        "audio_file": "2025/11/call-2.wav",
        "agent_notes": "",
    },
    {
        "id": "3",
        "caller_number": "+447700900001",
        "recorded_on": "2026-02-20",
        "direction": "in",
        "audio_file": "2026/02/call-3.wav",
        "agent_notes": "",
    },
    {
        "id": "4",
        "caller_number": "+447700900003",
        "recorded_on": "",
        "direction": "in",
        "audio_file": "",
        "agent_notes": "",
    },
]


def recordings_system(index: str, **connection: Any) -> System:
    return System.model_validate(
        {
            "name": "calls",
            "connector": "files",
            "connection": {"path": "recordings", "index": index, **connection},
            "dataset": {
                "collections": [
                    {
                        "name": "recordings",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "caller_number",
                                "identity": "phone_number",
                                "categories": ["user.contact.phone_number"],
                            },
                            {"name": "recorded_on"},
                            {"name": "direction"},
                            {
                                "name": "audio_file",
                                "file": True,
                                "categories": ["user.content.call_recording"],
                            },
                        ],
                    }
                ]
            },
        }
    )


@dataclass
class Folder:
    root: Path  # the policy's folder
    folder: Path  # the recordings folder
    index: str

    def connector(self) -> Connector:
        return connect(recordings_system(self.index), base_dir=self.root, environ={})

    def index_rows(self) -> list[dict[str, Any]]:
        if self.index == "index.csv":
            with (self.folder / self.index).open(newline="", encoding="utf-8") as handle:
                return list(csv.DictReader(handle))
        engine = create_engine(f"sqlite:///{self.folder / self.index}")
        with engine.connect() as connection:
            rows = [dict(r) for r in connection.execute(select(RECORDINGS_TABLE)).mappings()]
        engine.dispose()
        return rows

    def ids(self) -> list[str]:
        return sorted(str(r["id"]) for r in self.index_rows())


INDEX = MetaData()
RECORDINGS_TABLE = Table(
    "recordings",
    INDEX,
    Column("id", Integer, primary_key=True),
    Column("caller_number", String),
    Column("recorded_on", String),
    Column("direction", String),
    Column("audio_file", String),
    Column("agent_notes", String),  # not declared: never read
)


def make_folder(root: Path, index: str) -> Folder:
    folder = root / "recordings"
    for row in RECORDINGS:
        if row["audio_file"]:
            path = folder / row["audio_file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"RIFF" + row["id"].encode())
    if index == "index.csv":
        with (folder / index).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(RECORDINGS[0]))
            writer.writeheader()
            writer.writerows(RECORDINGS)
    else:
        engine = create_engine(f"sqlite:///{folder / index}")
        INDEX.create_all(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(RECORDINGS_TABLE),
                [
                    {
                        **r,
                        "id": int(r["id"]),
                        "recorded_on": r["recorded_on"] or None,
                        "audio_file": r["audio_file"] or None,
                    }
                    for r in RECORDINGS
                ],
            )
        engine.dispose()
    return Folder(root, folder, index)


@pytest.fixture(params=["index.sqlite", "index.csv"])
def recordings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Folder]:
    yield make_folder(tmp_path, request.param)


def test_fetch_finds_rows_and_their_files(recordings: Folder) -> None:
    connector = recordings.connector()
    rows = connector.fetch("recordings", {"caller_number": ["+447700900001"]})
    assert sorted(str(r["id"]) for r in rows) == ["1", "3"]
    assert all("agent_notes" not in r for r in rows)
    files = connector.files("recordings", rows)
    assert sorted(p.name for p in files) == ["call-1.wav", "call-3.wav"]
    assert all(p.is_relative_to(recordings.folder) for p in files)


def test_delete_removes_the_files_and_their_index_rows(recordings: Folder) -> None:
    connector = recordings.connector()
    assert connector.delete("recordings", [("1",), ("4",), ("99",)]) == 2
    assert recordings.ids() == ["2", "3"]
    assert not (recordings.folder / "2025/10/call-1.wav").exists()
    assert (recordings.folder / "2025/11/call-2.wav").exists()


def test_a_deletion_that_fails_midway_is_finished_by_a_rerun(recordings: Folder) -> None:
    connector = recordings.connector()
    # A directory where call 3's file should be: unlinking it fails after call 1's is gone.
    blocked = recordings.folder / "2026/02/call-3.wav"
    blocked.unlink()
    blocked.mkdir()
    with pytest.raises(ConnectorError, match="cannot delete"):
        connector.delete("recordings", [("1",), ("3",)])
    assert not (recordings.folder / "2025/10/call-1.wav").exists()
    assert recordings.ids() == ["1", "2", "3", "4"]  # the index still lists both: nothing lost
    blocked.rmdir()
    assert connector.delete("recordings", [("1",), ("3",)]) == 2  # a file already gone is fine
    assert recordings.ids() == ["2", "4"]


def test_erasing_the_file_field_deletes_the_file(recordings: Folder) -> None:
    connector = recordings.connector()
    plan = ErasurePlan(
        delete_rows=False,
        fields=(FieldErasure("audio_file", "null"), FieldErasure("caller_number", "mask", "x")),
    )
    assert connector.erase("recordings", [("2",)], plan) == 1
    assert not (recordings.folder / "2025/11/call-2.wav").exists()
    row = next(r for r in recordings.index_rows() if str(r["id"]) == "2")
    assert row["audio_file"] in (None, "")
    assert row["caller_number"] == "x"
    assert row["direction"] == "out"


def test_rectify_changes_index_fields_but_not_file_paths(recordings: Folder) -> None:
    connector = recordings.connector()
    assert connector.rectify("recordings", [("3",)], {"direction": "out"}) == 1
    assert next(r for r in recordings.index_rows() if str(r["id"]) == "3")["direction"] == "out"
    with pytest.raises(ConnectorError, match="holds a file path"):
        connector.rectify("recordings", [("3",)], {"audio_file": "elsewhere.wav"})


def test_expired_reads_the_index_in_key_order_batches(recordings: Folder) -> None:
    connector = recordings.connector()
    query = ExpiryQuery(
        collection="recordings",
        cutoff=date(2025, 12, 2),
        date_field="recorded_on",
        conditions=(Condition(field="direction", op="=", value="in"),),
    )
    assert [k for batch in connector.expired(query) for k in batch] == [
        (1,) if recordings.index == "index.sqlite" else ("1",)
    ]
    everything = ExpiryQuery(
        collection="recordings", cutoff=date(2030, 1, 1), date_field="recorded_on"
    )
    batches = list(connector.expired(everything, batch_size=2))
    assert [len(b) for b in batches] == [2, 1]  # call 4 has no date: it never expires


@pytest.mark.parametrize(
    "path", ["../outside.txt", "/etc/hostname", "2025/../../outside.txt", "link/outside.txt"]
)
def test_index_paths_leaving_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    recordings = make_folder(tmp_path, "index.csv")
    outside = tmp_path / "outside.txt"
    outside.write_text("not a recording")
    (recordings.folder / "link").symlink_to(tmp_path)
    rows = recordings.index_rows()
    rows[0]["audio_file"] = path
    with (recordings.folder / "index.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    connector = recordings.connector()
    row = connector.fetch("recordings", {"caller_number": ["+447700900001"]})
    with pytest.raises(ConnectorError, match="leaves the folder"):
        connector.files("recordings", row)
    with pytest.raises(ConnectorError, match="leaves the folder"):
        connector.delete("recordings", [("1",)])
    assert outside.exists()
    assert "1" in recordings.ids()


def test_csv_rewrites_keep_undeclared_columns(tmp_path: Path) -> None:
    recordings = make_folder(tmp_path, "index.csv")
    connector = recordings.connector()
    connector.delete("recordings", [("2",)])
    rows = {r["id"]: r for r in recordings.index_rows()}
    assert rows["1"]["agent_notes"] == "angry"
    assert not list(recordings.folder.glob(".index-*"))  # no temporary file left behind


def test_test_names_a_missing_folder_and_missing_columns(tmp_path: Path) -> None:
    missing = connect(recordings_system("index.sqlite"), base_dir=tmp_path, environ={})
    with pytest.raises(ConnectorError, match=r"folder .* does not exist"):
        missing.test()
    recordings = make_folder(tmp_path, "index.sqlite")
    recordings.connector().test()
    system = recordings_system("index.sqlite")
    assert system.dataset is not None
    system.dataset.collections[0].fields[3].name = "call_direction"
    with pytest.raises(ConnectorError, match="no column call_direction"):
        connect(system, base_dir=tmp_path, environ={}).test()


def test_the_folder_can_come_from_an_environment_variable(tmp_path: Path) -> None:
    recordings = make_folder(tmp_path, "index.sqlite")
    system = System.model_validate(
        {
            **recordings_system("index.sqlite").model_dump(),
            "connection": {"path_env": "CALLS_DIR"},
        }
    )
    connector = connect(system, base_dir=Path("/"), environ={"CALLS_DIR": str(recordings.folder)})
    assert len(connector.fetch("recordings", {"caller_number": ["+447700900002"]})) == 1
    with pytest.raises(ConnectorError, match="CALLS_DIR is not set"):
        connect(system, base_dir=Path("/"), environ={})


def test_a_csv_index_holds_one_collection(tmp_path: Path) -> None:
    system = recordings_system("index.csv")
    assert system.dataset is not None
    extra = system.dataset.collections[0].model_copy(update={"name": "voicemail"})
    system.dataset.collections.append(extra)
    with pytest.raises(ConnectorError, match="one collection"):
        connect(system, base_dir=tmp_path, environ={})


def test_expiry_counts_match_what_expired_finds(recordings: Folder) -> None:
    connector = recordings.connector()
    query = ExpiryQuery(collection="recordings", cutoff=date(2026, 1, 1), date_field="recorded_on")
    cutoffs = [date(2025, 10, 1), date(2025, 10, 2), date(2026, 3, 1)]
    assert connector.count_expiring(query, cutoffs) == [0, 1, 3]


def test_a_csv_index_leaves_rows_with_an_empty_compared_cell_undecided(tmp_path: Path) -> None:
    # An empty CSV cell is a null: `direction != 'out'` is unknown there, as SQL reads it.
    recordings = make_folder(tmp_path, "index.csv")
    index = recordings.folder / "index.csv"
    rows = recordings.index_rows()
    rows[0]["direction"] = ""
    with index.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    connector = recordings.connector()
    query = ExpiryQuery(
        collection="recordings",
        cutoff=date(2030, 1, 1),
        date_field="recorded_on",
        conditions=(Condition(field="direction", op="!=", value="out"),),
    )
    assert [k for batch in connector.expired(query) for k in batch] == [("3",)]
    undecided = connector.undecided(query)
    assert (undecided.rows, undecided.fields) == (1, {"direction": 1})
