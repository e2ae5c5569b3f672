"""What the files kind needs from its index, whichever format holds it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from dataward.connectors.base import ErasurePlan, ExpiryQuery, Key, Row, Undecided

# Called with the index rows being deleted, after they are gone from the index but before the
# deletion is committed: a failure there rolls the index back, so a re-run finishes the job.
BeforeCommit = Callable[[list[Row]], None]


class FileIndex(ABC):
    @abstractmethod
    def problems(self) -> list[str]:
        """What is missing: the index itself, its tables or columns."""

    @abstractmethod
    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]: ...

    @abstractmethod
    def rows_for_keys(
        self, collection: str, keys: Sequence[Key], fields: Sequence[str]
    ) -> list[Row]:
        """The key fields and `fields` of those rows."""

    @abstractmethod
    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int: ...

    @abstractmethod
    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int: ...

    @abstractmethod
    def expired(self, query: ExpiryQuery, *, batch_size: int) -> Iterator[list[Key]]: ...

    @abstractmethod
    def undecided(self, query: ExpiryQuery) -> Undecided: ...

    @abstractmethod
    def delete(self, collection: str, keys: Sequence[Key], before_commit: BeforeCommit) -> int: ...

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int] | None:
        """Counts per cutoff in one pass, or None to let the connector page through `expired`."""
        return None

    def close(self) -> None:  # noqa: B027  # only the SQLite index holds connections
        """Release what the index holds open."""
