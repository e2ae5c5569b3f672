"""S-09: consent is demonstrable (who, when, how, what notice version they saw) and withdrawable
as easily as given."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed

SIGN_UP = "Send me Northgate's newsletter and event invitations by email."


def test_s_09_consent_is_demonstrable_and_withdrawn_as_easily_as_given(tmp_path: Path) -> None:
    msp = ConsentDeployed("msp", tmp_path)
    subscriber = next(s for s in msp.rows("mailer", "subscribers") if s["unsubscribed_on"] is None)
    form = msp.wording("sign-up", SIGN_UP)

    given = msp.record(
        "--email", subscriber["email"], "--name", subscriber["first_name"],
        "--channel", "marketing", "--medium", "email", "--how", "web-form",
        "--wording-version", subscriber["consent_source"], "--wording-file", str(form),
    )  # fmt: skip
    assert msp.check("--email", subscriber["email"], "--channel", "marketing")["allowed"]

    # Withdrawing takes one command with nothing to fill in but who and what: no easier to give.
    msp.consent(
        "withdraw", "--email", subscriber["email"], "--channel", "marketing", "--how", "email"
    )
    verdict = msp.check("--email", subscriber["email"], "--channel", "marketing")
    assert (verdict["allowed"], verdict["reasons"]) == (False, ["withdrawn"])

    first, second = msp.history("--email", subscriber["email"].upper())
    person = msp.run("people", "find", "--email", subscriber["email"], "--json").output
    assert given["pseudonym"] in person  # who: the person in Dataward's encrypted store
    given_at = datetime.fromisoformat(first["recorded_at"])  # when
    assert given_at.tzinfo is not None
    assert given_at <= datetime.fromisoformat(second["recorded_at"])
    assert first["how"] == "web-form"  # how
    assert first["wording_version"] == subscriber["consent_source"]  # what they saw...
    assert first["wording_digest"] == hashlib.sha256(SIGN_UP.encode()).hexdigest()  # ...exactly
    assert (second["action"], second["how"]) == ("withdrawn", "email")
    shown = msp.consent("show", "--email", subscriber["email"], "--json")
    assert {p["state"] for p in shown["preferences"]} == {"withdrawn"}
    assert "consent ledger: 2 records match" in msp.run("audit", "verify").output
