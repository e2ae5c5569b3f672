"""Staff accounts and API tokens: add, sign in (with lockout and TOTP), disable, revoke.

Every sign-in, failure, lockout, token creation and revocation is an audit event naming the
account or token by id, never by address. Services flush; the boundary commits.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.accounts.models import StaffUser
from dataward.accounts.passwords import (
    dummy_hash,
    hash_password,
    new_password,
    password_matches,
)
from dataward.accounts.roles import ACCOUNT_ROLES, TOTP_REQUIRED, Role
from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring, normalise_email
from dataward.core.errors import Conflict, NotFound, UsageError

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
TOTP_STEP_SECONDS = 30
JOB_ROLE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

EMAIL_CONTEXT = "staff_users.email"
NAME_CONTEXT = "staff_users.name"
TOTP_CONTEXT = "staff_users.totp"


class SignIn(StrEnum):
    SIGNED_IN = "signed_in"
    NEEDS_CODE = "needs_code"  # the password was right; the TOTP code comes next
    REFUSED = "refused"  # one answer for every failure: no one learns which part was wrong


@dataclass(frozen=True)
class Attempt:
    outcome: SignIn
    user: StaffUser | None = None


@dataclass(frozen=True)
class NewAccount:
    user: StaffUser
    password: str
    totp_secret: str | None
    totp_uri: str | None


@dataclass(frozen=True)
class AccountView:
    id: int
    email: str
    name: str
    role: str
    job_roles: list[str]
    two_factor: bool
    disabled: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None


def _actor_of(user: StaffUser) -> str:
    return f"user:{user.id}"


def _record(
    session: Session,
    clock: Clock,
    *,
    actor: str,
    action: str,
    user: StaffUser | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=action,
        object_type="staff_user",
        object_id=str(user.id) if user is not None else None,
        details=details,
    )


def role_named(name: str, *, allowed: Iterable[Role] = tuple(Role)) -> Role:
    choices = [r.value for r in allowed]
    if name not in choices:
        raise UsageError(f"unknown role {name!r}", fix=f"use one of: {', '.join(choices)}")
    return Role(name)


def _job_roles(values: Iterable[str]) -> list[str]:
    roles = sorted({v.strip() for v in values})
    for role in roles:
        if not JOB_ROLE.match(role):
            raise UsageError(
                f"{role!r} is not a job role name",
                fix="use lower-case letters, digits, - and _, as in the policy's restricted_roles",
            )
    return roles


def find_user(*, session: Session, keyring: Keyring, email: str) -> StaffUser:
    keyring.attach(session)
    found = session.scalar(
        select(StaffUser).where(StaffUser.email_hash == keyring.identifier_hash("email", email))
    )
    if found is None:
        raise NotFound("no account has that email address", fix="see `dataward users list`")
    return found


def add_user(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    email: str,
    role: Role,
    actor: str,
    name: str | None = None,
    job_roles: Iterable[str] = (),
) -> NewAccount:
    """A new account with a generated password (and TOTP for admin and dpo), shown once."""
    if role not in ACCOUNT_ROLES:
        raise UsageError(
            f"{role.value!r} is for API tokens, not accounts",
            fix=f"use one of: {', '.join(r.value for r in ACCOUNT_ROLES)}",
        )
    address = normalise_email(email)
    keyring.attach(session)
    email_hash = keyring.identifier_hash("email", address)
    if session.scalar(select(StaffUser.id).where(StaffUser.email_hash == email_hash)):
        raise Conflict("an account with that email address exists", fix="see `dataward users list`")
    display = (name or address.split("@")[0]).strip()
    if not display or len(display) > 200 or any(ord(c) < 32 for c in display):
        raise UsageError("the name is empty, too long or not plain text", fix="give a short name")
    password = new_password()
    user = StaffUser(
        email_hash=email_hash,
        email_sealed=keyring.seal_note(address, context=EMAIL_CONTEXT, session=session),
        name_sealed=keyring.seal_note(display, context=NAME_CONTEXT, session=session),
        role=role.value,
        job_roles=_job_roles(job_roles),
        password_hash=hash_password(password),
        failed_attempts=0,
        disabled=False,
        session_version=1,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    _record(
        session,
        clock,
        actor=actor,
        action="account.added",
        user=user,
        details={"role": role.value, "job_roles": user.job_roles},
    )
    secret = uri = None
    if role in TOTP_REQUIRED:
        secret = enrol_totp(session=session, keyring=keyring, clock=clock, user=user, actor=actor)
        uri = totp_uri(secret, address)
    return NewAccount(user=user, password=password, totp_secret=secret, totp_uri=uri)


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Dataward")


def enrol_totp(
    *, session: Session, keyring: Keyring, clock: Clock, user: StaffUser, actor: str
) -> str:
    """A new TOTP secret for the account (replacing any); returned once for the authenticator."""
    secret = pyotp.random_base32()
    user.totp_sealed = keyring.seal_note(secret, context=TOTP_CONTEXT, session=session)
    user.totp_last_step = None
    session.flush()
    _record(session, clock, actor=actor, action="account.totp_enrolled", user=user)
    return secret


def reset_password(
    *, session: Session, clock: Clock, user: StaffUser, actor: str, password: str | None = None
) -> str:
    """A new password (generated unless given); it ends every session and lifts a lockout."""
    chosen = password or new_password()
    user.password_hash = hash_password(chosen)
    user.session_version += 1
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()
    _record(session, clock, actor=actor, action="account.password_reset", user=user)
    return chosen


def disable_user(*, session: Session, clock: Clock, user: StaffUser, actor: str) -> None:
    """No more signing in; every open session ends at its next request."""
    if user.disabled:
        return
    user.disabled = True
    user.session_version += 1
    session.flush()
    _record(session, clock, actor=actor, action="account.disabled", user=user)


def list_users(*, session: Session, keyring: Keyring) -> list[AccountView]:
    keyring.attach(session)
    return [
        AccountView(
            id=user.id,
            email=keyring.open_note(user.email_sealed, context=EMAIL_CONTEXT),
            name=keyring.open_note(user.name_sealed, context=NAME_CONTEXT),
            role=user.role,
            job_roles=list(user.job_roles),
            two_factor=user.totp_sealed is not None,
            disabled=user.disabled,
            locked_until=user.locked_until,
            last_sign_in_at=user.last_sign_in_at,
        )
        for user in session.scalars(select(StaffUser).order_by(StaffUser.id))
    ]


def display_name(*, keyring: Keyring, user: StaffUser) -> str:
    return keyring.open_note(user.name_sealed, context=NAME_CONTEXT)


# --- signing in --------------------------------------------------------------------------------


def _is_locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _refuse(session: Session, clock: Clock, user: StaffUser | None, reason: str) -> Attempt:
    actor = _actor_of(user) if user is not None else "web:sign-in"
    _record(
        session,
        clock,
        actor=actor,
        action="account.sign_in_failed",
        user=user,
        details={"reason": reason},
    )
    if user is not None and reason in ("wrong password", "wrong code"):
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILURES:
            user.failed_attempts = 0
            user.locked_until = clock.now() + LOCKOUT
            _record(
                session,
                clock,
                actor=actor,
                action="account.locked",
                user=user,
                details={"minutes": int(LOCKOUT.total_seconds() // 60)},
            )
        session.flush()
    return Attempt(SignIn.REFUSED)


def _usable(session: Session, clock: Clock, user: StaffUser) -> Attempt | None:
    """A refusal when the account may not sign in at all, else None."""
    if user.disabled:
        return _refuse(session, clock, user, "disabled")
    if _is_locked(user, clock.now()):
        return _refuse(session, clock, user, "locked")
    return None


def _signed_in(session: Session, clock: Clock, user: StaffUser) -> Attempt:
    user.failed_attempts = 0
    user.locked_until = None
    user.last_sign_in_at = clock.now()
    session.flush()
    _record(
        session,
        clock,
        actor=_actor_of(user),
        action="account.signed_in",
        user=user,
        details={"two_factor": user.totp_sealed is not None},
    )
    return Attempt(SignIn.SIGNED_IN, user)


def authenticate(
    *, session: Session, keyring: Keyring, clock: Clock, email: str, password: str
) -> Attempt:
    """Check an email and password: signed in, a code needed next, or refused."""
    try:
        user: StaffUser | None = find_user(session=session, keyring=keyring, email=email)
    except (NotFound, UsageError):
        user = None
    if user is None:
        password_matches(dummy_hash(), password)  # the same work as for a real account
        return _refuse(session, clock, None, "unknown account")
    refused = _usable(session, clock, user)
    if refused is not None:
        return refused
    if not password_matches(user.password_hash, password):
        return _refuse(session, clock, user, "wrong password")
    if user.totp_sealed is not None:
        return Attempt(SignIn.NEEDS_CODE, user)
    if Role(user.role) in TOTP_REQUIRED:
        return _refuse(session, clock, user, "two-factor not enrolled")
    return _signed_in(session, clock, user)


def check_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    user_id: int,
    session_version: int,
    code: str,
) -> Attempt:
    """The second step: the TOTP code of an account whose password was just accepted."""
    user = session.get(StaffUser, user_id)
    if user is None or user.session_version != session_version or user.totp_sealed is None:
        return _refuse(session, clock, None, "sign-in step no longer valid")
    refused = _usable(session, clock, user)
    if refused is not None:
        return refused
    secret = keyring.open_note(user.totp_sealed, context=TOTP_CONTEXT)
    step = _matching_step(secret, code.strip().replace(" ", ""), clock.now())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return _refuse(session, clock, user, "wrong code")
    user.totp_last_step = step
    return _signed_in(session, clock, user)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (the current one, or one either side for clock drift)."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def user_for_session(*, session: Session, user_id: int, session_version: int) -> StaffUser | None:
    """The account a console session cookie names, if that session is still valid."""
    user = session.get(StaffUser, user_id)
    if user is None or user.disabled or user.session_version != session_version:
        return None
    return user


def sign_out(*, session: Session, clock: Clock, user: StaffUser) -> None:
    """End every session of the account: a cookie copied before signing out is worth nothing."""
    user.session_version += 1
    session.flush()
    _record(session, clock, actor=_actor_of(user), action="account.signed_out", user=user)
