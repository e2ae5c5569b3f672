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


def signed_in_client(runtime: Any, example: Any, account: Any) -> Any:
    """A browser-like client of the web app applying the example's data map, signed in."""
    from access.web import app_client, configured
    from browser import sign_in

    from dataward.examples.catalogue import policy_path

    configured(runtime, policy_path(example.name), example.out / "systems.env")
    client = app_client(runtime)
    sign_in(client, runtime, account)
    return client


def csrf_of(page_text: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def register_rows(runtime: Any, source: str) -> list[Any]:
    """What the access register holds from that source, in order."""
    from sqlalchemy import select

    from dataward.access.models import AccessEvent

    with runtime.transaction() as session:
        return list(
            session.scalars(
                select(AccessEvent).where(AccessEvent.source == source).order_by(AccessEvent.id)
            )
        )


def findings_of(runtime: Any, event_id: int) -> list[str]:
    from sqlalchemy import select

    from dataward.access.models import AccessFinding

    with runtime.transaction() as session:
        return [
            f.rule
            for f in session.scalars(
                select(AccessFinding).where(AccessFinding.event_id == event_id)
            )
        ]
