"""The access (and portability) package: a ZIP the person can open with ordinary tools.

`data.json` is the machine-readable copy (system → collection → rows, every field with its data
categories), `csv/<system>/<collection>.csv` the same rows as spreadsheets, `letter.html` the
Art 15 letter, `files/...` the person's files (recordings, footage) and `README.txt` a guide.
Stored copies are sealed under the person's own key, so forgetting the person destroys them.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from dataward.connectors.base import Key
from dataward.connectors.service import FoundRecord
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.core.files import write_private
from dataward.core.spreadsheets import neutralise
from dataward.people import service as people
from dataward.people.models import Person
from dataward.rights.letter import SearchedLine, templates
from dataward.rights.models import RequestKind

# The kinds of request whose answer is a package of the person's data.
PACKAGED = frozenset({RequestKind.ACCESS, RequestKind.PORTABILITY})


def plain(value: Any) -> Any:
    """A JSON- and CSV-friendly form of a value a database driver returned."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _segment(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text).strip("._")
    return cleaned or "_"


def key_label(key: Key) -> str:
    return "-".join(_segment(str(part)) for part in key)


@dataclass(frozen=True)
class PackageFile:
    """A file to copy in: where it is now and its path inside the ZIP."""

    source: Path
    arcname: str


@dataclass(frozen=True)
class Package:
    reference: str
    kind: str
    controller: str
    generated_at: datetime
    records: Sequence[FoundRecord]
    files: Mapping[tuple[str, str, Key], Sequence[Path]]
    searched: Sequence[SearchedLine]
    letter_html: str | None = None
    notes: Sequence[str] = ()
    # (system, collection) → why it is held: activity, purpose, basis, recipients, retention.
    held_for: Mapping[tuple[str, str], Sequence[Mapping[str, Any]]] = field(default_factory=dict)


def _file_entries(package: Package) -> dict[tuple[str, str, Key], list[PackageFile]]:
    entries: dict[tuple[str, str, Key], list[PackageFile]] = {}
    used: set[str] = set()
    for (system, collection, key), paths in package.files.items():
        for path in paths:
            base = f"files/{_segment(system)}/{_segment(collection)}/{key_label(key)}"
            arcname = f"{base}/{_segment(path.name)}"
            n = 1
            while arcname in used:
                n += 1
                arcname = f"{base}/{n}-{_segment(path.name)}"
            used.add(arcname)
            entries.setdefault((system, collection, key), []).append(PackageFile(path, arcname))
    return entries


def package_data(package: Package, files: Mapping[tuple[str, str, Key], list[PackageFile]]) -> Any:
    systems: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for record in package.records:
        fields = {
            name: {"value": plain(value), "categories": list(record.categories.get(name, []))}
            for name, value in record.row.items()
        }
        row: dict[str, Any] = {"fields": fields}
        attached = files.get((record.system, record.collection, record.key))
        if attached:
            row["files"] = [f.arcname for f in attached]
        systems.setdefault(record.system, {}).setdefault(record.collection, []).append(row)
    return {
        "reference": package.reference,
        "kind": package.kind,
        "controller": package.controller,
        "generated_at": package.generated_at.isoformat(),
        "searched": [
            {"system": s.system, "collection": s.collection, "how": s.how, "records": s.records}
            for s in package.searched
        ],
        "record_count": len(package.records),
        "notes": list(package.notes),
        "systems": systems,
        "held_for": {
            system: {
                collection: [dict(reason) for reason in reasons]
                for (s, collection), reasons in sorted(package.held_for.items())
                if s == system
            }
            for system in sorted({s for s, _c in package.held_for})
        },
    }


def _csv_tables(records: Sequence[FoundRecord]) -> dict[tuple[str, str], str]:
    columns: dict[tuple[str, str], list[str]] = {}
    rows: dict[tuple[str, str], list[FoundRecord]] = {}
    for record in records:
        where = (record.system, record.collection)
        names = columns.setdefault(where, [])
        for name in record.row:
            if name not in names:
                names.append(name)
        rows.setdefault(where, []).append(record)
    tables: dict[tuple[str, str], str] = {}
    for where, names in columns.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for record in rows[where]:
            cells = []
            for name in names:
                value = plain(record.row.get(name))
                if isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                cells.append("" if value is None else neutralise(value))
            writer.writerow(cells)
        tables[where] = buffer.getvalue()
    return tables


def build_package(package: Package) -> bytes:
    """The ZIP, in memory: it is sealed before it is stored, so it never sits in plaintext."""
    files = _file_entries(package)
    data = package_data(package, files)
    tables = _csv_tables(package.records)
    readme = templates().get_template("rights/readme.txt.j2")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            readme.render(
                package=package,
                tables=sorted(tables),
                file_count=sum(len(v) for v in files.values()),
            ),
        )
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        for (system, collection), text in sorted(tables.items()):
            # A byte-order mark so spreadsheet programs read the UTF-8 names correctly.
            archive.writestr(f"csv/{_segment(system)}/{_segment(collection)}.csv", "\ufeff" + text)
        if package.letter_html is not None:
            archive.writestr("letter.html", package.letter_html)
        for entries in files.values():
            for entry in entries:
                # Recordings and footage are already compressed; deflating them wastes time.
                archive.write(entry.source, entry.arcname, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def package_path(home: Path, reference: str) -> Path:
    return home / "packages" / f"{_segment(reference)}.zip.sealed"


def store_package(
    *,
    session: Session,
    keyring: Keyring,
    person: Person,
    home: Path,
    reference: str,
    content: bytes,
) -> Path:
    """Seal the package under the person's key and write it atomically."""
    sealed = people.seal(session=session, keyring=keyring, person=person, plaintext=content)
    target = package_path(home, reference)
    write_private(target, sealed)
    return target


def open_package(
    *, session: Session, keyring: Keyring, person: Person, home: Path, reference: str
) -> bytes:
    target = package_path(home, reference)
    if not target.exists():
        raise NotFound(
            f"no stored package for request {reference}",
            fix="packages are stored when an access or portability request has run; "
            f"run `dataward rights run {reference}` if it has not",
        )
    return people.unseal(
        session=session, keyring=keyring, person=person, ciphertext=target.read_bytes()
    )


# Read out over the phone: no 0/O, 1/l/I, and groups of five. 20 symbols of 31 ≈ 99 bits.
PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
MIN_PASSWORD_LENGTH = 12


def new_package_password() -> str:
    symbols = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(20))
    return "-".join(symbols[i : i + 5] for i in range(0, 20, 5))


def encrypted_copy(content: bytes, password: str) -> bytes:
    """The same ZIP with every entry under AES-256 (WinZip AES: 7-Zip, WinRAR, Keka open it)."""
    import pyzipper  # here, not at the top: only a package sent encrypted needs it

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        pyzipper.AESZipFile(
            buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
        ) as target,
    ):
        target.setpassword(password.encode("utf-8"))
        target.setencryption(pyzipper.WZ_AES, nbits=256)
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=info.compress_type)
    return buffer.getvalue()


@dataclass(frozen=True)
class Delivery:
    """Where a package goes when it leaves Dataward, and the password that locks it (if any)."""

    path: Path
    password: str | None = None
    password_generated: bool = False


def delivery(*, out_path: Path, encrypt: bool, password_file: Path | None) -> Delivery:
    """Checked before any work is done: a request must not run only to fail at the last step."""
    password: str | None = None
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                f"cannot read the password file {password_file}: {exc}",
                fix="give a readable text file whose first line is the password",
            ) from exc
        password = lines[0].strip() if lines else ""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UsageError(
                f"the password in {password_file} is shorter than {MIN_PASSWORD_LENGTH} characters",
                fix="use a longer one, or --encrypt to have Dataward make one",
            )
        return Delivery(out_path, password)
    if encrypt:
        return Delivery(out_path, new_package_password(), password_generated=True)
    return Delivery(out_path)


def deliver(content: bytes, to: Delivery) -> Path:
    """Write the package out, encrypted when a password was given; readable by its owner only."""
    payload = content if to.password is None else encrypted_copy(content, to.password)
    write_private(to.path, payload)
    return to.path
