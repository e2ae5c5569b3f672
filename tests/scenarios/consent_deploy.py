"""An example business whose marketing goes through Dataward's consent ledger, by the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scenarios.product import Deployed


class ConsentDeployed(Deployed):
    """`Deployed` with the consent commands a business's staff and systems would run."""

    def consent(self, verb: str, *args: str, exit_code: int | None = 0) -> Any:
        policy = ("-p", str(self.policy)) if verb in ("record", "withdraw", "import") else ()
        result = self.run("consent", verb, *args, *policy, exit_code=exit_code)
        return json.loads(result.output) if "--json" in args and result.exit_code == 0 else result

    def record(self, *args: str) -> dict[str, Any]:
        found: dict[str, Any] = self.consent("record", *args, "--json")
        return found

    def check(self, *args: str) -> dict[str, Any]:
        """`comms check`: the verdict, whatever the exit code (1 means no)."""
        result = self.run("comms", "check", *args, "-p", str(self.policy), "--json", exit_code=None)
        verdict: dict[str, Any] = json.loads(result.output)
        assert result.exit_code == (0 if verdict["allowed"] else 1)
        return verdict

    def history(self, *args: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(
            self.run("consent", "history", *args, "--json").output
        )
        return found

    def screen(self, rows: list[dict[str, str]], *args: str) -> tuple[dict[str, Any], list[str]]:
        """`comms screen` of these rows: the summary and the allowed rows' emails."""
        listed = self.folder / f"list-{len(list(self.folder.glob('list-*.csv')))}.csv"
        with listed.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        allowed = listed.with_suffix(".allowed.csv")
        result = self.run(
            "comms", "screen", str(listed), *args, "--out", str(allowed),
            "-p", str(self.policy), "--json",
        )  # fmt: skip
        with allowed.open(encoding="utf-8", newline="") as stream:
            kept = [row.get("email") or row.get("phone") or "" for row in csv.DictReader(stream)]
        return json.loads(result.output), kept

    def wording(self, name: str, text: str) -> Path:
        path = self.folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        return path
