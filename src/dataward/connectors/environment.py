"""Connection settings: secrets come from environment variables, never the policy file."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from dataward.core.errors import ConnectorError, UsageError
from dataward.core.files import read_regular_file

MAX_ENV_FILE_BYTES = 1024 * 1024

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def load_env_file(path: Path) -> dict[str, str]:
    """Read `KEY=VALUE` lines (`export` allowed, `#` comments, single or double quotes)."""
    try:
        text = read_regular_file(path, limit=MAX_ENV_FILE_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"env file {path} is not UTF-8 text", fix="save it as UTF-8") from exc
    except OSError as exc:
        raise UsageError(f"cannot read env file {path}: {exc.strerror or exc}") from exc
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise UsageError(
                f"{path}:{number}: cannot read this line",
                fix="write KEY=VALUE, e.g. CRM_DB_URL=postgresql+psycopg://crm@db/crm",
            )
        key, raw = match.groups()
        values[key] = _value(raw, f"{path}:{number}")
    return values


def _value(raw: str, where: str) -> str:
    if raw.startswith("'"):
        end = raw.find("'", 1)
        if end < 0:
            raise UsageError(f"{where}: the single quote is not closed")
        return raw[1:end]
    if raw.startswith('"'):
        chars: list[str] = []
        index = 1
        while index < len(raw):
            char = raw[index]
            if char == "\\" and index + 1 < len(raw):
                following = raw[index + 1]
                chars.append(_ESCAPES.get(following, "\\" + following))
                index += 2
                continue
            if char == '"':
                return "".join(chars)
            chars.append(char)
            index += 1
        raise UsageError(f"{where}: the double quote is not closed")
    # An unquoted value ends at a comment that follows whitespace.
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


class ConnectionSettings:
    """A system's `connection:` mapping, read with clear errors naming the system."""

    def __init__(
        self,
        system: str,
        connection: Mapping[str, Any],
        environ: Mapping[str, str],
        *,
        known: Collection[str],
    ) -> None:
        self.system = system
        self.connection = connection
        self.environ = environ
        unknown = sorted(set(connection) - set(known))
        if unknown:
            raise ConnectorError(
                f"unknown connection setting {', '.join(map(repr, unknown))}",
                system=system,
                fix=f"the settings this kind reads are: {', '.join(sorted(known))}",
            )

    def secret(self, name: str, *, required: bool = True) -> str | None:
        """`name` given inline, or `name_env` naming the environment variable holding it."""
        variable = self.connection.get(f"{name}_env")
        if variable is not None:
            if not isinstance(variable, str) or not variable:
                raise ConnectorError(
                    f"`{name}_env` must name an environment variable", system=self.system
                )
            value = self.environ.get(variable)
            if value is None or value == "":
                raise ConnectorError(
                    f"environment variable {variable} is not set",
                    system=self.system,
                    fix=f"set {variable}, or pass --env-file with a {variable}=... line",
                )
            return value
        inline = self.connection.get(name)
        if inline is not None:
            return str(inline)
        if required:
            raise ConnectorError(
                f"the connection needs `{name}_env` (or `{name}`)",
                system=self.system,
                fix=f"add `{name}_env: SOME_VARIABLE` under connection",
            )
        return None

    def number(self, name: str, default: float) -> float:
        value = self.connection.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConnectorError(
                f"`{name}` must be a positive number of seconds, not {value!r}", system=self.system
            )
        return float(value)

    def choice(self, name: str, options: tuple[str, ...]) -> str:
        value = self.connection.get(name, options[0])
        if value not in options:
            raise ConnectorError(
                f"`{name}` must be one of {', '.join(options)}, not {value!r}", system=self.system
            )
        return str(value)

    def text(self, name: str) -> str | None:
        value = self.connection.get(name)
        if value is not None and not isinstance(value, str):
            raise ConnectorError(f"`{name}` must be text, not {value!r}", system=self.system)
        return value
