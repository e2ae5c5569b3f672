"""The console's front door through the app: sign-in with TOTP, sessions, CSRF, tokens."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from dataward.accounts import service, tokens
from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission, Role
from dataward.audit.models import AuditEvent
from dataward.core.browser import SESSION_COOKIE
from dataward.core.runtime import Runtime

MakeAccount = Callable[..., StaffAccount]


def _actions(runtime: Runtime) -> list[tuple[str, str, str | None]]:
    with runtime.transaction() as session:
        return [
            (e.actor, e.action, e.object_id)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.sequence))
        ]


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client: TestClient) -> None:
    answer = client.get("/console/users?page=2")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?next=/console/users%3Fpage%3D2"


def test_an_admin_signs_in_with_a_totp_code_and_reaches_the_dashboard(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    admin = staff_account(Role.ADMIN)
    token = csrf_token(client)
    form = {"email": admin.email, "password": admin.password, "csrf_token": token}
    step = client.post("/console/sign-in", data=form)
    assert step.status_code == 200 and "authenticator app" in step.text
    assert SESSION_COOKIE not in client.cookies  # a password alone is not a session
    pending = re.search(r'name="pending" value="([^"]+)"', step.text)
    assert pending
    done = client.post(
        "/console/sign-in/code",
        data={"pending": pending.group(1), "code": admin.code(runtime), "csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["location"] == "/console"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/console")
    assert page.status_code == 200
    assert "Your account" in page.text and "Test Admin 1" in page.text
    assert 'href="/console/users"' in page.text  # admin sees the accounts link
    assert client.get("/console/users").status_code == 200
    assert (f"user:{admin.id}", "account.signed_in", str(admin.id)) in _actions(runtime)


def test_a_staff_account_does_not_see_or_reach_what_its_role_lacks(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    sign_in(client, runtime, staff_account(Role.STAFF))
    page = client.get("/console")
    assert page.status_code == 200 and 'href="/console/users"' not in page.text
    refused = client.get("/console/users")
    assert refused.status_code == 403 and "may not do this" in refused.text


def test_the_same_answer_for_an_unknown_email_and_a_wrong_password(
    client: TestClient, staff_account: MakeAccount
) -> None:
    staff = staff_account(Role.STAFF)
    token = csrf_token(client)
    answers = [
        client.post(
            "/console/sign-in",
            data={"email": e, "password": "wrong-password-1", "csrf_token": token},
        )
        for e in (staff.email, "nobody@example.co.uk")
    ]
    assert [a.status_code for a in answers] == [200, 200]
    messages = [re.search(r'role="alert"><p>(.*?)</p>', a.text) for a in answers]
    assert messages[0] and messages[1] and messages[0].group(1) == messages[1].group(1)


def test_attack_a_form_without_its_csrf_token_is_refused(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    staff = staff_account(Role.STAFF)
    form = {"email": staff.email, "password": staff.password}
    for token in (None, "", "0" * 64):
        data = form if token is None else {**form, "csrf_token": token}
        refused = client.post("/console/sign-in", data=data)
        assert refused.status_code == 403
        assert "did not come from this site" in refused.text
    assert "account.signed_in" not in [action for _, action, _ in _actions(runtime)]
    # Another browser's token is no good either: it belongs to that browser's cookie.
    other = TestClient(client.app, follow_redirects=False)
    stolen = csrf_token(other)
    assert client.post("/console/sign-in", data={**form, "csrf_token": stolen}).status_code == 403
    # A multipart form carries its token too.
    ok = client.post(
        "/console/sign-in",
        files={"x": ("a.txt", b"x")},
        data={**form, "csrf_token": csrf_token(client)},
    )
    assert ok.status_code == 303


def test_attack_a_tampered_or_stale_session_cookie_is_refused(
    client: TestClient,
    runtime: Runtime,
    staff_account: MakeAccount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = staff_account(Role.STAFF)
    other = staff_account(Role.ADMIN)
    sign_in(client, runtime, staff)
    cookie = client.cookies[SESSION_COOKIE]
    _, stamp, signature = cookie.rsplit(".", 2)
    # Claim to be the admin: with the staff cookie's signature, or signed with another key.
    claim = URLSafeTimedSerializer("not-our-key", salt="dataward:console-session")
    as_admin = claim.dumps({"u": other.id, "v": 1})
    swapped = f"{as_admin.split('.')[0]}.{stamp}.{signature}"
    for value in (as_admin, swapped, "", "garbage", cookie + "x"):
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, value)
        answer = client.get("/console/users")
        assert answer.status_code == 303, value
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/console").status_code == 200
    client.cookies.clear()
    # A cookie idle for more than eight hours has ended.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_000_000_000)
    sign_in(client, runtime, staff)
    monkeypatch.undo()
    assert client.get("/console").status_code == 303


def test_signing_out_and_disabling_end_the_session(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    staff = staff_account(Role.STAFF)
    sign_in(client, runtime, staff)
    kept = client.cookies[SESSION_COOKIE]
    out = client.post("/console/sign-out", data={"csrf_token": csrf_token(client, "/console")})
    assert out.status_code == 303 and client.get("/console").status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, kept)  # a copy taken before signing out
    assert client.get("/console").status_code == 303
    # A cookie kept from before still carries a valid signature; disabling the account bumps
    # its session version, so every cookie made before is refused.

    sign_in(client, runtime, staff)
    with runtime.transaction() as session:
        user = service.find_user(session=session, keyring=keyring_for(runtime), email=staff.email)
        service.disable_user(session=session, clock=runtime.clock, user=user, actor="cli:x")
    assert client.get("/console").status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, kept)
    assert client.get("/console").status_code == 303
    assert "account.signed_out" in [action for _, action, _ in _actions(runtime)]


def _api_app(client: TestClient) -> None:
    @client.app.get("/api/v1/test-evidence")  # type: ignore[attr-defined]
    def evidence(principal: Principal = api_access(Permission.AUDIT_READ)) -> dict[str, str]:
        return {"actor": principal.actor, "role": principal.role.value}

    @client.app.post("/api/v1/test-evidence")  # type: ignore[attr-defined]
    def change(principal: Principal = api_access(Permission.AUDIT_READ)) -> dict[str, str]:
        return {"actor": principal.actor}


def _token(runtime: Runtime, role: Role, name: str, days: int = 90) -> str:
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session,
            clock=runtime.clock,
            name=name,
            role=role,
            actor="cli:test",
            expires_in_days=days,
        )
    return token


def test_the_api_takes_bearer_tokens_by_role(client: TestClient, runtime: Runtime) -> None:
    _api_app(client)
    auditor = _token(runtime, Role.AUDITOR, "auditor")
    source = _token(runtime, Role.SOURCE, "hook")
    ok = client.get("/api/v1/test-evidence", headers={"Authorization": f"Bearer {auditor}"})
    assert ok.status_code == 200 and ok.json()["role"] == "auditor"
    assert ok.json()["actor"].startswith("token:")
    wrong_role = client.get("/api/v1/test-evidence", headers={"Authorization": f"Bearer {source}"})
    assert wrong_role.status_code == 403
    assert wrong_role.json()["error"]["type"] == "Forbidden"
    assert wrong_role.headers["X-Dataward-Refused"] == "access-rule"
    assert "X-Dataward-Refused" not in ok.headers
    # POST with a bearer token needs no CSRF token: it is not a browser's ambient credential.
    posted = client.post("/api/v1/test-evidence", headers={"Authorization": f"Bearer {auditor}"})
    assert posted.status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer dw_unknown", "Basic abc", "Bearer "])
def test_attack_the_api_without_a_valid_token_is_401(
    client: TestClient, runtime: Runtime, header: str | None
) -> None:
    _api_app(client)
    headers = {"Authorization": header} if header is not None else {}
    answer = client.get("/api/v1/test-evidence", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "NotAuthenticated"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_attack_expired_and_revoked_tokens_are_401(client: TestClient, runtime: Runtime) -> None:
    _api_app(client)
    short = _token(runtime, Role.AUDITOR, "short", days=1)
    revoked = _token(runtime, Role.AUDITOR, "revoked")
    with runtime.transaction() as session:
        tokens.revoke_token(session=session, clock=runtime.clock, name="revoked", actor="cli:x")
    runtime.clock.advance(days=2)  # type: ignore[attr-defined]
    for token in (short, revoked):
        answer = client.get("/api/v1/test-evidence", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401


def test_the_api_with_the_console_cookie_needs_the_csrf_header_to_change_anything(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    _api_app(client)
    sign_in(client, runtime, staff_account(Role.DPO))
    assert client.get("/api/v1/test-evidence").status_code == 200
    refused = client.post("/api/v1/test-evidence")
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "CsrfRefused"
    token = csrf_token(client, "/console")
    assert client.post("/api/v1/test-evidence", headers={"X-CSRF-Token": token}).status_code == 200


def test_another_apps_odd_cookie_on_the_same_host_does_not_sign_anyone_out(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    sign_in(client, runtime, staff_account(Role.STAFF))
    ours = f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"
    client.cookies.clear()
    odd = 'prefs={"theme":"dark","x":[1,2]}; tracker=a,b c'
    page = client.get("/console", headers={"Cookie": f"{odd}; {ours}"})
    assert page.status_code == 200
