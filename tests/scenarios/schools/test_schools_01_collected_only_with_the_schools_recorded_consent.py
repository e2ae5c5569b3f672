"""schools-01: data is collected only with the school's recorded consent; the consent record
names the school and the person who gave it."""

from __future__ import annotations

from pathlib import Path

from scenarios.consent_deploy import ConsentDeployed

PURPOSE = "school-account"


def test_schools_01_the_consent_record_names_the_school_and_who_gave_it(tmp_path: Path) -> None:
    schools = ConsentDeployed("schools", tmp_path)
    names = {s["id"]: s["name"] for s in schools.rows("crm", "schools")}
    consents = [c for c in schools.rows("crm", "consents") if c["withdrawn_on"] is None]
    method = {"signed order form": "order-form", "email confirmation": "email"}
    for consent in consents[:3]:
        schools.record(
            "--email", consent["given_by_email"], "--name", consent["given_by_name"],
            "--purpose", PURPOSE, "--how", method.get(consent["method"], "letter"),
            "--organisation", names[consent["school_id"]],
            "--given-by", consent["given_by_email"],
            "--wording-version", f"privacy notice {consent['notice_version']}",
            "--wording", f"{names[consent['school_id']]} agrees to the collection of its data.",
        )  # fmt: skip

    first = consents[0]
    school = names[first["school_id"]]
    (event,) = schools.history("--organisation", school.upper())
    giver = schools.run("people", "find", "--email", first["given_by_email"], "--json").output
    assert event["organisation"] == school
    assert event["given_by"] in giver and event["pseudonym"] in giver
    assert (event["purpose"], event["action"]) == (PURPOSE, "given")
    assert event["wording_version"] == f"privacy notice {first['notice_version']}"

    # Collection is checked against that record: yes for a school that consented...
    assert schools.check("--email", first["given_by_email"], "--purpose", PURPOSE)["allowed"]
    # ...no for one whose consent is not recorded.
    unrecorded = consents[3] if len(consents) > 3 else None
    if unrecorded is not None:
        verdict = schools.check("--email", unrecorded["given_by_email"], "--purpose", PURPOSE)
        assert verdict["reasons"] == ["no-consent"]
    # Consent for a school without the person who gave it is refused.
    result = schools.consent(
        "record", "--email", first["given_by_email"], "--purpose", PURPOSE, "--how", "email",
        "--organisation", school, "--wording-version", "v1", "--wording", "agreed", exit_code=2,
    )  # fmt: skip
    assert "who gave it" in result.output
