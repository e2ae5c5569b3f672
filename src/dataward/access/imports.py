"""Events from a tool's exported session log (CSV or JSON lines), and from a polled table.

The policy's `access_sources:` entry maps the register's fields to the tool's columns. A log
is read a line at a time and committed a batch at a time, so memory stays bounded whatever its
size, and a run stopped half-way is simply run again: the event ids already recorded are
skipped, never doubled.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dataward.access import service
from dataward.access.schemas import AccessEventIn
from dataward.core.clock import LONDON
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.policy.schema import EVENT_FIELDS, AccessSource, Policy

BATCH = 500
MAX_LINE = 64 * 1024  # one log line; a longer one is not a session record
TRUE = {"true", "yes", "y", "1", "attended", "shown", "on"}
FALSE = {"false", "no", "n", "0", "unattended", "not shown", "off", ""}
BOOLEAN_FIELDS = ("attended", "warning_shown", "device_in_use")
MOMENT_FIELDS = ("started_at", "ended_at")


@dataclass
class ImportReport:
    lines: int = 0
    new: int = 0
    repeated: int = 0
    findings: int = 0
    rejected: list[str] = field(default_factory=list)  # "line N: why", the first few

    def as_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "new": self.new,
            "repeated": self.repeated,
            "findings": self.findings,
            "rejected": len(self.rejected),
            "first_rejections": self.rejected[:20],
        }


def declared_source(policy: Policy, name: str) -> AccessSource:
    source = next((s for s in policy.access_sources if s.name == name), None)
    if source is None:
        names = ", ".join(s.name for s in policy.access_sources) or "none declared"
        raise UsageError(
            f"no access source named {name!r} in the policy",
            fix=f"declare it under `access_sources:` (declared: {names})",
        )
    return source


def _boolean(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return None if text == "" else False
    raise ValueError(f"{name} is {str(value)[:40]!r}, not yes or no")


def _moment(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise ValueError(f"{name} is a day, not a moment")
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValueError(f"{name} is {str(value)[:40]!r}, not a date and time") from exc
    # A tool's log without a zone is in the office's time, which is London's.
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def mapped_event(record: Mapping[str, Any], source: AccessSource) -> AccessEventIn:
    """One record of the tool's, read through the source's mapping (ValueError if unreadable)."""
    values: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        column = source.mapping.get(name, name)
        value = record.get(column)
        if name in BOOLEAN_FIELDS:
            value = _boolean(value, name)
        elif name in MOMENT_FIELDS:
            value = _moment(value, name)
        elif value is not None:
            value = str(value).strip() or None
        if value is not None:
            values[name] = value
    try:
        return AccessEventIn.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the record"
        raise ValueError(f"{where}: {first['msg']}") from exc


def _records(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """(line number, record) or (line number, why it cannot be read), one at a time."""
    jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json")
    with path.open("r", encoding="utf-8", newline="") as stream:
        if jsonl:
            for number, line in enumerate(stream, start=1):
                if len(line) > MAX_LINE:
                    yield number, "the line is too long"
                elif line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        yield number, "not a JSON object"
                        continue
                    yield number, record if isinstance(record, dict) else "not a JSON object"
            return
        reader = csv.DictReader(_bounded_lines(stream))
        for record in reader:
            yield reader.line_num, record


def _bounded_lines(stream: io.TextIOBase) -> Iterator[str]:
    for line in stream:
        if len(line) > MAX_LINE:
            raise UsageError("the log has a line longer than 64 KB", fix="is it a CSV file?")
        yield line


def import_log(
    *, runtime: Runtime, policy: Policy, path: Path, source: AccessSource, actor: str
) -> ImportReport:
    report = ImportReport()
    keyring = Keyring.from_settings(runtime.settings)
    batch: list[AccessEventIn] = []
    try:
        for number, record in _records(path):
            report.lines += 1
            if isinstance(record, str):
                report.rejected.append(f"line {number}: {record}")
                continue
            try:
                batch.append(mapped_event(record, source))
            except ValueError as exc:
                report.rejected.append(f"line {number}: {exc}")
            if len(batch) >= BATCH:
                _commit(runtime, keyring, policy, source, batch, actor, report)
                batch = []
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text", fix="export the log as UTF-8") from exc
    except csv.Error as exc:
        raise UsageError(f"{path} cannot be read as CSV: {exc}") from exc
    if batch:
        _commit(runtime, keyring, policy, source, batch, actor, report)
    return report


def _commit(
    runtime: Runtime,
    keyring: Keyring,
    policy: Policy,
    source: AccessSource,
    batch: list[AccessEventIn],
    actor: str,
    report: ImportReport,
) -> list[service.Ingested]:
    with runtime.transaction() as session:
        done = service.ingest(
            session=session,
            clock=runtime.clock,
            keyring=keyring,
            policy=policy,
            source=source.name,
            events=batch,
            actor=actor,
        )
    for item in done:
        if item.repeated:
            report.repeated += 1
        else:
            report.new += 1
            report.findings += len(item.findings)
    return done
