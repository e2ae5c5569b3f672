"""The privacy centre's "My marketing preferences": prove the address by code, then choose."""

from __future__ import annotations

import re

from browser import csrf_token, keyring_for
from fastapi.testclient import TestClient
from rights.request_factories import Inbox, smtp_server  # noqa: F401  # a fixture

from consent.ledger_factories import event
from dataward.app import create_app
from dataward.consent.ledger import LedgerAction, Medium, history
from dataward.core.runtime import Runtime
from dataward.people import service as people


def _client(runtime: Runtime, port: int) -> TestClient:
    runtime.settings = runtime.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port}
    )
    return TestClient(create_app(runtime), follow_redirects=False)


def _prove(web: TestClient, inbox: Inbox, email: str) -> str:
    token = csrf_token(web, "/preferences")
    started = web.post("/preferences/start", data={"email": email, "csrf_token": token})
    assert started.status_code == 303, started.text
    (message,) = inbox.messages[-1:]
    assert message["To"] == email
    found = re.search(r"Your code is (\d{6})", message.get_content())
    assert found
    return found.group(1)


def test_a_person_proves_their_address_and_changes_their_preferences(
    msp_runtime: Runtime,
    smtp_server: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp_server
    with msp_runtime.transaction() as session:
        event(session, keyring_for(msp_runtime), msp_runtime.clock, medium=Medium.EMAIL)
    with _client(msp_runtime, port) as web:
        assert "Email me a code" in web.get("/preferences").text
        code = _prove(web, inbox, "ann@example.com")
        token = csrf_token(web, "/preferences/code")
        wrong = web.post("/preferences/code", data={"code": "000000", "csrf_token": token})
        assert wrong.status_code == 400 and "not right" in wrong.text
        proved = web.post("/preferences/code", data={"code": code, "csrf_token": token})
        assert proved.status_code == 303
        page = web.get("/preferences")
        assert re.search(r'name="marketing:email" value="yes" checked', page.text)

        token = csrf_token(web, "/preferences")
        saved = web.post("/preferences", data={"csrf_token": token})  # every box unticked
        assert saved.status_code == 303 and saved.headers["location"] == "/preferences?saved=1"
        assert "Your preferences are saved" in web.get("/preferences?saved=1").text

    with msp_runtime.transaction() as session:
        person = people.find_person(
            session=session, keyring=keyring_for(msp_runtime), email="ann@example.com"
        )
        assert person is not None
        rows = history(session=session, pseudonym=person.pseudonym)
        assert [(r.action, r.method) for r in rows] == [
            ("given", "web-form"),
            ("withdrawn", "privacy-centre"),
        ]
        assert rows[-1].wording_version == "privacy centre preferences v1"


def test_attack_no_preferences_without_the_code(
    msp_runtime: Runtime,
    smtp_server: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp_server
    with msp_runtime.transaction() as session:
        event(session, keyring_for(msp_runtime), msp_runtime.clock, medium=Medium.EMAIL)
    with _client(msp_runtime, port) as web:
        _prove(web, inbox, "ann@example.com")
        token = csrf_token(web, "/preferences/code")
        # Guessing is cut off after five tries, even with the right code on the sixth.
        for _ in range(5):
            web.post("/preferences/code", data={"code": "123456", "csrf_token": token})
        blocked = web.post("/preferences/code", data={"code": "654321", "csrf_token": token})
        assert blocked.status_code == 429
        # Not proved: the choices are not shown, and a post changes nothing.
        assert "Email me a code" in web.get("/preferences").text
        token = csrf_token(web, "/preferences")
        web.post("/preferences", data={"csrf_token": token})
        # A forged proof cookie is ignored.
        web.cookies.set("dataward_prefs", "eyJwIjoicF8xIn0.forged.sig", path="/preferences")
        assert "Email me a code" in web.get("/preferences").text
    with msp_runtime.transaction() as session:
        person = people.find_person(
            session=session, keyring=keyring_for(msp_runtime), email="ann@example.com"
        )
        assert person is not None
        rows = history(session=session, pseudonym=person.pseudonym)
        assert [r.action for r in rows] == [LedgerAction.GIVEN.value]
