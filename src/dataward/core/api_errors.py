"""The JSON API's one error shape (core.web.error_body), as its OpenAPI describes it."""

from __future__ import annotations

from typing import Any

from dataward.core.schemas import Schema


class ErrorDetail(Schema):
    type: str
    message: str
    fix: str | None = None
    problems: list[str] | None = None


class ErrorOut(Schema):
    """The one JSON error shape (error_body), for the OpenAPI description."""

    error: ErrorDetail


# What any JSON route may answer besides its own success: a router declares
# `APIRouter(responses=API_ERRORS)` so that its OpenAPI lists them (schemathesis checks).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "No API token or console session, or not a valid one"),
        (403, "The role may not do this"),
        (404, "No such thing"),
        (409, "Changed by someone else at the same moment"),
        (422, "The request is malformed or asks for something impossible"),
        (429, "Too many requests: try again later"),
    )
}
