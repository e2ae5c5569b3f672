"""An example business set up the way a user would, and driven through the `dataward` CLI.

`Deployed("support", folder)` runs `dataward init` and `dataward examples generate`, then each
helper is one command a user would type: an access request (`rights access`, read back from the
package it writes) or `dataward check` on a copy of the map with one field taken out. The
systems' own rows are read directly with SQLAlchemy, so a test can compare what the product
returned with what the system holds without trusting the product to read it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result
from sqlalchemy import MetaData, Table, create_engine, select
from typer.testing import CliRunner

from dataward.cli import app
from dataward.examples.systems import read_env_file

Row = dict[str, Any]
# Settings a developer's shell may carry that would point the commands elsewhere.
UNSET = (
    "DATAWARD_DATABASE_URL",
    "DATAWARD_MASTER_KEY",
    "DATAWARD_MASTER_KEY_FILE",
    "DATAWARD_SIGNING_KEY_FILE",
    "DATAWARD_SYSTEMS_ENV_FILE",
)


class Deployed:
    """One example business: its sample systems, its data map and a Dataward home."""

    def __init__(self, business: str, folder: Path, *, people: int = 40) -> None:
        self.business = business
        self.folder = folder
        self.systems = folder / "systems"
        self.environment: dict[str, str | None] = {"DATAWARD_HOME": str(folder / "home")}
        self.environment.update(dict.fromkeys(UNSET))
        self._packages: dict[str, dict[str, Any]] = {}
        self._archives: dict[str, Path] = {}
        self.run("init")
        self.run(
            "examples", "generate", business, "--out", str(self.systems), "--people", str(people)
        )
        self.connections = read_env_file(self.env_file)

    @property
    def policy(self) -> Path:
        return self.systems / "dataward.yaml"

    @property
    def env_file(self) -> Path:
        return self.systems / "systems.env"

    def run(self, *arguments: str, exit_code: int | None = 0) -> Result:
        """One `dataward` command; `exit_code=None` accepts any but a crash."""
        result = CliRunner().invoke(app, list(arguments), env=self.environment)
        if exit_code is None:
            assert result.exit_code in (0, 1), (arguments, result.output)
        else:
            assert result.exit_code == exit_code, (arguments, result.output)
        return result

    def access(self, email: str) -> dict[str, Any]:
        """`dataward rights access` for that person: the package's data.json."""
        if email not in self._packages:
            package = self.folder / f"access-{len(self._packages)}.zip"
            self.run(
                "rights", "access", "-p", str(self.policy), "--env-file", str(self.env_file),
                "--email", email, "--out", str(package),
            )  # fmt: skip
            with zipfile.ZipFile(package) as archive:
                self._packages[email] = json.loads(archive.read("data.json"))
            self._archives[email] = package
        return self._packages[email]

    def package_files(self, email: str) -> list[str]:
        """The names in that person's access package."""
        self.access(email)
        with zipfile.ZipFile(self._archives[email]) as archive:
            return archive.namelist()

    def held_for(self, email: str, system: str, collection: str) -> list[dict[str, Any]]:
        """Why the package says that collection is held: activity, purpose, basis, recipients."""
        reasons: list[dict[str, Any]] = self.access(email)["held_for"][system][collection]
        return reasons

    def letter(self, email: str) -> str:
        """The Art 15 letter of that person's access package."""
        self.access(email)
        with zipfile.ZipFile(self._archives[email]) as archive:
            return archive.read("letter.html").decode("utf-8")

    def returned(self, email: str, system: str, collection: str) -> list[dict[str, Any]]:
        """The rows of one collection in that person's access package, as {field: value/cats}."""
        systems = self.access(email)["systems"]
        records = systems.get(system, {}).get(collection, [])
        return [record["fields"] for record in records]

    def rows(self, system: str, collection: str) -> list[Row]:
        """What the system itself holds, read without Dataward."""
        (declared,) = [s for s in self.data_map()["systems"] if s["name"] == system]
        connection = declared["connection"]
        if "url_env" in connection:
            url = self.connections[connection["url_env"]]
        else:  # a folder of files: its index
            folder = Path(self.connections[connection["path_env"]])
            url = f"sqlite:///{folder / connection.get('index', 'index.sqlite')}"
        engine = create_engine(url)
        try:
            table = Table(collection, MetaData(), autoload_with=engine)
            with engine.connect() as connection:
                return [dict(row) for row in connection.execute(select(table)).mappings()]
        finally:
            engine.dispose()

    def check_without(self, system: str, collection: str, field: str) -> str:
        """`dataward check` on a copy of the map whose `system.collection` lacks `field`."""
        data = self.data_map()
        (declared,) = [s for s in data["systems"] if s["name"] == system]
        (table,) = [c for c in declared["dataset"]["collections"] if c["name"] == collection]
        kept = [f for f in table["fields"] if f["name"] != field]
        assert len(kept) == len(table["fields"]) - 1, f"{system}.{collection} has no {field}"
        table["fields"] = kept
        cut = self.folder / f"without-{system}-{collection}-{field}.yaml"
        cut.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return self.run("check", str(cut), exit_code=None).output

    def data_map(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load(self.policy.read_text(encoding="utf-8"))
        return loaded


def value_of(record: dict[str, Any], field: str) -> Any:
    return record[field]["value"]


def flags_missing(output: str, category: str, system: str) -> bool:
    """Whether `dataward check` said an activity's category is held in no field of the system."""
    return any(
        f"'{category}' is not held in any field of {system}" in line for line in output.splitlines()
    )


# An item a business says it holds: (system, collection, field, category).
Item = tuple[str, str, str, str]


def not_returned(deployed: Deployed, emails: list[str], items: dict[str, Item]) -> list[str]:
    """The items no access package of these people returned with a value under that category."""
    missing = []
    for label, (system, collection, field, category) in items.items():
        found = any(
            value_of(record, field) not in (None, "") and category in record[field]["categories"]
            for email in emails
            for record in deployed.returned(email, system, collection)
        )
        if not found:
            missing.append(label)
    return missing


def not_flagged(deployed: Deployed, items: dict[str, Item]) -> list[str]:
    """Of the items whose field is the only one of its system holding a category an activity
    states for that system, those `dataward check` does not flag once the field is taken out."""
    data = deployed.data_map()
    unflagged = []
    checked = 0
    for label, (system, collection, field, category) in items.items():
        (declared,) = [s for s in data["systems"] if s["name"] == system]
        holders = [
            f["name"]
            for c in declared["dataset"]["collections"]
            for f in c["fields"]
            if any(c == category or c.startswith(f"{category}.") for c in f.get("categories", []))
        ]  # a field of a finer category (user.device.ip_address) holds user.device too
        stated = any(
            system in a.get("systems", []) and category in a["categories"]
            for a in data["activities"]
        )
        if holders != [field] or not stated:
            continue  # another field still holds it, or no activity states it: nothing to flag
        checked += 1
        if not flags_missing(deployed.check_without(system, collection, field), category, system):
            unflagged.append(label)
    assert checked, "no item is the only holder of its category: nothing was checked"
    return unflagged
