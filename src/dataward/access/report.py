"""Who connected to which device and when (msp-04): rows for a client or device and a period,
written as CSV, PDF (with WeasyPrint) or JSON. The same rows feed the command, the console
page and the API."""

from __future__ import annotations

import csv
import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dataward.access import service
from dataward.core.clock import LONDON
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import write_private

COLUMNS = (
    "started_at",
    "ended_at",
    "client",
    "device",
    "kind",
    "engineer",
    "username",
    "ip_address",
    "hostname",
    "attended",
    "warning_shown",
    "reason",
    "incident",
    "role",
    "findings",
)
# Read and unsealed this many events at a time: a year of a busy client stays in bounded memory.
CHUNK = 5000


@dataclass(frozen=True)
class Period:
    """Days in London, the last one included: what a client means by 'from … to …'."""

    start_on: date
    end_on: date

    def __post_init__(self) -> None:
        if self.end_on < self.start_on:
            raise UsageError(
                f"the period ends ({self.end_on}) before it starts ({self.start_on})",
                fix="give --from before --to",
            )

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start_on, time(0), tzinfo=LONDON)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end_on + timedelta(days=1), time(0), tzinfo=LONDON)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def report_rows(
    *,
    session: Session,
    keyring: Keyring,
    period: Period,
    client: str | None,
    device: str | None,
) -> Iterator[dict[str, Any]]:
    keyring.attach(session)
    chunk: list[Any] = []
    events = service.events_between(
        session=session, start=period.start_at, end=period.end_at, client=client, device=device
    )
    for row in events:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _shaped(session, keyring, chunk)
            chunk = []
    yield from _shaped(session, keyring, chunk)


def _shaped(session: Session, keyring: Keyring, rows: list[Any]) -> Iterator[dict[str, Any]]:
    findings = service.findings_for(session, rows)
    for row in rows:
        named = service.unsealed(keyring, row)
        yield {
            "started_at": row.started_at,
            "ended_at": row.ended_at,
            "client": row.client,
            "device": row.device,
            "kind": row.kind,
            "engineer": named.get("engineer"),
            "username": named.get("username"),
            "ip_address": named.get("ip_address"),
            "hostname": named.get("hostname"),
            "attended": row.attended,
            "warning_shown": row.warning_shown,
            "reason": row.reason,
            "incident": row.incident,
            "role": row.role,
            "findings": findings.get(row.id, []),
        }


def write_csv(rows: Iterator[dict[str, Any]], out: Path) -> int:
    count = 0
    write_private(out, b"")  # private from the start: the report names engineers and users
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for row in rows:
            values = {**row, "findings": "; ".join(row["findings"])}
            writer.writerow([cell_text(values[c]) for c in COLUMNS])
            count += 1
    return count


def pdf_available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def write_pdf(rows: Iterator[dict[str, Any]], out: Path, *, title: str) -> int:
    if not pdf_available():
        raise UsageError(
            "PDF reports need WeasyPrint, which is not installed",
            fix="install the `pdf` extra (pip install 'dataward[pdf]') and Debian's pango "
            "(apt install libpango-1.0-0 libpangoft2-1.0-0), or write --out report.csv",
        )
    body: list[str] = []
    count = 0
    for row in rows:
        values = {**row, "findings": "; ".join(row["findings"])}
        body.append("<tr>" + "".join(f"<td>{escape(cell_text(values[c]))}</td>" for c in COLUMNS))
        count += 1
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in COLUMNS)
    html = (
        f"<html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
        f"<h1>{escape(title)}</h1><table><tr>{head}</tr>{''.join(body)}</table></body></html>"
    )
    weasyprint = importlib.import_module("weasyprint")
    write_private(out, weasyprint.HTML(string=html).write_pdf())
    return count


def write_report(rows: Iterator[dict[str, Any]], out: Path, *, title: str) -> int:
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return write_csv(rows, out)
    if suffix == ".pdf":
        return write_pdf(rows, out, title=title)
    raise UsageError(
        f"cannot write a report as {suffix or 'a file without an extension'}",
        fix="end --out with .csv or .pdf",
    )
