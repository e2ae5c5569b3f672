"""Every route × every role (and anonymous) → the status its declared access rule implies.

The routes come from the app's route table, so a route added by any domain is covered the
moment it exists; a route that declares no rule (or two) fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from browser import csrf_token
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from dataward.accounts.guard import AccessRule, rules_of
from dataward.accounts.roles import ACCOUNT_ROLES, GRANTS, Permission, Role
from dataward.app import create_app
from dataward.core.runtime import Runtime
from dataward.core.web import REFUSED_HEADER

from .callers import Callers

# Routes the framework makes, public by design: the OpenAPI document and the static files.
FRAMEWORK_ROUTES = {"/api/v1/openapi.json", "/static"}
PATH_PARAMETER = re.compile(r"{([^}:]+)(:[^}]+)?}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # with its parameters filled in
    template: str
    rule: AccessRule


def ruleless(routes: list[BaseRoute]) -> list[str]:
    """Routes that declare no access rule, or more than one."""
    wrong = []
    for route in iter_route_contexts(routes):
        if isinstance(route.original_route, APIRoute):
            count = len(rules_of(route))
            if count != 1:
                wrong.append(f"{sorted(route.methods or ())} {route.path}: {count} access rules")
        elif route.path not in FRAMEWORK_ROUTES:
            wrong.append(f"{route.path}: not a FastAPI route, so it cannot declare a rule")
    return wrong


def endpoints(app: FastAPI) -> list[Endpoint]:
    found = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        (rule,) = rules_of(route)
        path = PATH_PARAMETER.sub("1", route.path)
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            found.append(Endpoint(method, path, route.path, rule))
    return found


def _send(client: httpx.Client, endpoint: Endpoint, headers: dict[str, str]) -> httpx.Response:
    return client.request(endpoint.method, endpoint.path, headers=headers)


def _to_sign_in(answer: httpx.Response) -> bool:
    return answer.status_code == 303 and answer.headers["location"].startswith("/console/sign-in")


def _refused_by_rule(answer: httpx.Response, status: int) -> bool:
    """The route's access rule refused (not a business rule deeper down, which may also
    answer 403: complaints only for the roles the data map names, say)."""
    return answer.status_code == status and answer.headers.get(REFUSED_HEADER) == "access-rule"


def _allowed(answer: httpx.Response) -> bool:
    return REFUSED_HEADER not in answer.headers and not _to_sign_in(answer)


def _may(role: Role, permission: str | None) -> bool:
    return permission is None or Permission(permission) in GRANTS[role]


def test_every_route_declares_exactly_one_access_rule(callers: Callers) -> None:
    assert ruleless(callers.app.routes) == []


def test_the_matrix_notices_a_route_without_a_rule(runtime: Runtime) -> None:
    app = create_app(runtime)
    router = APIRouter()

    @router.get("/console/forgotten")
    def forgotten() -> None:
        """A page whose author forgot the rule."""

    app.include_router(router)
    assert ruleless(app.routes) == ["['GET'] /console/forgotten: 0 access rules"]


def test_every_route_answers_every_role_as_its_rule_says(callers: Callers) -> None:
    problems: list[str] = []
    checked = 0
    anonymous_csrf = csrf_token(callers.anonymous)
    for endpoint in endpoints(callers.app):
        rule, unsafe = endpoint.rule, endpoint.method not in ("GET", "HEAD")
        where = f"{endpoint.method} {endpoint.template} ({rule.interface} {rule.permission})"

        def expect(ok: bool, answer: httpx.Response, who: str, where: str = where) -> None:
            nonlocal checked
            checked += 1
            if not ok or answer.status_code >= 500:
                problems.append(f"{where} as {who}: {answer.status_code}")

        anonymous = _send(callers.anonymous, endpoint, {"X-CSRF-Token": "none"} if unsafe else {})
        if rule.interface == "public":
            if unsafe:  # a form without its token is refused before anything else
                anonymous = _send(callers.anonymous, endpoint, {"X-CSRF-Token": anonymous_csrf})
            # No guard stands in front of a public page: it may still answer 403 itself (a
            # person who has not proved who they are), and signing out leads to the sign-in
            # page. What must not happen is being sent to sign in, or a server error.
            expect(unsafe or not _to_sign_in(anonymous), anonymous, "anyone")
            continue
        if rule.interface == "page":
            if not unsafe:
                expect(_to_sign_in(anonymous), anonymous, "anonymous")
            else:
                expect(
                    anonymous.status_code == 403  # a form without its token: refused first
                    or _refused_by_rule(anonymous, 401),
                    anonymous,
                    "anonymous",
                )
            for role in ACCOUNT_ROLES:
                answer = _send(
                    callers.sessions[role], endpoint, {"X-CSRF-Token": callers.csrf[role]}
                )
                if _may(role, rule.permission):
                    expect(_allowed(answer), answer, role.value)
                else:
                    expect(_refused_by_rule(answer, 403), answer, role.value)
            continue
        expect(_refused_by_rule(anonymous, 401), anonymous, "anonymous")
        for role, token in callers.tokens.items():
            answer = _send(callers.anonymous, endpoint, {"Authorization": f"Bearer {token}"})
            if _may(role, rule.permission):
                expect(_allowed(answer), answer, f"{role.value} token")
            else:
                expect(_refused_by_rule(answer, 403), answer, f"{role.value} token")
    assert problems == [], "\n".join(problems)
    assert checked >= 20  # the sign-in pages, the dashboard, /health, the accounts API
