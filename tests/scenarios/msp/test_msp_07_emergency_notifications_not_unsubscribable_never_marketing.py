"""msp-07: emergency notifications (email, phone, SMS) cannot be unsubscribed from and are never
used for marketing; marketing messages require consent."""

from __future__ import annotations

from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed


def test_msp_07_emergency_notifications_cannot_be_unsubscribed_and_never_carry_marketing(
    tmp_path: Path,
) -> None:
    msp = ConsentDeployed("msp", tmp_path)
    contact = msp.rows("crm", "contacts")[0]
    email, phone = contact["email"], contact["phone"]

    # Marketing needs consent: a client contact is not on the newsletter by being a client.
    verdict = msp.check("--email", email, "--channel", "marketing")
    assert (verdict["allowed"], verdict["reasons"]) == (False, ["no-consent"])

    # Opting out of emergency notifications is refused, on every medium.
    for medium in ("all", "email", "sms", "phone"):
        refused = msp.consent(
            "withdraw", "--email", email, "--channel", "emergency", "--medium", medium,
            "--how", "email", exit_code=1,
        )  # fmt: skip
        assert "no consent to give or withdraw" in refused.output
    # An objection to marketing and a suppressed address do not stop them either.
    msp.consent("withdraw", "--email", email, "--phone", phone, "--channel", "marketing",
                "--how", "email", "--objection")  # fmt: skip
    assert "suppression list" in msp.run("people", "find", "--email", email).output
    for medium in ("email", "sms", "phone"):
        verdict = msp.check(
            "--email", email, "--phone", phone, "--channel", "emergency", "--medium", medium
        )
        assert (verdict["allowed"], verdict["reasons"]) == (True, ["service-message"])
        # ...and they can never carry marketing.
        result = msp.run(
            "comms", "check", "--email", email, "--channel", "emergency", "--medium", medium,
            "--marketing", "-p", str(msp.policy), exit_code=1,
        )  # fmt: skip
        assert "can never carry marketing" in result.output
    refused = msp.run(
        "comms", "screen", str(msp.wording("list", f"email\n{email}\n")), "--channel",
        "emergency-email", "-p", str(msp.policy), exit_code=1,
    )  # fmt: skip
    assert "can never carry marketing" in refused.output
