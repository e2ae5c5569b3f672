"""Tables of the consent domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from dataward.core.db import Base, UTCDateTime
from dataward.core.errors import Conflict


class SuppressionEntry(Base):
    """An address or number that must never be marketed to again, kept as a keyed hash only.

    The plaintext is never stored, so the list can be kept forever (PECR, S-08) without
    keeping the person's data, and every import is filtered against it.
    """

    __tablename__ = "suppression_entries"
    __table_args__ = (UniqueConstraint("kind", "identifier_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    identifier_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TpsFile(Base):
    """One TPS or CTPS file the business downloaded: a generation of the list.

    A file is loaded as `loading` (invisible to screening), then switched to `current` in one
    transaction that retires the previous one; a retired file keeps its row as evidence of
    what was screened against, and loses its numbers.
    """

    __tablename__ = "tps_files"
    __table_args__ = (Index("ix_tps_files_list_state", "list_name", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(4))  # tps | ctps
    as_of: Mapped[date] = mapped_column(Date)  # the file's date: what a screening is as of
    state: Mapped[str] = mapped_column(String(10))  # loading | current | retired
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_lines: Mapped[int] = mapped_column(Integer, default=0)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    switched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TpsNumber(Base):
    """A number on a TPS/CTPS file, in the clear: the register is public (see docs/consent.md).

    Kept as the E.164 digits in an integer, keyed by (file, number) without a rowid on SQLite:
    18 million rows take about 10 bytes each instead of 40.
    """

    __tablename__ = "tps_numbers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    file_id: Mapped[int] = mapped_column(
        ForeignKey("tps_files.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


# -- ledger --


class ConsentEvent(Base):
    """One fact about a person's consent: given, withdrawn, objected, or details from a sale.

    Append-only: nothing updates or deletes a row (the ORM refuses, and each row's digest is in
    its audit event, so `dataward audit verify` names a row altered behind the ORM's back).
    The person is a pseudonym (their identity is encrypted in the people store); the wording
    they saw is a version and the SHA-256 of its exact text.
    """

    __tablename__ = "consent_events"
    __table_args__ = (
        Index("ix_consent_events_person", "pseudonym", "purpose", "id"),
        Index("ix_consent_events_organisation_hash", "organisation_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    # The keyed hash of the address or number it was given for, when one was named.
    identifier_hash: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(80))  # a channel of the policy, or a purpose
    medium: Mapped[str] = mapped_column(String(20))  # email, sms, phone, post, ... or "all"
    action: Mapped[str] = mapped_column(String(20))  # given, withdrawn, objected, sale
    wording_version: Mapped[str] = mapped_column(String(120))
    wording_digest: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(30))
    source_digest: Mapped[str | None] = mapped_column(String(64))  # the imported file's
    # Consent given for an organisation (a school): its name sealed, found by keyed hash,
    # and the pseudonym of the person who gave it.
    organisation_hash: Mapped[str | None] = mapped_column(String(64))
    organisation_sealed: Mapped[str | None] = mapped_column(Text)
    given_by: Mapped[str | None] = mapped_column(String(40))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _refuse_change(*_: Any) -> None:
    raise Conflict(
        "the consent ledger is append-only: a row is never changed or deleted",
        fix="record a new event (withdrawn, objected or given) instead",
    )


event.listen(ConsentEvent, "before_update", _refuse_change)
event.listen(ConsentEvent, "before_delete", _refuse_change)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`session.execute(update(ConsentEvent)...)` skips the mapper events above."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is ConsentEvent for mapper in state.all_mappers
    ):
        _refuse_change()
