"""One preference record per person: the latest ledger event for each purpose and medium.

Every route that changes a preference (the collection form's checkboxes, the unsubscribe
link, the privacy centre, staff noting a call) writes ledger events through here, so they
all reach the same record; the record is never stored apart from the ledger.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from dataward.consent.ledger import (
    Contact,
    Entry,
    LedgerAction,
    Medium,
    Method,
    Wording,
    append,
    history,
    purpose_name,
)
from dataward.consent.models import ConsentEvent
from dataward.consent.recording import check_purpose
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import FileTooLarge, read_regular_file
from dataward.people import service as people
from dataward.people.models import Person
from dataward.policy.schema import Policy

OPTED_OUT = (LedgerAction.WITHDRAWN.value, LedgerAction.OBJECTED.value)
# A form file is read whole into one transaction (all rows land or none): keep it sane.
MAX_IMPORT_BYTES = 200 * 1024 * 1024
YES = {"yes", "y", "true", "1", "x", "ticked", "on"}
NO = {"no", "n", "false", "0", "", "unticked", "off"}
CHECKBOX_PREFIX = "opt_in_"


@dataclass(frozen=True)
class Preference:
    purpose: str
    medium: str
    state: str  # given, withdrawn, objected or sale
    since: datetime
    method: str
    wording_version: str


def latest(events: Sequence[ConsentEvent], medium: str) -> ConsentEvent | None:
    """The event deciding this medium now: the latest for it or for every medium."""
    for row in reversed(events):
        if row.medium == medium or row.medium == Medium.ALL.value:
            return row
    return None


def ever_opted_out(events: Sequence[ConsentEvent], medium: str) -> bool:
    return any(
        row.action in OPTED_OUT and row.medium in (medium, Medium.ALL.value) for row in events
    )


def record_of(events: Sequence[ConsentEvent]) -> list[Preference]:
    """The preference record these events make, by purpose then medium."""
    by_purpose: dict[str, list[ConsentEvent]] = {}
    for row in events:
        by_purpose.setdefault(row.purpose, []).append(row)
    record = []
    for purpose in sorted(by_purpose):
        rows = by_purpose[purpose]
        for medium in sorted({row.medium for row in rows}):
            deciding = latest(rows, medium)
            assert deciding is not None  # the medium came from these rows
            record.append(
                Preference(
                    purpose=purpose,
                    medium=medium,
                    state=deciding.action,
                    since=deciding.recorded_at,
                    method=deciding.method,
                    wording_version=deciding.wording_version,
                )
            )
    return record


def preferences(*, session: Session, pseudonym: str) -> list[Preference]:
    return record_of(history(session=session, pseudonym=pseudonym))


def set_choices(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    person: Person,
    identifier_hash: str | None,
    purpose: str,
    choices: Mapping[Medium, bool],
    wording: Wording,
    method: Method,
    source_digest: str | None = None,
) -> list[ConsentEvent]:
    """Ticked boxes give consent, unticked ones withdraw it; only changes are recorded.

    An unticked box withdraws only what was given (or the soft opt-in a sale gave): a form
    whose box was simply left empty says nothing new about someone who never opted in.
    """
    purpose = purpose_name(purpose)
    events = history(session=session, pseudonym=person.pseudonym, purposes=[purpose])
    written = []
    for medium, wanted in choices.items():
        now = latest(events, medium.value)
        state = now.action if now is not None else None
        if wanted and state == LedgerAction.GIVEN.value:
            continue
        if not wanted and state not in (LedgerAction.GIVEN.value, LedgerAction.SALE.value):
            continue
        action = LedgerAction.GIVEN if wanted else LedgerAction.WITHDRAWN
        row = append(
            session=session,
            keyring=keyring,
            clock=clock,
            actor=actor,
            person=person,
            identifier_hash=identifier_hash,
            entry=Entry(
                purpose=purpose,
                medium=medium,
                action=action,
                wording=wording,
                method=method,
                source_digest=source_digest,
            ),
        )
        events.append(row)
        written.append(row)
    return written


@dataclass(frozen=True)
class ImportReport:
    rows: int
    events: int
    file_digest: str


def _checkbox(value: str, *, line: int, column: str) -> bool:
    text = value.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise UsageError(
        f"line {line}: {column} is {value[:40]!r}, not a ticked or unticked box",
        fix="write yes or no (also accepted: x, true/false, 1/0, or empty for unticked)",
    )


def _form_rows(content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError("the form file is not UTF-8 text", fix="save it as CSV (UTF-8)") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = headers
    if "email" not in headers and "phone" not in headers:
        raise UsageError(
            "the form file has no email or phone column",
            fix="the first line names the columns: email, phone, name, opt_in_email, ...",
        )
    if not any(h.startswith(CHECKBOX_PREFIX) for h in headers):
        raise UsageError(
            "the form file has no checkbox column",
            fix="name one column per medium: opt_in_email, opt_in_sms, opt_in_phone, opt_in_post",
        )
    try:
        for row in reader:
            yield reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}
    except csv.Error as exc:
        raise UsageError(f"line {reader.line_num}: {exc}", fix="check the CSV quoting") from exc


def import_form(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    path: Path,
    purpose: str,
    wording: Wording,
    method: Method = Method.WEB_FORM,
    policy: Policy | None = None,
) -> ImportReport:
    """Each row of a collection form's export: the person and the boxes they ticked."""
    purpose = purpose_name(purpose)
    check_purpose(policy, purpose, Medium.ALL)
    try:
        content = read_regular_file(path, limit=MAX_IMPORT_BYTES)
    except FileTooLarge as exc:
        raise UsageError(f"{path.name} is {exc.strerror}", fix="split the export") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(content).hexdigest()
    rows = events = 0
    for line, row in _form_rows(content):
        rows += 1
        choices = {}
        for column, value in row.items():
            if not column.startswith(CHECKBOX_PREFIX):
                continue
            medium = column.removeprefix(CHECKBOX_PREFIX)
            if medium not in {m.value for m in Medium} or medium == Medium.ALL.value:
                raise UsageError(
                    f"the column {column!r} names no medium",
                    fix="use opt_in_email, opt_in_sms, opt_in_phone or opt_in_post",
                )
            choices[Medium(medium)] = _checkbox(value, line=line, column=column)
        email = row.get("email", "").strip() or None
        phone = row.get("phone", "").strip() or None
        if email is None and phone is None:
            raise UsageError(f"line {line}: no email or phone", fix="fill in one or the other")
        try:
            contact = Contact(email=email, phone=phone, name=row.get("name", "").strip() or None)
            person = people.register_person(
                session=session,
                keyring=keyring,
                clock=clock,
                email=contact.email,
                phone=contact.phone,
                name=contact.name,
            )
            identifier = keyring.identifier_hash(
                "email" if email else "phone", email or phone or ""
            )
        except UsageError as exc:
            raise UsageError(f"line {line}: {exc.message}", fix=exc.fix) from exc
        events += len(
            set_choices(
                session=session,
                keyring=keyring,
                clock=clock,
                actor=actor,
                person=person,
                identifier_hash=identifier,
                purpose=purpose,
                choices=choices,
                wording=wording,
                method=method,
                source_digest=digest,
            )
        )
    return ImportReport(rows=rows, events=events, file_digest=digest)
