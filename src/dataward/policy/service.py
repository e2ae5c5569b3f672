"""Loading and checking a policy file: every problem at once, each at FILE:LINE:COL."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dataward.core.errors import PolicyError, Problem, UsageError
from dataward.core.files import FileTooLarge, NotARegularFile
from dataward.policy.checks import Partial, check
from dataward.policy.fides import resolve_dataset_files
from dataward.policy.loader import (
    MAX_DOCUMENT_BYTES,
    Position,
    SourceMap,
    format_path,
    read_document,
    read_yaml,
)
from dataward.policy.salvage import salvage
from dataward.policy.schema import Policy
from dataward.policy.validation import validation_problems


@dataclass(frozen=True)
class LoadedPolicy:
    """A valid policy, where it came from, and where each of its values was written.

    `digest` is the SHA-256 of the policy file's bytes; when systems import Fides dataset
    files, their bytes are folded in too, so any change to what the policy means changes it.
    Built in code (without a file), it is the SHA-256 of the policy's JSON.
    """

    policy: Policy
    path: Path
    digest: str = ""
    warnings: tuple[Problem, ...] = ()
    source: SourceMap | None = field(default=None, compare=False, repr=False)
    dataset_files: Mapping[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.digest:
            text = self.policy.model_dump_json().encode("utf-8")
            object.__setattr__(self, "digest", hashlib.sha256(text).hexdigest())

    @property
    def base_dir(self) -> Path:
        """Relative paths in the policy (dataset files, SQLite URLs, folders) start here."""
        return self.path.parent

    def position(self, *path: str | int) -> Position | None:
        """Where the value at `path` (e.g. "activities", 0, "purpose") was written."""
        return self.source.value(path) if self.source is not None else None


@dataclass(frozen=True)
class CheckResult:
    """What `dataward check` reports. `loaded` is None when there is any error."""

    loaded: LoadedPolicy | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def load_policy(path: Path, *, allow_datasets_from: Sequence[Path] = ()) -> LoadedPolicy:
    """Read and check a policy file; raise PolicyError listing every error in it."""
    result = check_policy(path, allow_datasets_from=allow_datasets_from)
    if result.loaded is None:
        raise PolicyError(problems=result.errors)
    return result.loaded


def check_policy(path: Path, *, allow_datasets_from: Sequence[Path] = ()) -> CheckResult:
    """Every problem of a policy file, errors and warnings, sorted by file and position.

    A file that cannot be read at all is a UsageError (exit 2), not a problem in the policy.
    Dataset files are read from the policy's folder, and from `allow_datasets_from`.
    """
    display = str(path)
    content = _read(path)
    if isinstance(content, Problem):
        return CheckResult(None, [content])
    document = read_yaml(content.decode("utf-8"), file=display)
    problems = list(document.problems)
    data, source = document.data, document.source
    if data is None:
        return CheckResult(None, problems)
    if not isinstance(data, dict):
        problems.append(
            source.problem(
                (),
                "the policy must be a mapping of sections (organisation, activities, ...)",
                "start the file with `organisation:` at the left margin",
            )
        )
        return CheckResult(None, problems)
    files = resolve_dataset_files(
        data,
        source,
        base_dir=path.resolve().parent,
        display_dir=Path(display).parent,
        allowed_dirs=allow_datasets_from,
    )
    problems.extend(files.problems)
    try:
        policy = Policy.model_validate(data)
        partial = Partial()
    except ValidationError as exc:
        problems.extend(validation_problems(exc, source, Policy))
        policy, partial = salvage(data)
    problems.extend(
        p for p in check(policy, source, partial=partial) if not _quiet(p, partial.repaired)
    )
    problems.sort(key=lambda p: (p.file != display, p.file, p.line, p.column))
    if any(p.severity == "error" for p in problems):
        return CheckResult(None, problems)
    loaded = LoadedPolicy(
        policy=policy,
        path=path.resolve(),
        digest=_digest(content, files.digests),
        warnings=tuple(problems),
        source=source,
        dataset_files=files.paths,
    )
    return CheckResult(loaded, problems)


def _quiet(problem: Problem, repaired: list[tuple[str | int, ...]]) -> bool:
    """A warning about an item the schema rejected part of: it may be about the missing part."""
    if problem.severity == "error":
        return False
    for path in repaired:
        prefix = format_path(path)
        if problem.path == prefix or problem.path.startswith((prefix + ".", prefix + "[")):
            return True
    return False


def _read(path: Path) -> bytes | Problem:
    try:
        content = read_document(path)
    except FileTooLarge:
        return Problem(
            str(path),
            1,
            1,
            "",
            f"the file is larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB a policy may be",
            "check this is the policy file, or move datasets into `dataset_file:` files",
        )
    except NotARegularFile as exc:
        raise UsageError(
            f"{str(path)!r} is not a regular file",
            fix="give the path to the policy file (dataward.yaml)",
        ) from exc
    except FileNotFoundError as exc:
        raise UsageError(
            f"policy file {str(path)!r} does not exist", fix="give the path to dataward.yaml"
        ) from exc
    except IsADirectoryError as exc:
        raise UsageError(
            f"{str(path)!r} is a folder", fix="give the path to the policy file inside it"
        ) from exc
    except OSError as exc:
        raise UsageError(f"cannot read policy file {str(path)!r}: {exc.strerror}") from exc
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"policy file {str(path)!r} is not UTF-8 text (byte {exc.start})",
            fix="save it as UTF-8",
        ) from exc
    return content


def _digest(content: bytes, dataset_digests: Mapping[str, str]) -> str:
    if not dataset_digests:
        return hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256(content)
    for system in sorted(dataset_digests):
        digest.update(f"\0{system}\0{dataset_digests[system]}".encode())
    return digest.hexdigest()


def problems_as_json(problems: list[Problem]) -> list[dict[str, Any]]:
    """The problems as `dataward check --json` prints them."""
    return [
        {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "severity": p.severity,
            "message": p.message,
            "fix": p.fix,
            "text": str(p),
        }
        for p in problems
    ]


__all__ = [
    "CheckResult",
    "LoadedPolicy",
    "check_policy",
    "load_policy",
]
