"""Helpers for the access-register scenarios: what Dataward stored, and a poll of its sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scenarios.product import Deployed


def database_bytes(deployed: Deployed) -> bytes:
    """Dataward's own SQLite database as stored on disk, its write-ahead log included."""
    home = Path(deployed.environment["DATAWARD_HOME"] or "")
    return b"".join(p.read_bytes() for p in sorted(home.glob("dataward.db*")))


def poll(deployed: Deployed) -> list[dict[str, Any]]:
    """`dataward access poll` over the deployment's systems: what each source recorded."""
    result = deployed.run(
        "access", "poll", "-p", str(deployed.policy), "--env-file", str(deployed.env_file),
        "--json",
    )  # fmt: skip
    sources: list[dict[str, Any]] = json.loads(result.stdout)["sources"]
    return sources
