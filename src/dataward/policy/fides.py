"""Fides dataset files as a system's dataset (`dataset_file: datasets/shop.fides.yml`).

A Fides dataset YAML (`dataset: [{fides_key, collections: [{name, fields: [...]}]}]`) is read as
it is, checked against fideslang's own model, and converted to Dataward's `Dataset` shape:

- `data_categories` → `categories`; a field without its own inherits its collection's, then the
  dataset's (Fides applies those to every field beneath them).
- `fides_meta` (or the older `fidesops_meta`): `identity`, `primary_key`, `data_type` as they
  are; `references: [{dataset, field, direction}]` → `references: [{to, direction}]`, where `to`
  is `collection.field` within the same dataset, or `system.collection.field` when `dataset` is
  the fides_key of another system's dataset file.
- `masking_strategy_override`: null_rewrite → erase null, string_rewrite → mask (its
  rewrite_value), hash and hmac → hash.
- Nested fields (document stores) are flattened to dotted names (`address.city`): Dataward's
  connectors address columns, and a dotted name keeps the path readable; the object field
  itself is not kept, its categories pass to its children that have none.

Positions are kept in the dataset file, so a problem in it is reported there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dataward.core.errors import Problem
from dataward.core.files import FileTooLarge, NotARegularFile
from dataward.policy.loader import (
    Document,
    PathKey,
    SourceMap,
    read_document,
    read_yaml,
)
from dataward.policy.validation import validation_problems

_MASKING = {"null_rewrite": "null", "string_rewrite": "mask", "hash": "hash", "hmac": "hash"}


@dataclass
class DatasetFiles:
    """What resolving every `dataset_file` of a policy found."""

    problems: list[Problem] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # system name → resolved file
    digests: dict[str, str] = field(default_factory=dict)  # system name → SHA-256 of its bytes


@dataclass
class _FidesFile:
    system: str
    index: int  # the system's position in `systems`
    path: Path
    content: bytes
    document: Document
    dataset_index: int | None = None  # which entry of `dataset:` is this system's


def resolve_dataset_files(
    data: dict[str, Any],
    source: SourceMap,
    *,
    base_dir: Path,
    display_dir: Path,
    allowed_dirs: Sequence[Path] = (),
) -> DatasetFiles:
    """Replace each system's `dataset_file` in `data` by the dataset it holds, in our shape.

    A file that cannot be read or converted is reported and left as `dataset_file`, so the
    system still validates and the rest of the policy is still checked.
    """
    result = DatasetFiles()
    systems = data.get("systems")
    if not isinstance(systems, list):
        return result
    files: list[_FidesFile] = []
    for index, system in enumerate(systems):
        if not isinstance(system, dict) or not isinstance(system.get("dataset_file"), str):
            continue
        if system.get("dataset") is not None:
            continue  # the schema reports "either dataset or dataset_file"
        roots = (base_dir, *(d.resolve() for d in allowed_dirs))
        loaded = _read(system, index, source, roots=roots, display_dir=display_dir)
        if isinstance(loaded, Problem):
            result.problems.append(loaded)
            continue
        files.append(loaded)
        result.paths[loaded.system] = loaded.path
        result.digests[loaded.system] = hashlib.sha256(loaded.content).hexdigest()
    keys_to_systems: dict[str, str] = {}
    for item in files:
        result.problems.extend(item.document.problems)
        if item.document.data is None:
            continue
        problem = _choose_dataset(item, source)
        if problem is not None:
            result.problems.append(problem)
            continue
        key = _fides_key(item)
        if key is not None:
            keys_to_systems.setdefault(key, item.system)
    if files:
        # fideslang's models take a third of a `dataward check`: loaded only for a policy that
        # has Fides datasets to read.
        from fideslang.models import Dataset as FidesDataset
    for item in files:
        if item.dataset_index is None or item.document.problems:
            continue
        raw = item.document.data["dataset"][item.dataset_index]
        prefix: PathKey = ("dataset", item.dataset_index)
        try:
            FidesDataset.model_validate(raw)
        except ValidationError as exc:
            result.problems.extend(
                validation_problems(exc, item.document.source, FidesDataset, prefix)
            )
            continue
        target: PathKey = ("systems", item.index, "dataset")
        converter = _Converter(item.document.source, source, target, keys_to_systems)
        systems[item.index]["dataset"] = converter.dataset(raw, prefix)
        del systems[item.index]["dataset_file"]
    return result


def _read(
    system: dict[str, Any],
    index: int,
    source: SourceMap,
    *,
    roots: tuple[Path, ...],
    display_dir: Path,
) -> _FidesFile | Problem:
    relative = system["dataset_file"]
    at: PathKey = ("systems", index, "dataset_file")
    # Resolved first, so `..` and symbolic links are judged by where they really lead.
    path = (roots[0] / relative).resolve()
    if not any(path.is_relative_to(root) for root in roots):
        return source.problem(
            at,
            f"dataset file {relative!r} is outside the policy's folder",
            "keep dataset files beside the policy, or allow their folder with "
            "--allow-datasets-from DIR",
        )
    try:
        content = read_document(path)
        text = content.decode("utf-8")
    except FileNotFoundError:
        return source.problem(at, f"dataset file {relative!r} does not exist", f"looked for {path}")
    except (NotARegularFile, FileTooLarge) as exc:
        return source.problem(
            at,
            f"dataset file {relative!r} is {exc.strerror}",
            "point `dataset_file:` at a Fides dataset YAML file",
        )
    except (OSError, UnicodeDecodeError) as exc:
        return source.problem(
            at, f"cannot read dataset file {relative!r}: {exc}", "save it as UTF-8 text"
        )
    display = str(display_dir / relative)
    document = read_yaml(text, file=display)
    return _FidesFile(str(system.get("name")), index, path, content, document)


def _choose_dataset(item: _FidesFile, policy_source: SourceMap) -> Problem | None:
    """A file may hold several datasets: take the one keyed like the system, or the only one."""
    data = item.document.data
    file_source = item.document.source
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), list):
        return file_source.problem(
            (),
            "not a Fides dataset file: expected a top-level `dataset:` list",
            "see https://ethyca.github.io/fides/ for the dataset YAML format",
        )
    entries = data["dataset"]
    if not entries:
        return file_source.problem(
            ("dataset",), "the `dataset:` list is empty", "describe the dataset's collections"
        )
    keys = [entry.get("fides_key") if isinstance(entry, dict) else None for entry in entries]
    if len(entries) == 1:
        item.dataset_index = 0
    elif item.system in keys:
        item.dataset_index = keys.index(item.system)
    else:
        listed = ", ".join(str(k) for k in keys)
        return policy_source.problem(
            ("systems", item.index, "dataset_file"),
            f"the file holds {len(entries)} datasets ({listed}) and none is keyed {item.system!r}",
            "give the dataset you mean the system's name as its fides_key, or split the file",
        )
    return None


def _fides_key(item: _FidesFile) -> str | None:
    if item.dataset_index is None:
        return None
    entry = item.document.data["dataset"][item.dataset_index]
    key = entry.get("fides_key") if isinstance(entry, dict) else None
    return key if isinstance(key, str) else None


def _meta(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = raw.get("fides_meta") or raw.get("fidesops_meta") or {}
    return meta if isinstance(meta, Mapping) else {}


def _meta_key(raw: Mapping[str, Any]) -> str:
    return "fides_meta" if raw.get("fides_meta") else "fidesops_meta"


class _Converter:
    """Builds our dataset dict and copies each value's position from the Fides file."""

    def __init__(
        self,
        fides: SourceMap,
        target: SourceMap,
        prefix: PathKey,
        keys_to_systems: Mapping[str, str],
    ) -> None:
        self.fides = fides
        self.target = target
        self.prefix = prefix
        self.keys_to_systems = keys_to_systems
        self.own_key = ""

    def _at(self, ours: PathKey, theirs: PathKey, items: int = 0) -> None:
        """Our value at `ours` was written at `theirs` in the Fides file (with `items` items)."""
        self.target.copy(self.prefix + ours, self.fides, theirs)
        for index in range(items):
            self.target.copy((*self.prefix, *ours, index), self.fides, (*theirs, index))

    def dataset(self, raw: Mapping[str, Any], at: PathKey) -> dict[str, Any]:
        self.own_key = str(raw.get("fides_key", ""))
        self.target.values[self.prefix] = self.fides.value(at)
        collections = []
        inherited = ((*at, "data_categories"), raw.get("data_categories"))
        for index, collection in enumerate(raw["collections"]):
            collections.append(
                self.collection(collection, index, (*at, "collections", index), inherited)
            )
        self.target.values[(*self.prefix, "collections")] = self.fides.value((*at, "collections"))
        return {"collections": collections}

    def collection(
        self,
        raw: Mapping[str, Any],
        index: int,
        at: PathKey,
        inherited: tuple[PathKey, Any],
    ) -> dict[str, Any]:
        ours: PathKey = ("collections", index)
        self.target.values[self.prefix + ours] = self.fides.value(at)
        self._at((*ours, "name"), (*at, "name"))
        if raw.get("data_categories"):
            inherited = ((*at, "data_categories"), raw["data_categories"])
        fields: list[dict[str, Any]] = []
        for position, item in enumerate(raw["fields"]):
            self._fields(item, (*at, "fields", position), "", inherited, ours, fields)
        self.target.values[(*self.prefix, *ours, "fields")] = self.fides.value((*at, "fields"))
        result: dict[str, Any] = {"name": raw["name"], "fields": fields}
        if raw.get("description"):
            result["description"] = raw["description"]
        return result

    def _fields(
        self,
        raw: Mapping[str, Any],
        at: PathKey,
        outer: str,
        inherited: tuple[PathKey, Any],
        collection: PathKey,
        out: list[dict[str, Any]],
    ) -> None:
        name = f"{outer}.{raw['name']}" if outer else str(raw["name"])
        if raw.get("data_categories"):
            inherited = ((*at, "data_categories"), raw["data_categories"])
        if raw.get("fields"):
            for index, child in enumerate(raw["fields"]):
                self._fields(child, (*at, "fields", index), name, inherited, collection, out)
            return
        ours: PathKey = (*collection, "fields", len(out))
        self.target.values[self.prefix + ours] = self.fides.value(at)
        self._at((*ours, "name"), (*at, "name"))
        converted: dict[str, Any] = {"name": name}
        categories_at, categories = inherited
        if categories:
            converted["categories"] = list(categories)
            self._at((*ours, "categories"), categories_at, len(categories))
        meta = _meta(raw)
        meta_at = (*at, _meta_key(raw))
        for key in ("identity", "primary_key", "data_type"):
            if meta.get(key) is not None:
                converted[key] = meta[key]
                self._at((*ours, key), (*meta_at, key))
        references = []
        for index, reference in enumerate(meta.get("references") or []):
            references.append(self._reference(reference))
            self._at((*ours, "references", index), (*meta_at, "references", index))
            self._at(
                (*ours, "references", index, "direction"),
                (*meta_at, "references", index, "direction"),
            )
            self._at((*ours, "references", index, "to"), (*meta_at, "references", index, "field"))
        if references:
            converted["references"] = references
        masking = meta.get("masking_strategy_override")
        if isinstance(masking, Mapping) and masking.get("strategy") in _MASKING:
            converted["erase"] = _MASKING[masking["strategy"]]
            self._at((*ours, "erase"), (*meta_at, "masking_strategy_override", "strategy"))
            configuration = masking.get("configuration") or {}
            if converted["erase"] == "mask" and "rewrite_value" in configuration:
                converted["mask"] = str(configuration["rewrite_value"])
        out.append(converted)

    def _reference(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        dataset, target = str(raw["dataset"]), str(raw["field"])
        if dataset == self.own_key:
            to = target
        else:
            to = f"{self.keys_to_systems.get(dataset, dataset)}.{target}"
        result: dict[str, Any] = {"to": to}
        if raw.get("direction") is not None:
            result["direction"] = str(getattr(raw["direction"], "value", raw["direction"]))
        return result
