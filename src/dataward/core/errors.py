"""Domain errors. Services raise these; each interface (CLI, JSON, HTML) has one handler."""

from __future__ import annotations

from dataclasses import dataclass, field


class DatawardError(Exception):
    """Base of every error Dataward raises on purpose. The message says what and how to fix."""

    exit_code = 1
    status_code = 400

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class NotFound(DatawardError):
    status_code = 404


class Conflict(DatawardError):
    status_code = 409


class NotAuthenticated(DatawardError):
    """No valid credentials: sign in, or send an API token."""

    status_code = 401


class Forbidden(DatawardError):
    """Signed in, but this account's role does not allow the action."""

    status_code = 403


class TooManyRequests(DatawardError):
    """A rate limit was reached; the message says when to try again."""

    status_code = 429


class UsageError(DatawardError):
    """The caller asked for something malformed: a bad flag, an unknown name."""

    exit_code = 2
    status_code = 422


class ConfigurationError(DatawardError):
    """Settings, keys or the database are missing or wrong."""

    exit_code = 2
    status_code = 500


class ConnectorError(DatawardError):
    """A connected system failed: unreachable, timed out, refused a change."""

    status_code = 502

    def __init__(self, message: str, *, system: str, fix: str | None = None) -> None:
        super().__init__(f"system {system!r}: {message}", fix=fix)
        self.system = system


class TamperedError(DatawardError):
    """Stored evidence does not verify: the audit chain or a signature was altered."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a policy file, placed at FILE:LINE:COL."""

    file: str
    line: int
    column: int
    path: str
    message: str
    fix: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


@dataclass
class PolicyError(DatawardError):
    """A policy file has errors; every one of them is listed, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        first = str(errors[0]) if errors else "policy has errors"
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")
