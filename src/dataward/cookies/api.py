"""The cookie banner's API: record a visitor's choice; what visitors chose, for staff."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import StrictBool

from dataward.accounts.guard import Principal, api_access, public
from dataward.accounts.roles import Permission
from dataward.cookies import service
from dataward.core.errors import UsageError
from dataward.core.ratelimit import hit
from dataward.core.schemas import Schema
from dataward.core.web import DbSession, RuntimeDep
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["cookies"])

LARGEST_BODY = 4096  # a choice is a few hundred bytes; anything bigger is not a banner's
PER_ADDRESS_PER_MINUTE = 30


class ChoiceIn(Schema):
    visitor: str
    version: str
    choices: dict[str, StrictBool]
    gpc: StrictBool = False


class ChoiceOut(Schema):
    id: int
    banner_version: str
    choices: dict[str, bool]
    global_privacy_control: bool


class SummaryOut(Schema):
    visitors: int
    with_global_privacy_control: int
    allowed: dict[str, int]
    by_banner_version: dict[str, int]


# The banner posts text/plain (a simple request, no CORS preflight): the body is JSON anyway.
CHOICE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": ChoiceIn.model_json_schema()},
            "application/json": {"schema": ChoiceIn.model_json_schema()},
        },
    }
}


async def _body(request: Request) -> bytes:
    """The raw body, read up to a limit: the route itself runs in a thread, off the loop."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > LARGEST_BODY:
            raise UsageError(f"a cookie choice is at most {LARGEST_BODY} bytes")
    return body


@router.post(
    "/cookie-choices",
    dependencies=[public()],
    status_code=201,
    openapi_extra=CHOICE_BODY,
    name="record_cookie_choice",
)
def record_cookie_choice(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    body: Annotated[bytes, Depends(_body)],
) -> ChoiceOut:
    """Record a website visitor's choice (posted by `/consent.js` from the business's site)."""
    address = request.client.host if request.client else "unknown"
    hit(
        session,
        key=f"cookie-choice:{address}",
        limit=PER_ADDRESS_PER_MINUTE,
        per_seconds=60,
        clock=runtime.clock,
    )
    try:
        asked = ChoiceIn.model_validate(json.loads(body))
    except ValueError as exc:  # JSONDecodeError and pydantic's ValidationError alike
        raise UsageError(
            "the body must be JSON: {visitor, version, choices: {category: true|false}, gpc}"
        ) from exc
    choice = service.record_choice(
        session=session,
        clock=runtime.clock,
        banner=service.banner_of(loaded.policy),
        origin=request.headers.get("origin"),
        visitor_id=asked.visitor,
        version=asked.version,
        choices=asked.choices,
        gpc=asked.gpc,
    )
    return ChoiceOut(
        id=choice.id,
        banner_version=choice.banner_version,
        choices=choice.choices,
        global_privacy_control=choice.global_privacy_control,
    )


@router.get("/cookie-choices/summary")
def cookie_choice_summary(
    session: DbSession, principal: Principal = api_access(Permission.CONSENT_READ)
) -> SummaryOut:
    """What visitors chose: the latest choice of each visitor, counted by category."""
    found = service.summary(session=session)
    return SummaryOut(
        visitors=found.visitors,
        with_global_privacy_control=found.with_gpc,
        allowed=dict(found.allowed),
        by_banner_version=dict(found.by_version),
    )
