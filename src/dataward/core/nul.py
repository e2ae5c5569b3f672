"""A NUL character in an address, a JSON body or a form body is refused with 422.

A NUL has no meaning in any field Dataward takes, and PostgreSQL refuses it in text: let through,
it would reach a query and end as a server error (or, worse, be stored on SQLite and break a
later export). This is pure ASGI (no per-request thread or task), and it only reads a body the
route would read whole anyway: JSON and URL-encoded forms, up to `MAX_CHECKED_BODY`; a larger
body of those kinds is refused with 413 rather than passed on unchecked. Other bodies (a file
upload, a CSV) are not inspected here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.core.errors import DatawardError

MAX_CHECKED_BODY = 8 * 1024 * 1024
# What a NUL looks like in each kind of body: raw, JSON's escape, percent-encoding.
_JSON_MARKS = (b"\x00", b"\\u0000")
_FORM_MARKS = (b"\x00", b"%00")

Answer = Callable[[Request, DatawardError], Any]


def _marks(scope: Scope) -> tuple[bytes, ...] | None:
    """The NUL spellings to look for in this request's body, or None to leave it alone."""
    if scope["method"] not in ("POST", "PUT", "PATCH"):
        return None
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
            if kind == b"application/json" or kind.endswith(b"+json"):
                return _JSON_MARKS
            if kind == b"application/x-www-form-urlencoded":
                return _FORM_MARKS
            return None
    return None


def _in_address(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in query or b"%00" in query


class RefuseNul:
    """Pure ASGI middleware; `answer` renders the error through the app's one error handler."""

    def __init__(self, app: ASGIApp, *, answer: Answer) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _in_address(scope):
            await self._refuse(scope, receive, send, 422, "the address contains a NUL character")
            return
        marks = _marks(scope)
        if marks is None:
            await self.app(scope, receive, send)
            return
        chunks: list[Message] = []
        size = 0
        tail = b""
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break  # the client went away: let the app see it as it would have
            body: bytes = message.get("body", b"")
            size += len(body)
            if size > MAX_CHECKED_BODY:
                limit = MAX_CHECKED_BODY // (1024 * 1024)
                await self._refuse(scope, receive, send, 413, f"the body is larger than {limit} MB")
                return
            window = tail + body  # a mark split across two chunks is still found
            if any(mark in window for mark in marks):
                await self._refuse(
                    scope, receive, send, 422, "the request contains a NUL character"
                )
                return
            tail = window[-5:]
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, receive), send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        from dataward.core.web import named_error

        name = "UsageError" if status == 422 else "PayloadTooLarge"
        fix = "remove it" if status == 422 else "send less at a time"
        error = named_error(name, status, message, fix=fix)
        response = self.answer(Request(scope, receive), error)
        await response(scope, receive, send)


def _replay(chunks: list[Message], receive: Receive) -> Callable[[], Awaitable[Message]]:
    """Give the app the body messages already read, then carry on with the real channel."""
    waiting = iter(chunks)

    async def replayed() -> Message:
        for message in waiting:
            return message
        return await receive()

    return replayed
