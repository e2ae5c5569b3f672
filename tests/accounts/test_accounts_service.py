"""Staff accounts: hashed and sealed storage, sign-in with lockout and TOTP, disabling."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dataward.accounts import passwords, service
from dataward.accounts.models import StaffUser
from dataward.accounts.roles import Role
from dataward.accounts.service import SignIn
from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError

ADMIN = "cli:operator"


def _add(
    session: Session, keyring: Keyring, clock: FixedClock, role: Role, email: str, **options: object
) -> service.NewAccount:
    return service.add_user(
        session=session,
        keyring=keyring,
        clock=clock,
        email=email,
        role=role,
        actor=ADMIN,
        **options,
    )  # type: ignore[arg-type]


def _sign_in(
    session: Session, keyring: Keyring, clock: FixedClock, email: str, password: str
) -> service.Attempt:
    return service.authenticate(
        session=session, keyring=keyring, clock=clock, email=email, password=password
    )


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _every_stored_text(session: Session) -> str:
    """Every value of every column of the accounts tables and the audit log, as one text."""
    values = []
    for table in ("staff_users", "api_tokens", "audit_events"):
        for row in session.execute(text(f"SELECT * FROM {table}")):
            values.extend(str(value) for value in row)
    return "\n".join(values)


def test_the_password_address_and_totp_secret_are_never_stored_as_given(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    made = _add(session, keyring, clock, Role.ADMIN, "Ann.Boss@Example.co.uk", name="Ann Boss")
    session.flush()
    stored = _every_stored_text(session)
    assert made.totp_secret
    for secret in (made.password, made.totp_secret, "ann.boss@example.co.uk", "Ann Boss"):
        assert secret not in stored
    user = session.get(StaffUser, made.user.id)
    assert user is not None and user.password_hash.startswith("$argon2id$")
    views = service.list_users(session=session, keyring=keyring)
    assert (views[0].email, views[0].name) == ("ann.boss@example.co.uk", "Ann Boss")


def test_admin_and_dpo_need_a_totp_code_and_staff_a_password(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    admin = _add(session, keyring, clock, Role.ADMIN, "admin@example.co.uk")
    dpo = _add(session, keyring, clock, Role.DPO, "dpo@example.co.uk")
    staff = _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    assert admin.totp_uri and admin.totp_uri.startswith("otpauth://totp/Dataward:")
    assert dpo.totp_secret and staff.totp_secret is None
    first = _sign_in(session, keyring, clock, "admin@example.co.uk", admin.password)
    assert first.outcome is SignIn.NEEDS_CODE
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.SIGNED_IN
    )
    code = pyotp.TOTP(admin.totp_secret).at(clock.now())
    done = service.check_code(
        session=session,
        keyring=keyring,
        clock=clock,
        user_id=admin.user.id,
        session_version=1,
        code=code,
    )
    assert done.outcome is SignIn.SIGNED_IN
    assert [e.object_id for e in _events(session, "account.signed_in")] == [
        str(staff.user.id),
        str(admin.user.id),
    ]


def test_attack_a_totp_code_is_not_accepted_twice_nor_a_wrong_one(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    dpo = _add(session, keyring, clock, Role.DPO, "dpo@example.co.uk")
    assert dpo.totp_secret
    code = pyotp.TOTP(dpo.totp_secret).at(clock.now())

    def check(code: str) -> SignIn:
        return service.check_code(
            session=session,
            keyring=keyring,
            clock=clock,
            user_id=dpo.user.id,
            session_version=1,
            code=code,
        ).outcome

    assert check(code) is SignIn.SIGNED_IN
    assert check(code) is SignIn.REFUSED  # replayed within its 30 seconds
    wrong = "000000" if code != "000000" else "111111"
    assert check(wrong) is SignIn.REFUSED
    assert check("12345x") is SignIn.REFUSED


def test_five_failures_lock_the_account_for_fifteen_minutes(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    staff = _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    for _ in range(5):
        refused = _sign_in(session, keyring, clock, "staff@example.co.uk", "not-the-password")
        assert refused.outcome is SignIn.REFUSED
    # The right password does not open a locked account, and the answer does not say why.
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.REFUSED
    )
    locked = _events(session, "account.locked")
    assert [e.object_id for e in locked] == [str(staff.user.id)]
    clock.advance(minutes=14)
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.REFUSED
    )
    clock.advance(minutes=2)
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.SIGNED_IN
    )


def test_wrong_totp_codes_count_towards_the_lockout(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    admin = _add(session, keyring, clock, Role.ADMIN, "admin@example.co.uk")
    for _ in range(5):
        service.check_code(
            session=session,
            keyring=keyring,
            clock=clock,
            user_id=admin.user.id,
            session_version=1,
            code="000001",
        )
    user = session.get(StaffUser, admin.user.id)
    assert user is not None and user.locked_until == clock.now() + timedelta(minutes=15)


def test_attack_an_unknown_email_gets_the_same_answer_and_no_address_is_logged(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    unknown = _sign_in(session, keyring, clock, "nobody@example.co.uk", "some-password-1")
    wrong = _sign_in(session, keyring, clock, "staff@example.co.uk", "some-password-1")
    malformed = _sign_in(session, keyring, clock, "not an address", "some-password-1")
    assert unknown == wrong == malformed == service.Attempt(SignIn.REFUSED)
    failures = _events(session, "account.sign_in_failed")
    assert len(failures) == 3
    assert "nobody" not in _every_stored_text(session)
    assert "staff@" not in _every_stored_text(session)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    staff = _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    user = staff.user
    assert service.user_for_session(session=session, user_id=user.id, session_version=1)
    service.disable_user(session=session, clock=clock, user=user, actor=ADMIN)
    assert service.user_for_session(session=session, user_id=user.id, session_version=1) is None
    assert service.user_for_session(session=session, user_id=user.id, session_version=2) is None
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.REFUSED
    )


def test_a_password_reset_ends_sessions_lifts_a_lockout_and_retires_the_old_password(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    staff = _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    for _ in range(5):
        _sign_in(session, keyring, clock, "staff@example.co.uk", "wrong-password-1")
    new = service.reset_password(session=session, clock=clock, user=staff.user, actor=ADMIN)
    assert service.user_for_session(session=session, user_id=staff.user.id, session_version=1) is (
        None
    )
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", staff.password).outcome is (
        SignIn.REFUSED
    )
    assert _sign_in(session, keyring, clock, "staff@example.co.uk", new).outcome is (
        SignIn.SIGNED_IN
    )


def test_an_address_cannot_have_two_accounts_and_source_is_not_an_account_role(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    with pytest.raises(Conflict):
        _add(session, keyring, clock, Role.AUDITOR, "STAFF@example.co.uk")
    with pytest.raises(UsageError, match="API tokens"):
        _add(session, keyring, clock, Role.SOURCE, "hook@example.co.uk")
    with pytest.raises(UsageError, match="job role"):
        _add(session, keyring, clock, Role.STAFF, "b@example.co.uk", job_roles=["HR Team"])


def test_an_unknown_email_costs_a_full_argon2_check_against_the_stand_in_hash(
    session: Session, keyring: Keyring, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stand-in is made at the first such sign-in (not at import), with the same
    # parameters as a real account's hash, so the refusal takes as long either way.
    checked: list[str] = []
    real = service.password_matches

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(service, "password_matches", spy)
    staff = _add(session, keyring, clock, Role.STAFF, "staff@example.co.uk")
    _sign_in(session, keyring, clock, "nobody@example.co.uk", "some-password-1")
    _sign_in(session, keyring, clock, "staff@example.co.uk", "some-password-1")
    stand_in, real_hash = checked
    assert stand_in == passwords.dummy_hash()
    assert real_hash == staff.user.password_hash
    # Same algorithm, version and cost: "$argon2id$v=19$m=65536,t=3,p=4$".
    assert stand_in.split("$")[:4] == real_hash.split("$")[:4]
