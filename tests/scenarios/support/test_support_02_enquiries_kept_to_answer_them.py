"""support-02: an enquiry's email content and the enquirer's contact details are kept to answer
the enquiry: the access request returns them from the helpdesk, says that is why they are held,
and the map cannot lose track of them unnoticed."""

from __future__ import annotations

from pathlib import Path

from scenarios.product import Deployed, flags_missing, value_of

from dataward.examples import known_people

KEPT = {
    "from_name": "user.name",
    "from_email": "user.contact.email",
    "phone": "user.contact.phone_number",
    "subject": "user.content.enquiry",
    "body": "user.content.email",
}


def test_support_02_an_enquirers_email_and_contact_details_are_kept_to_answer_the_enquiry(
    tmp_path: Path,
) -> None:
    support = Deployed("support", tmp_path, people=20)
    tom = known_people("support")["tom"]  # enquired, never became a customer

    returned = support.returned(tom.email, "helpdesk", "enquiries")
    held = [r for r in support.rows("helpdesk", "enquiries") if r["from_email"] == tom.email]
    assert held and len(returned) == len(held)
    by_id = {row["id"]: row for row in held}
    for record in returned:
        source = by_id[value_of(record, "id")]
        for field, category in KEPT.items():
            assert value_of(record, field) == source[field], field
            assert record[field]["categories"] == [category], field
        assert value_of(record, "body") and value_of(record, "subject")

    # Why: the package and its letter name the purpose of answering the enquiry.
    reasons = support.access(tom.email)["held_for"]["helpdesk"]["enquiries"]
    (answering,) = [r for r in reasons if r["activity"] == "Answering enquiries"]
    assert answering["purpose"].startswith("to answer your enquiry")
    assert "2 years" in answering["retention"]
    assert "to answer your enquiry" in support.letter(tom.email)

    # A map that stops declaring where the email content is kept is flagged by `dataward check`.
    output = support.check_without("helpdesk", "enquiries", "body")
    assert flags_missing(output, "user.content.email", "helpdesk"), output
