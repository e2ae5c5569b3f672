"""Who is asking, and may they: the one access rule every route declares.

A route takes `principal: Principal = api_access(Permission.X)` (JSON: a bearer API token or
the console session cookie), `principal: Principal = page_access(Permission.X)` (HTML: the
session cookie; anonymous visitors are sent to sign in) or declares
`dependencies=[public()]`. The rule is attached to the dependency, so the authorisation
matrix test reads it back from the route table and fails on a route without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from sqlalchemy.orm import Session

from dataward.accounts import service, tokens
from dataward.accounts.models import StaffUser
from dataward.accounts.roles import GRANTS, Permission, Role
from dataward.core.browser import SET_SESSION
from dataward.core.crypto import Keyring
from dataward.core.errors import Forbidden, NotAuthenticated, UsageError
from dataward.core.runtime import Runtime
from dataward.core.signing import sign, unsign
from dataward.core.web import (
    RULE,
    AccessRule,
    DbSession,
    KeyringDep,
    RuntimeDep,
    public,
    refused_by_rule,
    ruled,
)

__all__ = ["AccessRule", "Principal", "api_access", "page_access", "public", "rules_of"]

SESSION_SALT = "console-session"
IDLE_SECONDS = 8 * 60 * 60  # a session unused for a working day ends


@dataclass(frozen=True)
class Principal:
    kind: Literal["user", "token"]
    id: int
    name: str
    role: Role
    job_roles: frozenset[str] = frozenset()

    @property
    def actor(self) -> str:
        """How the audit log names who acted: `user:<id>` or `token:<id>`."""
        return f"{self.kind}:{self.id}"

    def can(self, permission: Permission | str) -> bool:
        return permission in GRANTS[self.role]


# --- the console session ---------------------------------------------------------------------


def session_cookie_for(runtime: Runtime, user: StaffUser) -> str:
    return sign(
        runtime.settings,
        salt=SESSION_SALT,
        payload={"u": user.id, "v": user.session_version},
    )


def start_session(request: Request, runtime: Runtime, user: StaffUser) -> None:
    """Sign the browser in (the cookie is written as the response leaves)."""
    setattr(request.state, SET_SESSION, session_cookie_for(runtime, user))


def end_session(request: Request) -> None:
    setattr(request.state, SET_SESSION, None)


def _user_from_cookie(request: Request, session: Session, runtime: Runtime) -> StaffUser | None:
    cookie = getattr(request.state, "session_cookie", None)
    if not cookie:
        return None
    try:
        payload = unsign(
            runtime.settings, salt=SESSION_SALT, token=cookie, max_age_seconds=IDLE_SECONDS
        )
        user_id, version = int(payload["u"]), int(payload["v"])
    except (UsageError, KeyError, TypeError, ValueError):
        end_session(request)  # expired or altered: forget it
        return None
    user = service.user_for_session(session=session, user_id=user_id, session_version=version)
    if user is None:
        end_session(request)
        return None
    # Each use renews the cookie's time, so the limit is idleness, not the length of a day.
    start_session(request, runtime, user)
    return user


def _user_principal(keyring: Keyring, session: Session, user: StaffUser) -> Principal:
    keyring.attach(session)
    return Principal(
        kind="user",
        id=user.id,
        name=service.display_name(keyring=keyring, user=user),
        role=Role(user.role),
        job_roles=frozenset(user.job_roles),
    )


def current_user(request: Request, session: Session, runtime: Runtime) -> StaffUser | None:
    """The signed-in account, for pages that are public but say who is signed in."""
    return _user_from_cookie(request, session, runtime)


# --- the rules -------------------------------------------------------------------------------


def _checked(request: Request, principal: Principal, permission: Permission | None) -> Principal:
    request.state.principal = principal
    if permission is not None and not principal.can(permission):
        raise refused_by_rule(
            Forbidden(
                f"the {principal.role.value} role may not do this",
                fix="ask an administrator for an account with the right role",
            )
        )
    return principal


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if not scheme:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        raise refused_by_rule(
            NotAuthenticated(
                "the Authorization header is not a bearer token",
                fix="send `Authorization: Bearer <token>`, a token from `dataward tokens create`",
            )
        )
    return value.strip()


def api_access(permission: Permission | None = None) -> Principal:
    """JSON routes: an API token (bearer) or the console session; 401 or 403 otherwise."""

    def resolve(
        request: Request, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
    ) -> Principal:
        bearer = _bearer(request)
        if bearer is not None:
            row = tokens.token_for(session=session, clock=runtime.clock, token=bearer)
            if row is None:
                raise refused_by_rule(
                    NotAuthenticated(
                        "the API token is not valid: unknown, expired or revoked",
                        fix="create a new one with `dataward tokens create`",
                    )
                )
            principal = Principal(kind="token", id=row.id, name=row.name, role=Role(row.role))
            return _checked(request, principal, permission)
        user = _user_from_cookie(request, session, runtime)
        if user is None:
            raise refused_by_rule(
                NotAuthenticated(
                    "this needs an API token or a console session",
                    fix="send `Authorization: Bearer <token>` (see `dataward tokens create`)",
                )
            )
        return _checked(request, _user_principal(keyring, session, user), permission)

    dependency: Principal = Depends(ruled(AccessRule("api", permission), resolve))
    return dependency


def page_access(permission: Permission | None = None) -> Principal:
    """Console pages: the session cookie; anonymous visitors go to the sign-in page."""

    def resolve(
        request: Request, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
    ) -> Principal:
        user = _user_from_cookie(request, session, runtime)
        if user is None:
            raise refused_by_rule(NotAuthenticated("sign in to see this page", fix="sign in"))
        return _checked(request, _user_principal(keyring, session, user), permission)

    dependency: Principal = Depends(ruled(AccessRule("page", permission), resolve))
    return dependency


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


class Routed(Protocol):
    dependant: Dependant


def rules_of(route: Routed) -> list[AccessRule]:
    """The access rules a route declares (exactly one, for a well-made route); `route` is an
    APIRoute or the RouteContext FastAPI makes of it where a router is included."""
    return [rule for call in _calls(route.dependant) if (rule := getattr(call, RULE, None))]
