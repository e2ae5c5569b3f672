"""schools-10: people can access, correct, erase and object, each through the product on the
school IT supplier's real systems, and the notice (and the access letter) tell them they may
complain to the ICO."""

from __future__ import annotations

from pathlib import Path

from scenarios.product import Deployed

from dataward.examples import known_people


def test_schools_10_access_rectify_erase_and_object_work_and_the_ico_is_named(
    tmp_path: Path,
) -> None:
    schools = Deployed("schools", tmp_path, people=20)
    people = known_people("schools")
    priya, fiona, ross = people["priya"], people["fiona"], people["ross"]
    policy, env_file = str(schools.policy), str(schools.env_file)

    # The notice lists the four rights and the right to complain to the ICO.
    notice = tmp_path / "notice.md"
    schools.run("notice", "render", policy, "--format", "md", "--out", str(notice))
    text = notice.read_text(encoding="utf-8")
    for right in ("Correct your information", "Object", "Complaints"):
        assert right in text, right
    assert "complain to the Information Commissioner's Office (ICO)" in text
    assert "https://ico.org.uk/make-a-complaint/" in text

    # Access: what the CRM holds on Priya comes back, and the letter names the ICO too.
    contacts = schools.returned(priya.email, "crm", "staff_contacts")
    assert [c["email"]["value"] for c in contacts] == [priya.email]
    assert "complain to the Information Commissioner" in schools.letter(priya.email)

    # Rectify: a new phone number reaches the CRM.
    new_phone = "+447700900123"
    schools.run(
        "rights", "rectify", "-p", policy, "--env-file", env_file,
        "--email", priya.email, "--set", f"user.contact.phone_number={new_phone}",
    )  # fmt: skip
    (row,) = [r for r in schools.rows("crm", "staff_contacts") if r["email"] == priya.email]
    assert row["phone"] == new_phone

    # Erase: Ross's contact record is gone from the CRM.
    assert any(r["email"] == ross.email for r in schools.rows("crm", "staff_contacts"))
    schools.run("rights", "erase", "-p", policy, "--env-file", env_file, "--email", ross.email)
    assert not any(r["email"] == ross.email for r in schools.rows("crm", "staff_contacts"))

    # Object: Fiona's objection to marketing restricts her record in the events system. The
    # events system is worked by hand, so the request stays open (exit 1) until staff confirm.
    objected = schools.run(
        "rights", "object", "-p", policy, "--env-file", env_file,
        "--email", fiona.email, "--purpose", "marketing.communications",
        exit_code=None,
    )  # fmt: skip
    (events,) = [line for line in objected.output.splitlines() if line.strip().startswith("events")]
    assert "restricted 1" in events and "Event marketing" in events
