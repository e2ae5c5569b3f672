"""telecoms-06: inaccurate data is corrected or completed on request, and a copy of the data is
given on request."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, Desk, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.models import ItemOutcome, RequestKind, RequestState

NEW_ADDRESS = "7 Kings Road, Reading"
NEW_POSTCODE = "RG1 3AR"


@pytest.mark.parametrize("backend", BACKENDS)
def test_telecoms_06_a_new_address_is_corrected_everywhere_and_the_copy_shows_it(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("telecoms", tmp_path / "systems", backend) as telecoms, runtime.sessions() as db:
        desk = Desk(db, Keyring(secrets.token_bytes(32)), clock, tmp_path / "home", telecoms)
        priya = telecoms.known["priya"]
        number = priya.identities["account_number"]
        request = desk.request(
            RequestKind.RECTIFICATION,
            "priya",
            details={
                # The postcode first: the most specific change wins whatever the order.
                "changes": {
                    "user.contact.address.postal_code": NEW_POSTCODE,
                    "user.contact.address": NEW_ADDRESS,
                }
            },
        )
        desk.run(request)
        assert request.state == RequestState.AWAITING_REVIEW

        account = next(
            a for a in telecoms.rows("billing", "accounts") if a["account_number"] == number
        )
        assert (account["address"], account["postcode"]) == (NEW_ADDRESS, NEW_POSTCODE)
        contact = next(c for c in telecoms.rows("crm", "contacts") if c["email"] == priya.email)
        assert contact["postal_address"] == NEW_ADDRESS
        others = [a for a in telecoms.rows("billing", "accounts") if a["account_number"] != number]
        assert others and all(a["address"] != NEW_ADDRESS for a in others)
        assert {(i.system, i.collection) for i in request.items} >= {
            ("billing", "accounts"),
            ("crm", "contacts"),
        }
        assert {i.outcome for i in request.items} == {ItemOutcome.RECTIFIED}

        copy = desk.request(RequestKind.ACCESS, "priya")
        outcome = desk.run(copy)
        assert outcome.package is not None
        data = json.loads(zipfile.ZipFile(io.BytesIO(outcome.package)).read("data.json"))
        held = data["systems"]["billing"]["accounts"][0]["fields"]
        assert held["address"] == {"value": NEW_ADDRESS, "categories": ["user.contact.address"]}
        assert held["postcode"]["value"] == NEW_POSTCODE
