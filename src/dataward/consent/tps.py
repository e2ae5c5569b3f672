"""TPS and CTPS: the licensed files of numbers that must not get unsolicited sales calls.

PECR reg 21: a live sales call may go to a number only when it is on neither list, nor on the
business's own do-not-call list, unless the subscriber told this caller they do not object. A
number newly listed is protected 28 days later, so a screening is good for 28 days from the
file's date (`call_on - as_of <= 28 days`); past that the file is stale and screening refuses.

Files are loaded by tps_loading.py; this module reads the list that is in force.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.consent import service as suppression
from dataward.consent.models import TpsFile, TpsNumber
from dataward.core import bulk_lookup
from dataward.core.clock import Clock, london_date
from dataward.core.crypto import Keyring, normalise_phone
from dataward.core.errors import UsageError

LISTS = ("tps", "ctps")
SCREENING_VALID_DAYS = 28

IN_FORCE = "dataward.consent.tps.in_force"  # session.info key of in_force()'s answers
REASONS = ("tps-listed", "ctps-listed", "stale-screening", "not-screened", "do-not-call")


@dataclass(frozen=True)
class CallVerdict:
    """May this number be called for sales on that day, and if not, every reason why."""

    allowed: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ListStatus:
    list_name: str
    as_of: date | None
    row_count: int
    age_days: int | None
    stale: bool

    def as_json(self) -> dict[str, object]:
        return {
            "list": self.list_name,
            "imported": self.as_of is not None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "rows": self.row_count,
            "age_days": self.age_days,
            "stale": self.stale,
        }


def number_key(number: str) -> int:
    """The stored form of a number: its E.164 digits as an integer (+447700900123 -> 447...)."""
    return int(normalise_phone(number)[1:])


def check_list(list_name: str) -> str:
    name = list_name.strip().lower()
    if name not in LISTS:
        raise UsageError(
            f"{list_name!r} is not a list Dataward screens against", fix="use tps or ctps"
        )
    return name


def is_stale(as_of: date, on: date) -> bool:
    return (on - as_of) > timedelta(days=SCREENING_VALID_DAYS)


# --- screening -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InForce:
    """A list's current file, as a screening needs it."""

    id: int
    as_of: date


def current_file(*, session: Session, list_name: str) -> TpsFile | None:
    return session.scalar(
        select(TpsFile)
        .where(TpsFile.list_name == list_name, TpsFile.state == "current")
        .order_by(TpsFile.id.desc())
        .limit(1)
    )


def in_force(session: Session, list_name: str) -> InForce | None:
    """The list's current file, read once per transaction: a screen of a whole list asks for
    it per number, and a switch to a newer file commits in a transaction of its own."""
    transaction = session.get_transaction()
    held = session.info.get(IN_FORCE)
    if held is None or held[0] is not transaction:
        held = session.info[IN_FORCE] = (transaction, {})
    cache: dict[str, InForce | None] = held[1]
    if list_name not in cache:
        file = current_file(session=session, list_name=list_name)
        cache[list_name] = None if file is None else InForce(file.id, file.as_of)
    return cache[list_name]


def call_screening(
    *,
    session: Session,
    keyring: Keyring,
    number: str,
    call_on: date,
    told_no_objection: bool = False,
) -> CallVerdict:
    """Whether a live sales call to `number` on `call_on` is allowed (PECR reg 21).

    `told_no_objection` is the consent ledger's answer to "did this subscriber tell this caller
    they do not object to its calls": it lifts TPS/CTPS (and so their screening), never the
    business's own do-not-call list, which takes effect at once. The keyring reads that list
    (the suppression list's phone entries, kept as keyed hashes).
    """
    key = number_key(number)
    reasons: list[str] = []
    if suppression.is_suppressed(session=session, keyring=keyring, phone=number):
        reasons.append("do-not-call")
    if not told_no_objection:
        for list_name in LISTS:
            reasons.extend(_list_reasons(session=session, list_name=list_name, key=key, on=call_on))
    ordered = tuple(reason for reason in REASONS if reason in reasons)
    return CallVerdict(allowed=not ordered, reasons=ordered)


def _list_reasons(*, session: Session, list_name: str, key: int, on: date) -> list[str]:
    file = in_force(session, list_name)
    if file is None:
        return ["not-screened"]
    reasons = ["stale-screening"] if is_stale(file.as_of, on) else []
    listed = session.scalar(
        select(TpsNumber.number).where(TpsNumber.file_id == file.id, TpsNumber.number == key)
    )
    if listed is not None:
        reasons.append(f"{list_name}-listed")
    return reasons


def listed_numbers(*, session: Session, list_name: str, keys: Iterable[int]) -> set[int]:
    """Which of these stored-form numbers the current file of the list holds (for screens of
    whole lists: one query per thousand numbers, sent to the driver as it is, instead of one
    per number)."""
    file = in_force(session, list_name)
    if file is None:
        return set()
    return bulk_lookup.present(
        session,
        table=TpsNumber.__tablename__,
        key="number",
        values=keys,
        equal=[("file_id", file.id)],
    )


def screen_calls(
    *,
    session: Session,
    keyring: Keyring,
    numbers: Sequence[str],
    call_on: date,
    told_no_objection: Collection[str] = (),
) -> list[CallVerdict]:
    """call_screening for a whole call list at once (a query per thousand numbers, not five
    per number); `told_no_objection` holds the numbers whose subscriber told this caller they
    do not object. A number that is not one raises UsageError, as call_screening does."""
    keys = [number_key(n) for n in numbers]
    hashes = [keyring.attached(session).identifier_hash("phone", n) for n in numbers]
    barred = suppression.suppressed_hashes(session=session, kind="phone", hashes=hashes)
    return screen_keys(
        session=session,
        keys=keys,
        barred=[h in barred for h in hashes],
        call_on=call_on,
        told_no_objection={number_key(n) for n in told_no_objection},
    )


def screen_keys(
    *,
    session: Session,
    keys: Sequence[int],
    barred: Sequence[bool],
    call_on: date,
    told_no_objection: Collection[int] = (),
) -> list[CallVerdict]:
    """screen_calls for numbers already in stored form (number_key), each with whether the
    do-not-call list holds it: a screen that has normalised and looked them up already."""
    files = {name: in_force(session, name) for name in LISTS}
    listed = {name: listed_numbers(session=session, list_name=name, keys=keys) for name in LISTS}
    verdicts: list[CallVerdict] = []
    # What every number not told-no-objection gets from the files themselves (missing, stale).
    from_files = {"not-screened" for file in files.values() if file is None}
    if any(file is not None and is_stale(file.as_of, call_on) for file in files.values()):
        from_files.add("stale-screening")
    for key, on_do_not_call in zip(keys, barred, strict=True):
        reasons = {"do-not-call"} if on_do_not_call else set()
        if key not in told_no_objection:
            reasons |= from_files
            reasons.update(f"{name}-listed" for name in LISTS if key in listed[name])
        ordered = tuple(reason for reason in REASONS if reason in reasons)
        verdicts.append(CallVerdict(allowed=not ordered, reasons=ordered))
    return verdicts


def status(*, session: Session, clock: Clock) -> list[ListStatus]:
    """Each list's current file: its date, size, age in days, and whether it is stale."""
    today = london_date(clock.now())
    statuses: list[ListStatus] = []
    for list_name in LISTS:
        file = current_file(session=session, list_name=list_name)
        if file is None:
            statuses.append(ListStatus(list_name, None, 0, None, True))
            continue
        age = (today - file.as_of).days
        statuses.append(
            ListStatus(list_name, file.as_of, file.row_count, age, is_stale(file.as_of, today))
        )
    return statuses
