"""telecoms-03: marketing preferences are set by checkboxes on the collection form, by an
unsubscribe link in every message, or by contacting the business; all three reach the same
preference record."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from fastapi.testclient import TestClient
from scenarios.consent_deploy import ConsentDeployed

from dataward.app import create_app
from dataward.core.config import Settings
from dataward.core.runtime import Runtime

BOXES = "Tick to hear about offers on lines, handsets and broadband: by email, by text, by post."


def test_telecoms_03_the_form_the_unsubscribe_link_and_a_call_change_one_record(
    tmp_path: Path,
) -> None:
    telecoms = ConsentDeployed("telecoms", tmp_path)
    contacts = telecoms.rows("crm", "contacts")
    # 1. The collection form's checkboxes, as the CRM holds them, imported into the ledger.
    form = tmp_path / "contact-form.csv"
    with form.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email", "phone", "name", "opt_in_email", "opt_in_sms", "opt_in_post"])
        for c in contacts:
            boxes = ["yes" if c[k] else "no" for k in ("email_ok", "sms_ok", "post_ok")]
            writer.writerow([c["email"], c["phone"], c["name"], *boxes])
    telecoms.consent(
        "import", str(form), "--channel", "marketing", "--how", "web-form",
        "--wording-version", "contact form 2026", "--wording", BOXES,
    )  # fmt: skip
    person = next(c for c in contacts if c["email_ok"] and c["post_ok"])
    email, phone = person["email"], person["phone"]
    for medium in ("email", "post"):
        assert telecoms.check("--email", email, "--channel", "marketing", "--medium", medium)[
            "allowed"
        ]

    # 2. The unsubscribe link in a marketing email, clicked through its confirmation page.
    link = telecoms.run(
        "comms", "unsubscribe-link", "--email", email, "--channel", "marketing",
        "--medium", "email", "--base-url", "https://privacy.mobitel.example",
        "-p", str(telecoms.policy),
    ).output.strip()  # fmt: skip
    path = re.sub(r"^https://privacy\.mobitel\.example", "", link)
    settings = Settings(home=tmp_path / "home", policy=telecoms.policy, environment="test")
    with TestClient(create_app(Runtime(settings=settings)), follow_redirects=False) as web:
        page = web.get(path)
        assert page.status_code == 200 and 'action="' + path + '"' in page.text
        clicked = web.post(path)
        assert clicked.status_code == 303
        assert "You are unsubscribed" in web.get(clicked.headers["location"]).text

    # 3. Staff note a phone call: no more letters either.
    telecoms.consent(
        "withdraw", "--phone", phone, "--channel", "marketing", "--medium", "post",
        "--how", "call-note", "--wording-version", "call 2026-03-02",
        "--wording", "Caller asked us to stop sending offers by post.",
    )  # fmt: skip

    # One record, whichever route changed it.
    shown = telecoms.consent("show", "--email", email, "--json")
    by_medium = {p["medium"]: (p["state"], p["how"]) for p in shown["preferences"]}
    assert by_medium["email"] == ("withdrawn", "unsubscribe-link")
    assert by_medium["post"] == ("withdrawn", "call-note")
    assert telecoms.consent("show", "--phone", phone, "--json") == shown
    for medium in ("email", "post"):
        verdict = telecoms.check(
            "--email", email, "--phone", phone, "--channel", "marketing", "--medium", medium
        )
        assert not verdict["allowed"], medium
    # The unsubscribe also put the address on the suppression list, for every later list.
    summary, kept = telecoms.screen(
        [{"email": c["email"]} for c in contacts if c["email_ok"]], "--channel", "marketing-email"
    )
    assert email not in kept and summary["dropped"].get("suppressed") == 1
