"""schools-04: marketing about events by email, phone or post can be withdrawn at any time; that
does not stop estimates and invoices."""

from __future__ import annotations

import csv
from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed


def test_schools_04_event_marketing_is_withdrawn_per_medium_and_invoices_still_go(
    tmp_path: Path,
) -> None:
    schools = ConsentDeployed("schools", tmp_path)
    members = [m for m in schools.rows("events", "mailing_list") if m["withdrawn_on"] is None]
    member = next(m for m in members if m["by_email"] and m["by_post"])
    # The events sign-up form's boxes, as the events system holds them.
    form = tmp_path / "events-sign-up.csv"
    with form.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email", "phone", "name", "opt_in_email", "opt_in_phone", "opt_in_post"])
        for m in members:
            boxes = ["yes" if m[k] else "no" for k in ("by_email", "by_phone", "by_post")]
            writer.writerow([m["email"], m["phone"], m["name"], *boxes])
    schools.consent(
        "import", str(form), "--channel", "events", "--how", "web-form",
        "--wording-version", "events sign-up v1", "--wording", "Invite me to training days.",
    )  # fmt: skip

    email = ("--email", member["email"])
    assert schools.check(*email, "--channel", "events", "--medium", "email")["allowed"]
    assert schools.check(*email, "--channel", "events", "--medium", "post")["allowed"]

    # Withdrawn by post only: letters stop, emails continue.
    schools.consent("withdraw", *email, "--channel", "events", "--medium", "post",
                    "--how", "letter")  # fmt: skip
    assert schools.check(*email, "--channel", "events", "--medium", "post")["reasons"] == [
        "withdrawn"
    ]
    assert schools.check(*email, "--channel", "events", "--medium", "email")["allowed"]
    # Then all of it, at any time.
    schools.consent("withdraw", *email, "--channel", "events", "--how", "privacy-centre")
    for medium in ("email", "phone", "post"):
        verdict = schools.check(
            *email, "--phone", member["phone"], "--channel", "events", "--medium", medium
        )
        assert verdict["reasons"] == ["withdrawn"], medium
    # Estimates and invoices still reach the school.
    for medium in ("email", "post"):
        verdict = schools.check(*email, "--channel", "service", "--medium", medium)
        assert verdict["allowed"] and verdict["reasons"] == ["service-message"]
