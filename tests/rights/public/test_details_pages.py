""" "My details" through the app: the code, what is shown and hidden, and corrections."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from dataward.app import create_app
from dataward.rights import service

from .centre import Centre, privacy_centre
from .web import post


def _prove(client: TestClient, centre: Centre, email: str) -> None:
    asked = post(client, "/my-details", "/my-details/start", email=email)
    assert asked.status_code == 303 and asked.headers["location"] == "/my-details/code"
    proved = post(client, "/my-details/code", "/my-details/code", code=centre.last_code(email))
    assert proved.status_code == 303 and proved.headers["location"] == "/my-details"


def test_without_a_code_my_details_shows_only_the_form(client: TestClient, centre: Centre) -> None:
    page = client.get("/my-details")
    assert page.status_code == 200
    assert 'action="/my-details/start"' in page.text
    assert centre.person("priya") not in page.text


def test_a_wrong_code_shows_nothing_and_an_unknown_address_is_answered_alike(
    client: TestClient, centre: Centre
) -> None:
    known = post(client, "/my-details", "/my-details/start", email=centre.person("priya"))
    unknown = post(client, "/my-details", "/my-details/start", email="nobody@elsewhere.example.net")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    wrong = post(client, "/my-details/code", "/my-details/code", code="000000")
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.text
    assert 'action="/my-details/start"' in client.get("/my-details").text


def test_someone_with_no_records_is_told_nothing_is_held(
    client: TestClient, centre: Centre
) -> None:
    _prove(client, centre, "nobody@elsewhere.example.net")
    assert "We found nothing held under this address" in client.get("/my-details").text


def test_a_field_the_policy_does_not_mark_correctable_cannot_be_changed_from_the_page(
    client: TestClient, centre: Centre
) -> None:
    priya = centre.person("priya")
    _prove(client, centre, priya)
    # The attacker's form: her email address and another table's name field, not offered.
    fields = {
        "field:crm.contacts.email": "attacker@evil.example",
        "field:ticketing.requesters.name": "X",
    }
    forged = post(client, "/my-details", "/my-details", **fields)
    assert forged.status_code == 400
    assert "nothing was changed" in forged.text.lower()
    with centre.runtime.transaction() as session:
        assert service.list_requests(session=session, clock=centre.clock) == []


def test_a_correction_cannot_be_saved_without_a_proved_code(
    client: TestClient, centre: Centre
) -> None:
    answer = post(
        client, "/my-details", "/my-details", **{"field:crm.contacts.job_title": "Director"}
    )
    assert answer.status_code == 403
    with centre.runtime.transaction() as session:
        assert service.list_requests(session=session, clock=centre.clock) == []


def test_a_forged_details_cookie_shows_nothing(client: TestClient, centre: Centre) -> None:
    _prove(client, centre, centre.person("priya"))
    cookie = client.cookies.get("dataward_details")
    assert cookie
    other = TestClient(client.app, follow_redirects=False)
    other.cookies.set(
        "dataward_details", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    )
    assert centre.person("priya") not in other.get("/my-details").text


def test_collections_a_restricted_activity_uses_are_not_shown_but_named(
    centre: Centre, tmp_path: Path
) -> None:
    with privacy_centre(centre.runtime, tmp_path / "support", "support") as support:
        client = TestClient(create_app(support.runtime), follow_redirects=False)
        priya = support.person("priya")
        _prove(client, support, priya)
        page = client.get("/my-details")
        assert page.status_code == 200
        assert "C100001" in page.text  # her customer number, from the help desk
        calls = support.deployment.rows("recordings", "calls")
        audio = [c["audio_file"] for c in calls if c["customer_number"] == "C100001"]
        assert audio and not any(name in page.text for name in audio)
        assert "Not shown here" in page.text and "Call recording" in page.text
