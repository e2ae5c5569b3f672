"""S-08: a marketing opt-out is honoured everywhere and forever. In the support example the
unsubscribed newsletter reader is swept from the mailing list; afterwards Dataward's own
database holds no trace of the address in clear, only its keyed hash, and that hash is enough
to keep every later import (a CSV, or another Dataward's export) from re-subscribing them."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

from scenarios.product import Deployed

from dataward.examples.businesses.support.generate import KNOWN_PEOPLE


def test_s_08_the_swept_address_is_kept_only_hashed_and_no_import_resubscribes_it(
    tmp_path: Path,
) -> None:
    support = Deployed("support", tmp_path)
    tom = KNOWN_PEOPLE["tom"]  # unsubscribed from the newsletter two months ago
    assert tom.email in {s["email"] for s in support.rows("mailing", "subscribers")}

    support.run(
        "retention", "sweep", "-p", str(support.policy), "--env-file", str(support.env_file),
        "--system", "mailing", "--json",
    )  # fmt: skip

    assert tom.email not in {s["email"] for s in support.rows("mailing", "subscribers")}
    # Every byte Dataward keeps (the database and its write-ahead log): no trace in clear.
    home = tmp_path / "home"
    stored = b"".join(f.read_bytes() for f in sorted(home.glob("dataward.db*")))
    assert tom.email.encode() not in stored and tom.email.split("@")[0].encode() not in stored
    with sqlite3.connect(home / "dataward.db") as db:
        entries = db.execute("SELECT kind, identifier_hash FROM suppression_entries").fetchall()
    assert entries
    assert all(kind == "email" and re.fullmatch("[0-9a-f]{64}", h) for kind, h in entries)
    check = support.run("suppression", "check", "--email", f" {tom.email.upper()} ", "--json")
    assert json.loads(check.output) == {"suppressed": True}

    # The export another deployment would take: hashes, no address.
    exported = tmp_path / "suppression.csv"
    support.run("suppression", "export", "--out", str(exported))
    assert "@" not in exported.read_text(encoding="utf-8")

    # The newsletter provider's re-export, with Tom on it again, is filtered before import.
    relist = tmp_path / "sendwell.csv"
    with relist.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email", "first_name"])
        writer.writerow([tom.email, tom.first_name])
    allowed = tmp_path / "allowed.csv"
    out = support.run("suppression", "filter", str(relist), "--out", str(allowed), "--json")
    assert json.loads(out.output)["kept"] == 0
    assert allowed.read_text(encoding="utf-8").splitlines() == ["email,first_name"]
