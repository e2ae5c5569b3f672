"""The privacy centre's request pages through the app: forms, codes, status, downloads."""

from __future__ import annotations

import json

from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from dataward import domains
from dataward.cli import app as cli
from dataward.core import jobs
from dataward.core.runtime import Runtime
from dataward.rights import service
from dataward.rights.models import RequestState
from dataward.rights.public import browser

from .centre import Centre
from .web import ask, csrf, post


def _cli_env(runtime: Runtime) -> dict[str, str | None]:
    settings = runtime.settings
    assert settings.master_key is not None
    return {
        "DATAWARD_HOME": str(settings.home),
        "DATAWARD_DATABASE_URL": runtime.engine.url.render_as_string(hide_password=False),
        "DATAWARD_MASTER_KEY": settings.master_key.get_secret_value(),
    }


def _rights_list(runtime: Runtime) -> Result:
    """`dataward rights list --json` on the app's database (made by the test's create_all, so
    it is marked as made by `dataward init` for as long as the command runs)."""
    made = not inspect(runtime.engine).has_table("alembic_version")
    if made:
        with runtime.engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    try:
        listed = CliRunner().invoke(cli, ["rights", "list", "--json"], env=_cli_env(runtime))
    finally:
        if made:
            with runtime.engine.begin() as connection:
                connection.execute(text("DROP TABLE alembic_version"))
    assert listed.exit_code == 0, listed.output
    return listed


def _verify(client: TestClient, centre: Centre, email: str) -> str:
    """Enter the code just mailed to `email` on the code page; the request's reference."""
    page = client.get("/requests/verify?sent=1")
    reference = page.text.split('name="reference" type="text" value="', 1)[1].split('"', 1)[0]
    answer = post(
        client, "/requests/verify", "/requests/verify",
        reference=reference, code=centre.last_code(email),
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/requests/{reference}"
    return reference


def test_home_offers_the_rights_the_notice_grants_and_the_published_notice(
    client: TestClient, centre: Centre
) -> None:
    from dataward.notice import service as notice

    with centre.runtime.transaction() as session:
        notice.publish(
            session=session, clock=centre.clock, loaded=centre.deployment.loaded, actor="cli:dpo"
        )
    page = client.get("/")
    assert page.status_code == 200
    assert "Northgate Managed IT Ltd" in page.text
    assert "version 1" in page.text and 'href="/notice"' in page.text
    for label in (
        "Get a copy of my data",
        "Delete my data",
        "Correct my data",
        "Restrict how my data is used",
        "Object to how my data is used",
        "Take my data to another service",
        "Check a request I made",
    ):
        assert label in page.text
    full = client.get("/notice")
    assert full.status_code == 200
    assert "Who we share information with" in full.text
    assert "<style>" not in full.text  # the page's styles come from the stylesheet (CSP)


def test_a_request_made_on_the_form_is_listed_by_the_cli_and_verified_by_the_mailed_code(
    client: TestClient, centre: Centre
) -> None:
    email = centre.person("priya")
    answer = ask(client, "access", email=email)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/requests/verify?sent=1"
    listed = _rights_list(centre.runtime)
    (row,) = json.loads(listed.output)
    assert row["kind"] == "access" and row["state"] == "awaiting_verification"

    reference = _verify(client, centre, email)
    assert reference == row["reference"]
    status = client.get(f"/requests/{reference}")
    assert status.status_code == 200
    assert reference in status.text and "We must answer by" in status.text
    with centre.runtime.transaction() as session:
        assert service.get_request(session=session, reference=reference).state == (
            RequestState.IN_PROGRESS
        )


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(
    client: TestClient, centre: Centre
) -> None:
    ask(client, "erasure", email=centre.person("priya"))
    wrong = post(
        client, "/requests/verify", "/requests/verify", reference="DW-2026-000001", code="000000"
    )
    unknown = post(
        client, "/requests/verify", "/requests/verify", reference="DW-2026-999999", code="000000"
    )
    assert wrong.status_code == unknown.status_code == 400
    assert "That code is not right" in wrong.text and "That code is not right" in unknown.text


def test_the_status_page_refuses_another_references_cookie_and_a_tampered_one(
    client: TestClient, centre: Centre
) -> None:
    ask(client, "access", email=centre.person("priya"))
    mine = _verify(client, centre, centre.person("priya"))
    other = TestClient(client.app, follow_redirects=False)
    ask(other, "access", email=centre.person("tom"))
    theirs = _verify(other, centre, centre.person("tom"))

    assert client.get(f"/requests/{mine}").status_code == 200
    refused = client.get(f"/requests/{theirs}")
    assert refused.status_code == 403
    assert centre.person("tom") not in refused.text

    cookie = client.cookies.get("dataward_request")
    assert cookie
    payload, _, signature = cookie.rpartition(".")
    client.cookies.set("dataward_request", payload + "." + signature[::-1])
    assert client.get(f"/requests/{mine}").status_code == 403
    client.cookies.set("dataward_request", cookie.replace(mine, theirs))
    assert client.get(f"/requests/{theirs}").status_code == 403


def test_checking_later_is_the_same_answer_for_a_known_and_an_unknown_address(
    client: TestClient, centre: Centre
) -> None:
    priya = centre.person("priya")
    ask(client, "access", email=priya)
    reference = _verify(client, centre, priya)
    client.cookies.clear()

    known = post(client, "/requests/check", "/requests/check", reference=reference, email=priya)
    unknown = post(
        client, "/requests/check", "/requests/check",
        reference=reference, email="nobody@elsewhere.example.net",
    )  # fmt: skip
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert (
        client.get(known.headers["location"]).text == client.get(unknown.headers["location"]).text
    )

    # The owner's code shows the status; the stranger was mailed no code at all.
    answer = post(
        client,
        "/requests/verify",
        "/requests/verify",
        reference=reference,
        code=centre.last_code(priya),
    )
    assert answer.status_code == 303
    assert client.get(f"/requests/{reference}").status_code == 200
    stranger = centre.mail_to("nobody@elsewhere.example.net")
    assert stranger and "code is:" not in stranger[0].get_body().get_content()  # type: ignore[union-attr]


def test_the_package_downloads_once_through_a_link_then_is_gone(
    client: TestClient, centre: Centre
) -> None:
    priya = centre.person("priya")
    ask(client, "access", email=priya)
    reference = _verify(client, centre, priya)
    jobs.run_until_idle(centre.runtime, handlers=domains.job_handlers())
    page = client.get(f"/requests/{reference}")
    assert "Download my data" not in page.text  # not before staff have reviewed it
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        service.approve(session=session, clock=centre.clock, request=request, actor="cli:staff")

    link = post(client, f"/requests/{reference}", f"/requests/{reference}/download")
    assert link.status_code == 303
    url = link.headers["location"]
    assert url.startswith("/download/") and reference not in url
    package = client.get(url)
    assert package.status_code == 200
    assert package.headers["content-type"] == "application/zip"
    assert package.content.startswith(b"PK")
    assert client.get(url).status_code == 410
    assert client.get(url + "x").status_code == 404
    # A second download needs a fresh code.
    again = post(client, f"/requests/{reference}", f"/requests/{reference}/download")
    assert again.status_code == 409


def test_a_filled_honeypot_gets_the_answer_of_success_and_nothing_happens(
    client: TestClient, centre: Centre
) -> None:
    answer = ask(client, "access", email=centre.person("priya"), website="http://spam.example")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/requests/verify?sent=1"
    assert centre.inbox.messages == []
    with centre.runtime.transaction() as session:
        assert service.list_requests(session=session, clock=centre.clock) == []


def test_too_many_requests_for_one_address_are_refused(client: TestClient, centre: Centre) -> None:
    email = "flood@victim.example.com"
    answers = [ask(client, "erasure", email=email).status_code for _ in range(7)]
    assert answers[:5] == [303] * 5
    assert answers[-1] == 429
    # Codes go out only within the limits: the victim's inbox is not flooded.
    assert len(centre.mail_to(email)) <= 5


def test_a_form_posted_without_its_csrf_token_is_refused(
    client: TestClient, centre: Centre
) -> None:
    client.get("/")
    answer = client.post("/requests/new/access", data={"email": centre.person("priya")})
    assert answer.status_code == 403
    assert centre.inbox.messages == []


def test_a_script_typed_into_every_field_comes_back_escaped(
    client: TestClient, centre: Centre
) -> None:
    payload = '"><script>alert(1)</script>'
    answer = ask(
        client, "rectification",
        email=payload, phone=payload, category=payload, value=payload, note=payload,
    )  # fmt: skip
    assert answer.status_code == 400
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    check = post(client, "/requests/check", "/requests/check", reference=payload, email=payload)
    assert "<script>alert(1)</script>" not in check.text
    verify = post(client, "/requests/verify", "/requests/verify", reference=payload, code=payload)
    assert "<script>alert(1)</script>" not in verify.text
    details = post(client, "/my-details", "/my-details/start", email=payload)
    assert "<script>alert(1)</script>" not in details.text
    assert csrf(client, "/requests/check")  # the app still serves its forms


def test_guessing_codes_from_one_address_is_cut_off(client: TestClient, centre: Centre) -> None:
    token = csrf(client, "/requests/verify")
    answers = [
        client.post(
            "/requests/verify",
            data={"csrf_token": token, "reference": f"DW-2026-{n:06d}", "code": "123456"},
        ).status_code
        for n in range(browser.PER_IP + 1)
    ]
    assert set(answers[:-1]) == {400}
    assert answers[-1] == 429


def test_the_status_page_says_in_plain_words_when_the_clock_stopped_or_was_extended(
    client: TestClient, centre: Centre
) -> None:
    from dataward.core.clock import today

    priya = centre.person("priya")
    ask(client, "erasure", email=priya)
    reference = _verify(client, centre, priya)
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        service.extend(
            session=session, keyring=centre.keyring(), clock=centre.clock, request=request,
            actor="cli:dpo", reason="several systems to search", told_on=today(centre.clock),
        )  # fmt: skip
        service.pause(
            session=session, clock=centre.clock, request=request, actor="cli:dpo",
            asked_on=today(centre.clock),
        )  # fmt: skip
    page = client.get(f"/requests/{reference}").text
    assert "On hold: we are waiting for your answer to our question" in page
    assert "We have extended the time to answer" in page
    assert "The clock is stopped while we wait for your answer" in page
    # The staff's own note on why is not the person's page to show.
    assert "several systems to search" not in page
