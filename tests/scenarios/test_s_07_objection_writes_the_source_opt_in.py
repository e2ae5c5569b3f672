"""S-07: an objection to marketing changes the source system itself. The telecoms example's
marketing channel names its CRM's opt-in boxes (`opt_in: crm.contacts.email_ok, ...`); the
objection unticks them through the connector, with evidence, and no later import undoes it."""

from __future__ import annotations

import csv
import json
import secrets
from pathlib import Path

import pytest
from scenarios.rights_deploy import BACKENDS, Desk, deploy

from dataward.audit import service as audit
from dataward.consent import lists
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.models import RequestKind, TaskMode, TaskState
from dataward.rights.restriction import purpose_stopped

NEWSLETTER = "marketing.communications.email"
BOXES = ("email_ok", "sms_ok", "post_ok")


@pytest.mark.parametrize("backend", BACKENDS)
def test_s_07_a_marketing_objection_unticks_the_crm_boxes_and_no_import_reticks_them(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("telecoms", tmp_path / "systems", backend) as telecoms, runtime.sessions() as db:
        keyring = Keyring(secrets.token_bytes(32))
        desk = Desk(db, keyring, clock, tmp_path / "home", telecoms)
        priya = telecoms.known["priya"]

        def her_contacts() -> list[dict[str, object]]:
            return [r for r in telecoms.rows("crm", "contacts") if r["email"] == priya.email]

        before = her_contacts()
        assert before and any(r["email_ok"] for r in before), "she ticked email in the example"
        others_before = {
            r["id"]: tuple(r[b] for b in BOXES)
            for r in telecoms.rows("crm", "contacts")
            if r["email"] != priya.email
        }

        request = desk.request(RequestKind.OBJECTION, "priya", purposes=[NEWSLETTER])
        outcome = desk.run(request)

        # The CRM itself now says no, on every box, for her rows only.
        assert [tuple(r[b] for b in BOXES) for r in her_contacts()] == [(False,) * 3] * len(before)
        others_after = {
            r["id"]: tuple(r[b] for b in BOXES)
            for r in telecoms.rows("crm", "contacts")
            if r["email"] != priya.email
        }
        assert others_after == others_before
        # No one's hands were needed: the column was named, so no manual task is left.
        tasks = {t.system: t for t in request.tasks}
        assert (tasks["crm"].mode, tasks["crm"].state) != (TaskMode.MANUAL, TaskState.PENDING)
        assert "crm" not in outcome.manual
        # Evidence: which records, by digest, and which boxes; never her address.
        (written,) = list(
            audit.events(
                session=db,
                where=audit.EventFilter(action_prefix="rights.objection.opt_in_withdrawn"),
            )
        )
        assert written.details["fields"] == list(BOXES)
        assert written.details["records"] == len(before)
        assert len(written.details["key_digests"]) == len(before)
        assert priya.email not in json.dumps(written.details)

        # Stays stopped: a month later the mailing house sends back a list with her on it,
        # boxes ticked; filtered before any import, her row does not get in.
        clock.advance(days=31)
        returned = tmp_path / "printfold-return.csv"
        with returned.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["email", "phone", *BOXES])
            writer.writerow([priya.email.upper(), "", "true", "true", "true"])
            writer.writerow(["new.lead@example.com", "", "true", "false", "false"])
        allowed = tmp_path / "allowed.csv"
        report = lists.filter_file(session=db, keyring=keyring, source=returned, out=allowed)
        assert (report.rows, report.kept, report.dropped_lines) == (2, 1, [2])
        assert priya.email not in allowed.read_text(encoding="utf-8").lower()
        assert purpose_stopped(
            session=db, keyring=keyring, purpose="marketing.communications", email=priya.email
        )
        # Running the request again changes nothing back.
        desk.run(request)
        assert [tuple(r[b] for b in BOXES) for r in her_contacts()] == [(False,) * 3] * len(before)
