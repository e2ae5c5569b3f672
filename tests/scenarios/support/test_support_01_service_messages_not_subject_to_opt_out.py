"""support-01: service messages (account and payment status, terms, prices, opening hours) are
sent under the contract and are not subject to marketing opt-out."""

from __future__ import annotations

from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed


def test_support_01_service_messages_reach_customers_who_opted_out_of_marketing(
    tmp_path: Path,
) -> None:
    support = ConsentDeployed("support", tmp_path)
    customers = support.rows("helpdesk", "customers")
    opted_out, other = customers[0], customers[1]
    for customer in (opted_out, other):
        support.record(
            "--email", customer["email"], "--channel", "marketing", "--how", "web-form",
            "--wording-version", "newsletter v1", "--wording", "Monthly IT tips and offers.",
        )  # fmt: skip
    support.consent("withdraw", "--email", opted_out["email"], "--channel", "marketing",
                    "--how", "unsubscribe-link", "--objection")  # fmt: skip

    rows = [{"email": c["email"]} for c in (opted_out, other)]
    marketing, kept = support.screen(rows, "--channel", "marketing")
    assert kept == [other["email"]]
    assert marketing["dropped"] == {"suppressed": 1}
    for medium in ("email", "sms"):
        verdict = support.check(
            "--email", opted_out["email"], "--phone", opted_out["phone"],
            "--channel", "service", "--medium", medium,
        )  # fmt: skip
        assert verdict["allowed"] and verdict["reasons"] == ["service-message"]
    refused = support.consent("withdraw", "--email", opted_out["email"], "--channel", "service",
                              "--how", "email", exit_code=1)  # fmt: skip
    assert "sent under the contract" in refused.output
