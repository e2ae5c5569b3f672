"""msp-08: feedback comments are published (name, company, comment) only with the person's
consent."""

from __future__ import annotations

from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed

ASK = "May we publish your comment with your name and company on our website?"


def test_msp_08_feedback_is_published_only_with_consent_for_that_use(tmp_path: Path) -> None:
    msp = ConsentDeployed("msp", tmp_path)
    contacts = {c["id"]: c for c in msp.rows("crm", "contacts")}
    feedback = msp.rows("crm", "feedback")
    agreed = next(f for f in feedback if f["publish_consent"])
    author = contacts[agreed["contact_id"]]
    other = next(c for c in contacts.values() if c["id"] != author["id"])
    check = ("--purpose", "feedback-publication")

    assert msp.check("--email", author["email"], *check)["reasons"] == ["no-consent"]
    # Consent to the newsletter is not consent to be quoted.
    msp.record(
        "--email", author["email"], "--channel", "marketing", "--how", "web-form",
        "--wording-version", "newsletter v2", "--wording", "Send me the newsletter.",
    )  # fmt: skip
    assert not msp.check("--email", author["email"], *check)["allowed"]

    msp.record(
        "--email", author["email"], "--purpose", "feedback-publication", "--how", "email",
        "--wording-version", f"feedback form {agreed['submitted_on']}", "--wording", ASK,
    )  # fmt: skip
    assert msp.check("--email", author["email"], *check) | {"on": None} == {
        "allowed": True,
        "reasons": ["consent"],
        "purpose": "feedback-publication",
        "medium": "all",
        "on": None,
    }
    assert not msp.check("--email", other["email"], *check)["allowed"]

    # Taken back: the comment comes down.
    msp.consent("withdraw", "--email", author["email"], "--purpose", "feedback-publication",
                "--how", "privacy-centre")  # fmt: skip
    assert msp.check("--email", author["email"], *check)["reasons"] == ["withdrawn"]
