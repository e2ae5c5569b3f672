"""Tables of the consent domain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


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
