"""`/consent.js` and its stylesheet: the banner the business's website includes."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request, Response

from dataward.accounts.guard import public
from dataward.cookies import service
from dataward.policy.schema import CookieBasis
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["cookies"])

NOTES = {
    CookieBasis.STRICTLY_NECESSARY: "Always on: the website cannot work without these.",
    CookieBasis.COMMUNICATION: "Always on: needed to send and receive messages.",
    CookieBasis.ANALYTICS: "On unless you object: anonymous statistics that help us improve.",
    CookieBasis.PREFERENCES: "On unless you object: they remember the choices you made.",
    CookieBasis.CONSENT: "Off unless you agree.",
}
INTRO = (
    "We use the cookies below. Those marked 'off unless you agree' are set only if you say so;"
    " you can object to the others. You can change your mind at any time."
)
# Browsers and proxies may keep the script a few minutes; a new banner version shows soon.
CACHE = "public, max-age=300"


@cache
def _asset(name: str) -> str:
    return (
        resources.files("dataward.cookies")
        .joinpath("templates", "cookies", name)
        .read_text("utf-8")
    )


@router.get("/consent.js", dependencies=[public()], include_in_schema=False)
def banner_script(request: Request, loaded: PolicyDep) -> Response:
    banner = service.banner_of(loaded.policy)
    config = {
        "version": banner.version,
        "endpoint": str(request.url_for("record_cookie_choice")),
        "stylesheet": str(request.url_for("banner_stylesheet")),
        "intro": INTRO,
        "categories": [
            {
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "basis": c.basis.value,
                "note": NOTES[c.basis],
                "cookies": c.cookies,
            }
            for c in banner.categories
        ],
    }
    # json.dumps escapes nothing HTML-ish by default; "<" is escaped so the text can never
    # close a <script> element if someone inlines the file.
    data = json.dumps(config, ensure_ascii=True).replace("<", "\\u003c")
    return Response(
        _asset("banner.js").replace("__DATAWARD_CONFIG__", data),
        media_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": CACHE},
    )


@router.get("/consent.css", dependencies=[public()], include_in_schema=False)
def banner_stylesheet() -> Response:
    return Response(
        _asset("banner.css"), media_type="text/css; charset=utf-8", headers={"Cache-Control": CACHE}
    )
