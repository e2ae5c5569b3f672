"""The connector contract. A new kind is a folder implementing `Connector` plus a registry line.

The class declares what the rest of Dataward needs to know about its kind (the connection
settings that reach it, whether it can hash a stored value); the policy checker reads them
through the registry, so no other module names a kind.

Every connector speaks in collections and fields as the policy declares them; it never reads a
column the dataset does not declare, and binds every value as a parameter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from dataward.core.errors import ConnectorError
from dataward.policy.schema import Collection, Condition, EraseStrategy, System

Row = dict[str, Any]
Key = tuple[Any, ...]  # primary-key values in the order of `Collection.primary_key`


def integer_ids(keys: Sequence[Key]) -> list[int] | None:
    """The ids of keys that are each one integer (nearly every table's), else None.

    A sweep asks this of every batch of tens of thousands of keys, several times: unpacking
    and one pass of `type` over them costs a fifth of what a generator under all() did."""
    try:
        ids = [value for (value,) in keys]
    except (TypeError, ValueError):  # a composite (or empty) key
        return None
    if ids and set(map(type, ids)) != {int}:  # bool is not int here, as before
        return None
    return ids


DEFAULT_MASK = "[erased]"  # written by the `mask` strategy when the field names no mask


@dataclass(frozen=True)
class FieldErasure:
    """How one field of a kept row is made anonymous."""

    field: str
    strategy: EraseStrategy
    mask: str | None = None


@dataclass(frozen=True)
class ErasurePlan:
    """Delete the rows, or keep them and blank the listed fields.

    `hasher` turns a value into its keyed hash (e.g. `Keyring.digest`); a plan with a `hash`
    field needs one, since the key must never reach the source system."""

    delete_rows: bool
    fields: tuple[FieldErasure, ...] = ()
    hasher: Callable[[str], str] | None = None

    @property
    def removes_rows(self) -> bool:
        """A field to delete takes its row with it: a row cannot lose one field and stay."""
        return self.delete_rows or any(f.strategy == "delete" for f in self.fields)


@dataclass(frozen=True)
class FieldValues:
    """What erasing in place writes into each kept row: fixed values, and fields whose stored
    value is replaced by its keyed hash (read, hashed here, written back)."""

    fixed: dict[str, Any]
    hashed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.fixed or self.hashed)


def field_values(
    plan: ErasurePlan, collection: Collection, *, system: str, can_hash: bool = True
) -> FieldValues:
    """The one reading of an erasure plan's fields (null, mask, hash; keep leaves a field be),
    shared by every kind so that they cannot disagree on what `mask` writes."""
    fixed: dict[str, Any] = {}
    hashed: list[str] = []
    for item in plan.fields:
        if collection.field(item.field) is None:
            raise ConnectorError(
                f"collection {collection.name!r} has no declared field {item.field!r}",
                system=system,
                fix="declare the field in the dataset, or name one that is declared",
            )
        if item.strategy == "keep":
            continue
        if item.field in collection.primary_key:
            raise ConnectorError(
                f"field {item.field!r} of {collection.name!r} is its primary key and cannot be "
                "erased in place",
                system=system,
                fix="erase the row (`erase: delete`) or choose another field",
            )
        if item.strategy == "null":
            fixed[item.field] = None
        elif item.strategy == "mask":
            fixed[item.field] = item.mask if item.mask is not None else DEFAULT_MASK
        elif item.strategy == "hash":
            if not can_hash:
                raise ConnectorError(
                    f"field {item.field!r} of {collection.name!r}: keyed hashing needs the "
                    "stored value, which this system does not hand back for writing",
                    system=system,
                    fix="use `erase: null` or `erase: mask` for this field",
                )
            hashed.append(item.field)
    if hashed and plan.hasher is None:
        raise ConnectorError(
            f"erasing {collection.name!r} by keyed hash needs a hasher in the erasure plan",
            system=system,
        )
    return FieldValues(fixed=fixed, hashed=tuple(hashed))


@dataclass(frozen=True)
class RelatedDate:
    """The trigger date lives in another collection of the same system (e.g. the customer's
    `relationship_ended_on` for their tickets): this collection's `local_field` equals the
    related collection's `remote_field`."""

    collection: str
    date_field: str
    local_field: str
    remote_field: str
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class ExpiryQuery:
    """Rows of `collection` whose trigger date is before `cutoff` and which match `conditions`.

    With `related`, the date (and `related.conditions`) are read from the related collection and
    `date_field` is ignored. Rows whose trigger date is null never expire.
    """

    collection: str
    cutoff: date
    date_field: str | None = None
    conditions: tuple[Condition, ...] = ()
    related: RelatedDate | None = None


@dataclass
class Undecided:
    """Expired rows a query's conditions cannot judge because a field they compare is empty
    (SQL's rule: a comparison with a null is unknown), and how many are empty in each field."""

    rows: int = 0
    fields: dict[str, int] = field(default_factory=dict)

    def add(self, empty: Iterable[str]) -> None:
        self.rows += 1
        for name in empty:
            self.fields[name] = self.fields.get(name, 0) + 1


def compares(conditions: Iterable[Condition]) -> bool:
    """Whether any condition compares a value, so a null can leave it unknown."""
    return any(c.op not in ("is null", "is not null") for c in conditions)


@dataclass
class ConnectorStats:
    queries: int = 0
    rows_scanned: int = 0


@dataclass
class Connector(ABC):
    """One connected system. Construct through `registry.connect(system, base_dir=...)`."""

    system: System
    base_dir: Path
    environ: Mapping[str, str]
    stats: ConnectorStats = field(default_factory=ConnectorStats)
    # Kinds that can change rows picked by their values (for collections without a primary key).
    erases_by_predicate: ClassVar[bool] = False

    # `connection:` must hold one of these to reach the data; the policy checker asks.
    connection_settings: ClassVar[tuple[str, ...]] = ()
    # Whether a field can be replaced by its keyed hash (the stored value must be readable).
    can_hash: ClassVar[bool] = True

    def __post_init__(self) -> None:  # noqa: B027  # kinds read their connection settings here
        """Read and check the connection settings; reach nothing yet."""

    def collection(self, name: str) -> Collection:
        dataset = self.system.dataset
        found = next((c for c in dataset.collections if c.name == name), None) if dataset else None
        if found is None:
            raise KeyError(f"system {self.system.name!r} has no collection {name!r}")
        return found

    @abstractmethod
    def test(self) -> None:
        """Reach the system and check every declared collection and field exists.

        Raises ConnectorError naming what is wrong."""

    @abstractmethod
    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        """Rows where any named field is IN its values (OR across fields); declared fields only.

        Fields declared with `identity: email` compare case-insensitively (give lower-case
        values)."""

    @abstractmethod
    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        """Apply the plan to those rows; return how many rows were deleted or changed."""

    def together(self) -> AbstractContextManager[None]:
        """A block whose changes commit together, in one transaction, where the kind has
        transactions; by default each change commits on its own."""
        return nullcontext()

    def erase_where(
        self, collection: str, where: Mapping[str, Iterable[Any]], plan: ErasurePlan
    ) -> int:
        """Apply the plan to exactly the rows `fetch(collection, where)` selects: for a collection
        without a primary key. Kinds that can set `erases_by_predicate`; plans are checked
        against it before anything changes, so this is reached only by a mistake."""
        raise ConnectorError(
            f"collection {collection!r} has no primary key, and this kind of system erases "
            "rows by key only",
            system=self.system.name,
            fix="declare the collection's key field(s) with `primary_key: true`",
        )

    @abstractmethod
    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        """Set fields on those rows; a value the field cannot hold raises ConnectorError."""

    def insert(self, collection: str, rows: Sequence[Mapping[str, str]]) -> int:
        """Add rows of a list (text values, as a CSV holds them); only declared fields.

        Reached only through the suppression filter, so no import re-subscribes anyone."""
        raise ConnectorError(
            f"a {self.system.connector} system cannot take an import through Dataward",
            system=self.system.name,
            fix="filter the list with `dataward suppression filter` and import the file it "
            "writes with the system's own tool",
        )

    @abstractmethod
    def expired(self, query: ExpiryQuery, *, batch_size: int = 1000) -> Iterator[list[Key]]:
        """Keys of expired rows in keyset batches (ordered by primary key, never OFFSET)."""

    @abstractmethod
    def delete(self, collection: str, keys: Sequence[Key]) -> int:
        """Delete those rows (and their files, for the files kind); return how many went."""

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int]:
        """For each cutoff, how many rows `query` finds with that cutoff instead of its own.

        Retention forecasts ask for a dozen cutoffs at once. A kind that can should push this
        down as one scan with a count per cutoff (`SUM(CASE WHEN date < :c THEN 1 END)`); this
        default pages through `expired` once per cutoff."""
        return [
            sum(len(keys) for keys in self.expired(replace(query, cutoff=cutoff), batch_size=5000))
            for cutoff in cutoffs
        ]

    @abstractmethod
    def undecided(self, query: ExpiryQuery) -> Undecided:
        """Rows past the cutoff whose own conditions are unknown because a compared field is
        empty: `expired` leaves them out, and a sweep reports them instead of staying silent."""

    def rows_after(self, collection: str, field: str, after: Any, *, limit: int) -> list[Row]:
        """Up to `limit` rows whose `field` is above `after` (None: from the first), in the
        order of `field`: a keyset page, for reading a log table as it grows or a collection
        from end to end. Kinds that cannot say so, and their collections are not read."""
        raise ConnectorError(
            f"collection {collection!r} cannot be read page by page in this kind of system",
            system=self.system.name,
            fix="poll or scan a system of kind sql",
        )

    def files(self, collection: str, rows: Sequence[Row]) -> list[Path]:
        """Files that belong to these rows (recordings, footage); none for most kinds."""
        return []

    def close(self) -> None:  # noqa: B027  # optional hook; most kinds hold nothing open
        """Release connections."""
