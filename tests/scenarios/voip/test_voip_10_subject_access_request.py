"""voip-10: a subject access request returns why each item is held, what is held, who receives
it, and a copy."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from pathlib import Path

from scenarios.rights_deploy import Desk, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.models import RequestKind, RequestState


def test_voip_10_access_says_why_each_item_is_held_who_gets_it_with_a_copy(
    runtime: Runtime, clock: FixedClock, tmp_path: Path
) -> None:
    with deploy("voip", tmp_path / "systems", "sqlite") as voip, runtime.sessions() as db:
        desk = Desk(db, Keyring(secrets.token_bytes(32)), clock, tmp_path / "home", voip)
        priya = voip.known["priya"]
        request = desk.request(RequestKind.ACCESS, "priya")
        outcome = desk.run(request)
        assert request.state == RequestState.AWAITING_REVIEW
        assert outcome.package is not None
        archive = zipfile.ZipFile(io.BytesIO(outcome.package))
        data = json.loads(archive.read("data.json"))

        # What is held: a copy, checked against the CRM itself.
        customer = next(c for c in voip.rows("crm", "customers") if c["email"] == priya.email)
        invoices = sorted(
            i["id"] for i in voip.rows("crm", "invoices") if i["customer_id"] == customer["id"]
        )
        copied = sorted(r["fields"]["id"]["value"] for r in data["systems"]["crm"]["invoices"])
        assert invoices and copied == invoices
        assert "csv/crm/invoices.csv" in archive.namelist()
        assert [n for n in archive.namelist() if n.startswith("files/recordings/calls/")]

        # Why each item is held, and who receives it: per table, machine-readable...
        why = data["held_for"]
        billing = {r["activity"]: r for r in why["crm"]["invoices"]}
        assert billing["Billing and accounts"]["lawful_basis"] == "legal_obligation"
        assert billing["Billing and accounts"]["recipients"] == ["HM Revenue & Customs"]
        recordings = {r["activity"]: r for r in why["recordings"]["calls"]}
        assert recordings["Call recording"]["recipients"] == ["CallVault Ltd"]
        assert "12 months" in recordings["Call recording"]["retention"]
        # ...and in the letter.
        letter = archive.read("letter.html").decode()
        for expected in (
            "Where each item is held and why",
            "<td>crm</td><td>invoices</td>",
            "Billing and accounts",
            "to bill you and keep the accounting records the law requires",
            "CallVault Ltd",
            "HM Revenue &amp; Customs",
        ):
            assert expected in letter, expected
        # Recruitment holds nothing of hers, so it is not claimed.
        assert "to consider your application" not in letter
