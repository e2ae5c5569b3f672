"""voip-08: complaints are stored against the account, used only to handle the complaint and
seen only by the roles that need them (the policy's complaint readers)."""

from __future__ import annotations

import json
from pathlib import Path

from scenarios.product import Deployed
from sqlalchemy import create_engine, text

from dataward.examples import known_people


def test_voip_08_complaints_are_held_against_the_account_and_read_only_by_named_roles(
    tmp_path: Path,
) -> None:
    voip = Deployed("voip", tmp_path, people=20)
    person = next(iter(known_people("voip").values()))
    policy = str(voip.policy)
    complaint = "Your engineer read out my card number on a recorded call"
    opened = voip.run(
        "complaints", "open", "-p", policy, "--channel", "phone", "--text", complaint,
        "--email", person.email, "--name", person.name, "--account", "SP-0042", "--json",
    )  # fmt: skip
    number = str(json.loads(opened.output)["id"])

    # Stored against the person: encrypted under their key, nothing readable in the tables.
    engine = create_engine(f"sqlite:///{tmp_path / 'home' / 'dataward.db'}")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT person_pseudonym, text_ct FROM complaints")).one()
    engine.dispose()
    assert stored.person_pseudonym.startswith("p_") and b"card number" not in stored.text_ct

    # A team leader may listen to recordings, but is not a complaint reader.
    for role in ("team_leader", "hr_manager", "admin"):
        refused = voip.run("complaints", "show", number, "-p", policy, "--role", role, exit_code=1)
        assert "card number" not in refused.output
    read = voip.run(
        "complaints", "show", number, "-p", policy, "--role", "customer_services_manager", "--json"
    )
    shown = json.loads(read.output)
    assert shown["text"] == complaint and shown["account"] == "SP-0042"
    # The list anyone with the register sees has dates and status, never what was said.
    listed = voip.run("complaints", "list", "-p", policy, "--json").output
    assert "card number" not in listed and person.email not in listed

    # Forgetting the person makes the complaint unreadable too (its key is gone).
    voip.run("people", "forget", "--email", person.email, "--reason", "erasure request")
    gone = voip.run(
        "complaints", "show", number, "-p", policy, "--role", "complaints_officer", exit_code=1
    )
    assert "erased" in gone.output
