"""msp-12: after a marketing unsubscribe the address is kept, as a suppression entry, so
marketing is never sent again: the retention sweep deletes the unsubscribed subscriber (rule
`unsubscribed-1-month`, marked `suppress: true`) and the address stays suppressed for good."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from scenarios.product import Deployed

from dataward.examples.businesses.msp.generate import KNOWN_PEOPLE


def _suppressed(msp: Deployed, email: str) -> bool:
    answer = json.loads(msp.run("suppression", "check", "--email", email, "--json").output)
    return bool(answer["suppressed"])


def _sweep(msp: Deployed, exit_code: int | None = 0) -> dict[str, object]:
    result = msp.run(
        "retention", "sweep", "-p", str(msp.policy), "--env-file", str(msp.env_file),
        "--system", "mailer", "--json", exit_code=exit_code,
    )  # fmt: skip
    report: dict[str, object] = json.loads(result.output)
    return report


def test_msp_12_an_unsubscribed_subscriber_is_swept_and_the_address_stays_suppressed(
    tmp_path: Path,
) -> None:
    msp = Deployed("msp", tmp_path)
    tom = KNOWN_PEOPLE["tom"]  # unsubscribed two months ago
    subscribers = msp.rows("mailer", "subscribers")
    unsubscribed = [s for s in subscribers if s["unsubscribed_on"] is not None]
    assert tom.email in {s["email"] for s in unsubscribed}
    assert not _suppressed(msp, tom.email)

    _sweep(msp)

    left = msp.rows("mailer", "subscribers")
    assert tom.email not in {s["email"] for s in left}
    gone = {s["email"] for s in subscribers} - {s["email"] for s in left}
    assert gone, "the sweep deleted the subscribers who left over a month ago"
    # Every deleted subscriber is suppressed, and no one who is still subscribed.
    assert all(_suppressed(msp, email) for email in gone)
    still = [s["email"] for s in left if s["unsubscribed_on"] is None][:3]
    assert still and not any(_suppressed(msp, email) for email in still)

    # The entry is kept: a later sweep leaves it. (That sweep may report the one subscriber
    # whose opens and clicks, kept two years, still point at them: the source refuses.)
    _sweep(msp, exit_code=None)
    assert _suppressed(msp, tom.email.upper())

    # A list exported from the old CRM is imported into the mailer through Dataward, which
    # filters it first: Tom stays out, the new subscriber goes in.
    old_list = tmp_path / "crm-export.csv"
    with old_list.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email", "first_name", "subscribed_at", "consent_source"])
        writer.writerow([tom.email, tom.first_name, "2026-01-05T10:00:00+00:00", "old crm"])
        writer.writerow(["sam.new@example.com", "Sam", "2026-01-06T10:00:00+00:00", "old crm"])
    allowed = tmp_path / "to-import.csv"
    report = json.loads(
        msp.run(
            "suppression", "filter", str(old_list), "--out", str(allowed),
            "--into", "mailer.subscribers", "-p", str(msp.policy),
            "--env-file", str(msp.env_file), "--json",
        ).output
    )  # fmt: skip
    assert (report["kept"], report["imported"], report["dropped_lines"]) == (1, 1, [2])
    emails = {s["email"] for s in msp.rows("mailer", "subscribers")}
    assert "sam.new@example.com" in emails
    assert tom.email not in emails
    assert tom.email not in allowed.read_text(encoding="utf-8")
