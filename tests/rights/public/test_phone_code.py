"""A phone number given on a privacy-centre form is proved by a texted code, when an SMS
gateway is configured: the code page asks for it, and a right code makes the phone one of the
identities searched. A gateway that fails costs the request nothing."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from dataward.app import create_app
from dataward.core.runtime import Runtime
from dataward.rights import service
from dataward.rights.models import IdentityMethod, RequestState
from dataward.rights.schemas import EMAIL, PHONE_NUMBER

from .centre import Centre
from .web import ask, post

GATEWAY = "sms.gateway.example"
TEXTED = re.compile(r"your code for request (DW-\d{4}-\d{6}) is (\d{6})\.")


def _client(centre: Centre, **settings: object) -> Iterator[TestClient]:
    configured = centre.settings.model_copy(update=settings)
    runtime = Runtime.on_engine(configured, centre.runtime.engine, centre.clock)
    with TestClient(create_app(runtime), follow_redirects=False) as client:
        yield client


@pytest.fixture
def texting(centre: Centre) -> Iterator[TestClient]:
    yield from _client(centre, sms_email_domain=GATEWAY)


def _texted(centre: Centre, phone_digits: str) -> tuple[str, str]:
    for message in reversed(centre.inbox.messages):
        if message["To"] == f"{phone_digits}@{GATEWAY}":
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = TEXTED.search(body.get_content())
            assert found, body.get_content()
            return found.group(1), found.group(2)
    raise AssertionError(f"nothing was texted to {phone_digits}")


def _identities(centre: Centre, reference: str) -> dict[str, IdentityMethod | None]:
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        return {row.identity: row.method for row in request.identities}


def test_the_texted_code_proves_the_phone_so_it_is_searched_too(
    texting: TestClient, centre: Centre
) -> None:
    email = centre.person("priya")
    answer = ask(texting, "access", email=email, phone="07700 900123")
    assert answer.status_code == 303
    reference, texted = _texted(centre, "447700900123")
    page = texting.get("/requests/verify?sent=1")
    assert "texted another to the phone number you gave" in page.text
    assert '<label for="phone_code">' in page.text

    proved = post(
        texting, "/requests/verify", "/requests/verify",
        reference=reference, code=centre.last_code(email), phone_code=texted,
    )  # fmt: skip
    assert proved.status_code == 303, proved.text
    assert proved.headers["location"] == f"/requests/{reference}"
    assert _identities(centre, reference) == {
        EMAIL: IdentityMethod.EMAIL_CODE,
        PHONE_NUMBER: IdentityMethod.SMS_CODE,
    }
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        assert request.state == RequestState.IN_PROGRESS


def test_a_wrong_texted_code_leaves_the_phone_out_not_the_request(
    texting: TestClient, centre: Centre
) -> None:
    email = centre.person("priya")
    ask(texting, "access", email=email, phone="07700 900123")
    reference, texted = _texted(centre, "447700900123")
    wrong = "000000" if texted != "000000" else "111111"
    proved = post(
        texting, "/requests/verify", "/requests/verify",
        reference=reference, code=centre.last_code(email), phone_code=wrong,
    )  # fmt: skip
    assert proved.status_code == 303
    assert _identities(centre, reference) == {EMAIL: IdentityMethod.EMAIL_CODE, PHONE_NUMBER: None}


def test_the_texted_code_alone_does_not_open_the_request_to_the_visitor(
    texting: TestClient, centre: Centre
) -> None:
    """The email code is what the privacy centre is keyed on: someone holding only the phone
    (a shared or recycled number) does not get in with the texted code."""
    ask(texting, "access", email=centre.person("priya"), phone="07700 900123")
    reference, texted = _texted(centre, "447700900123")
    refused = post(
        texting, "/requests/verify", "/requests/verify",
        reference=reference, code=texted, phone_code=texted,
    )  # fmt: skip
    assert refused.status_code == 400 and "That code is not right" in refused.text
    assert _identities(centre, reference) == {EMAIL: None, PHONE_NUMBER: None}


def test_a_gateway_that_is_down_costs_the_request_nothing(centre: Centre) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    for client in _client(
        centre,
        sms_http_url=f"http://127.0.0.1:{closed}/send",
        sms_http_token=SecretStr("gateway-token"),
    ):
        email = centre.person("priya")
        answer = ask(client, "access", email=email, phone="07700 900123")
        assert answer.status_code == 303
        page = client.get("/requests/verify?sent=1")
        assert "texted" not in page.text and "phone_code" not in page.text
        reference = page.text.split('name="reference" type="text" value="', 1)[1].split('"')[0]
        proved = post(
            client, "/requests/verify", "/requests/verify",
            reference=reference, code=centre.last_code(email),
        )  # fmt: skip
        assert proved.status_code == 303
        assert _identities(centre, reference) == {
            EMAIL: IdentityMethod.EMAIL_CODE,
            PHONE_NUMBER: None,
        }


def test_without_a_gateway_no_code_is_texted(client: TestClient, centre: Centre) -> None:
    ask(client, "access", email=centre.person("priya"), phone="07700 900123")
    assert not any(GATEWAY in str(m["To"]) for m in centre.inbox.messages)
    assert "phone_code" not in client.get("/requests/verify?sent=1").text
