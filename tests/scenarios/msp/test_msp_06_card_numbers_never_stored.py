"""msp-06: card numbers and bank details are never stored. The systems' free text (ticket
bodies and notes) is scanned and what is found is reported by record key, never by number,
then replaced in the system itself with evidence in the audit log; Dataward's own free text
refuses them at input."""

from __future__ import annotations

import json

import pytest
from scenarios.product import Deployed
from sqlalchemy import create_engine, text

CARD = "4929 1234 5678 9015"  # not a real card, but a Visa prefix with a valid check digit
assert CARD  # (kept in this file only: no output of the product may repeat it)


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed("msp", tmp_path_factory.mktemp("msp-06"), people=40)


def test_msp_06_card_numbers_in_tickets_are_found_by_key_and_removed(msp: Deployed) -> None:
    from dataward.core.payment_numbers import issued_card

    assert issued_card(CARD.replace(" ", ""))
    tickets = msp.rows("ticketing", "tickets")
    ticket, other = tickets[0], tickets[1]
    engine = create_engine(msp.connections["MSP_TICKETING_URL"])
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET description = :d WHERE id = :id"),
            {"d": f"Please renew the licence, charge card {CARD} exp 04/28", "id": ticket["id"]},
        )
        connection.execute(
            text("UPDATE tickets SET description = :d WHERE id = :id"),
            {"d": "Refund to sort code 20-45-77 account 41234567 please", "id": other["id"]},
        )
    scan = ("scan", "cards", "-p", str(msp.policy), "--env-file", str(msp.env_file), "--json")
    found = msp.run(*scan, exit_code=1)
    assert "4929" not in found.output and "41234567" not in found.output
    report = json.loads(found.stdout)
    assert sorted((f["key"], f["field"], f["kinds"][0]) for f in report["findings"]) == sorted(
        [(str(ticket["id"]), "description", "card"), (str(other["id"]), "description", "bank")]
    )
    assert report["rows_scanned"]["ticketing.tickets"] == len(tickets)

    redacted = msp.run(*scan, "--redact")
    assert json.loads(redacted.stdout)["findings"][0]["redacted"] is True
    after = {t["id"]: t["description"] for t in msp.rows("ticketing", "tickets")}
    assert (
        after[ticket["id"]]
        == "Please renew the licence, charge card [card number removed] exp 04/28"
    )
    assert after[other["id"]] == "Refund to sort code [bank details removed] please"
    assert after[tickets[2]["id"]] == tickets[2]["description"]

    log = msp.run("audit", "log", "--json").stdout
    events = [json.loads(line) for line in log.splitlines() if line.strip()]
    removed = [e for e in events if e["action"] == "cards.redacted"]
    assert len(removed) == 2 and "4929" not in log and "41234567" not in log
    assert json.loads(msp.run(*scan).stdout)["findings"] == []


def test_msp_06_dataward_refuses_a_card_number_in_its_own_notes(msp: Deployed) -> None:
    msp.environment["DATAWARD_SYSTEMS_ENV_FILE"] = str(msp.env_file)
    refused = msp.run(
        "rights", "open", "--kind", "access", "-p", str(msp.policy),
        "--email", "someone@example.com", "--note", f"they paid with {CARD}",
        exit_code=2,
    )  # fmt: skip
    assert "card number" in refused.output and "4929" not in refused.output
    accepted = msp.run(
        "rights", "open", "--kind", "access", "-p", str(msp.policy),
        "--email", "someone@example.com", "--note", "they paid with the card ending 9015",
    )  # fmt: skip
    assert accepted.exit_code == 0
