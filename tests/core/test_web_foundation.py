"""The web foundation: error pages per interface, the secret key, rate limits, templates,
static files, and cookies and headers behind HTTPS."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from dataward.app import create_app
from dataward.core import ratelimit
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError, Conflict, TooManyRequests, UsageError
from dataward.core.runtime import Runtime
from dataward.core.signing import secret_key, sign, unsign
from dataward.core.web import flash, public, redirect


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    app = create_app(runtime)

    @app.get("/boom", dependencies=[public()])
    def boom() -> None:
        raise Conflict("request DW-1 is already completed", fix="open a new request")

    @app.get("/api/v1/boom", dependencies=[public()])
    def api_boom() -> None:
        raise Conflict("request DW-1 is already completed", fix="open a new request")

    @app.get("/bug", dependencies=[public()])
    def bug() -> None:
        raise RuntimeError("secret detail /etc/shadow")

    @app.get("/api/v1/bug", dependencies=[public()])
    def api_bug() -> None:
        raise RuntimeError("secret detail /etc/shadow")

    @app.get("/api/v1/number/{n}", dependencies=[public()])
    def number(n: int) -> dict[str, int]:
        return {"n": n}

    @app.post("/api/v1/echo", dependencies=[public()])
    def echo(body: dict[str, str]) -> dict[str, str]:
        return body

    app.state.csrf_free = (*app.state.csrf_free, "/echo-form")

    @app.post("/echo-form", dependencies=[public()])
    async def echo_form(request: Request) -> dict[str, str]:
        return {key: str(value) for key, value in (await request.form()).items()}

    return app


def test_a_domain_error_is_a_page_for_browsers_and_json_for_the_api(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/boom")
    assert page.status_code == 409
    assert page.headers["content-type"].startswith("text/html")
    assert "Request DW-1 is already completed" in page.text and "Open a new request" in page.text
    api = client.get("/api/v1/boom")
    assert api.status_code == 409
    assert api.json()["error"] == {
        "type": "Conflict",
        "message": "request DW-1 is already completed",
        "fix": "open a new request",
    }


def test_no_route_wrong_method_and_bad_input_share_the_shapes(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/none").json()["error"]["type"] == "NotFound"
    wrong = client.delete("/api/v1/boom")
    assert wrong.status_code == 405 and wrong.json()["error"]["type"] == "MethodNotAllowed"
    bad = client.get("/api/v1/number/seven")
    assert bad.status_code == 422
    assert bad.json()["error"]["type"] == "UsageError" and "n:" in bad.json()["error"]["message"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "There is nothing at this address" in page.text


def test_attack_an_unexpected_error_shows_no_detail_and_is_logged(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="dataward.web"):
        page = client.get("/bug")
        api = client.get("/api/v1/bug")
    assert page.status_code == api.status_code == 500
    assert "shadow" not in page.text and "Traceback" not in page.text
    assert api.json()["error"]["type"] == "InternalError" and "shadow" not in api.text
    assert "secret detail" in caplog.text  # the operator's log has the traceback


def test_templates_escape_what_they_are_given(app: FastAPI) -> None:
    @app.get("/echo", dependencies=[public()])
    def echo(q: str) -> None:
        raise UsageError(q)

    page = TestClient(app).get("/echo", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_static_files_and_the_vendored_htmx_are_served(app: FastAPI) -> None:
    client = TestClient(app)
    css = client.get("/static/dataward.css")
    assert css.status_code == 200 and ":focus-visible" in css.text
    htmx = client.get("/static/htmx/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text
    assert "2.0.11" in client.get("/static/htmx/README.md").text


def test_the_development_secret_key_is_made_once_and_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", environment="development")
    first = secret_key(settings)
    path = settings.resolved_secret_key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(Settings(home=tmp_path / "home")) == first
    token = sign(settings, salt="unsubscribe", payload={"p": "P-1"})
    assert unsign(settings, salt="unsubscribe", token=token, max_age_seconds=60) == {"p": "P-1"}
    with pytest.raises(UsageError, match="altered"):
        unsign(settings, salt="download", token=token, max_age_seconds=60)


def test_production_refuses_to_start_without_a_secret_key(
    tmp_path: Path, engine: object, clock: FixedClock
) -> None:
    settings = Settings(home=tmp_path / "home", environment="production")
    with pytest.raises(ConfigurationError, match="DATAWARD_SECRET_KEY"):
        create_app(Runtime(settings=settings, clock=clock))
    short = Settings(home=tmp_path, environment="production", secret_key=SecretStr("short"))
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        secret_key(short)
    given = Settings(home=tmp_path, environment="production", secret_key=SecretStr("k" * 40))
    assert secret_key(given) == "k" * 40


def test_a_rate_limit_refuses_past_its_count_until_the_window_passes(
    session: Session, clock: FixedClock
) -> None:
    for used in range(1, 4):
        assert ratelimit.hit(session, key="ip:192.0.2.1", limit=3, per_seconds=60, clock=clock) == (
            used
        )
    with pytest.raises(TooManyRequests, match="too many attempts") as refused:
        ratelimit.hit(session, key="ip:192.0.2.1", limit=3, per_seconds=60, clock=clock)
    assert refused.value.status_code == 429
    assert ratelimit.hit(session, key="ip:192.0.2.2", limit=3, per_seconds=60, clock=clock) == 1
    clock.advance(seconds=60)
    assert ratelimit.hit(session, key="ip:192.0.2.1", limit=3, per_seconds=60, clock=clock) == 1
    stored = session.scalars(ratelimit.select(ratelimit.RateLimitHit.key_digest)).all()
    assert all("192.0.2" not in key for key in stored)


def test_cookies_are_secure_and_hsts_is_sent_behind_a_trusted_tls_proxy(
    runtime: Runtime,
) -> None:
    plain = TestClient(create_app(runtime))
    answer = plain.get("/console/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in answer.headers  # not trusted by default
    assert "Secure" not in answer.headers["set-cookie"]
    runtime.settings.trust_proxy = True
    proxied = TestClient(create_app(runtime)).get(
        "/console/sign-in", headers={"X-Forwarded-Proto": "https"}
    )
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in proxied.headers["set-cookie"] and "HttpOnly" in proxied.headers["set-cookie"]
    direct = TestClient(create_app(runtime), base_url="https://dataward.example")
    assert "Secure" in direct.get("/console/sign-in").headers["set-cookie"]


def test_init_makes_the_development_secret_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from dataward.cli import app

    monkeypatch.setenv("DATAWARD_HOME", str(tmp_path / "home"))
    first = json.loads(CliRunner().invoke(app, ["init", "--json"]).stdout)["secret_key"]
    assert first == {"where": str(tmp_path / "home" / "secret.key"), "state": "created"}
    again = json.loads(CliRunner().invoke(app, ["init", "--json"]).stdout)["secret_key"]
    assert again["state"] == "exists"
    assert stat.S_IMODE((tmp_path / "home" / "secret.key").stat().st_mode) == 0o600


def test_a_flash_message_is_shown_once_on_the_next_page_and_escaped(runtime: Runtime) -> None:
    app = create_app(runtime)

    @app.post("/console/test-action", dependencies=[public()])
    def action(request: Request) -> RedirectResponse:
        flash(request, "Request DW-12 approved <b>now</b>")
        flash(request, "Letter not sent", kind="error")
        return redirect("/console/sign-in")

    client = TestClient(app, follow_redirects=False)
    token = client.get("/console/sign-in").text.split('name="csrf_token" value="')[1][:64]
    sent = client.post("/console/test-action", data={"csrf_token": token})
    assert sent.status_code == 303 and "dataward_flash=" in sent.headers["set-cookie"]
    page = client.get("/console/sign-in")
    assert 'role="status"><p>Request DW-12 approved &lt;b&gt;now&lt;/b&gt;</p>' in page.text
    assert 'role="alert"><p>Letter not sent</p>' in page.text
    assert "Letter not sent" not in client.get("/console/sign-in").text
    client.cookies.set("dataward_flash", "forged.value.here")
    assert "notice" not in client.get("/console/sign-in").text.split("<main")[1].split("<h1")[0]


def test_a_nul_character_in_the_address_is_refused_not_a_server_error(app: FastAPI) -> None:
    client = TestClient(app)
    for address in ("/api/v1/number/1?x=%00", "/api/v1/number/%00", "/boom?q=a%00b"):
        answer = client.get(address)
        assert answer.status_code == 422, address
        assert "NUL" in answer.text


def test_a_nul_character_in_a_json_or_form_body_is_refused_before_the_route(
    app: FastAPI,
) -> None:
    client = TestClient(app)
    fine = client.post("/api/v1/echo", json={"reason": "ordinary text \u00e9"})
    assert fine.status_code == 200 and fine.json() == {"reason": "ordinary text \u00e9"}
    sneaky = client.post("/api/v1/echo", json={"reason": "a\x00b"})  # sent as \u0000
    assert sneaky.status_code == 422
    assert sneaky.json()["error"]["message"] == "the request contains a NUL character"
    raw = client.post(
        "/api/v1/echo",
        content=b'{"reason": "a\x00b"}',
        headers={"content-type": "application/json"},
    )
    assert raw.status_code == 422
    form = client.post("/echo-form", data={"reason": "a\x00b"})  # sent as %00
    assert form.status_code == 422 and "NUL character" in form.text
    assert client.post("/echo-form", data={"reason": "100% sure"}).json() == {"reason": "100% sure"}


def test_a_nul_split_across_two_body_chunks_is_still_found(app: FastAPI) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"reason": "a\\u00'
        yield b'00b"}'

    answer = TestClient(app).post(
        "/api/v1/echo", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422


def test_an_oversized_json_body_is_refused_not_read_whole(app: FastAPI) -> None:
    huge = b'{"reason": "' + b"x" * (9 * 1024 * 1024) + b'"}'
    answer = TestClient(app).post(
        "/api/v1/echo", content=huge, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == "the body is larger than 8 MB"
