"""Driving the privacy centre's forms as a browser does: read the page's CSRF token, post."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    found = TOKEN.search(page.text)
    assert found, f"{path} has no CSRF field: {page.status_code} {page.text[:300]}"
    return found.group(1)


def post(client: TestClient, form_page: str, action: str, **fields: str) -> Any:
    """Post the form found on `form_page` to `action`, as the browser would."""
    return client.post(action, data={"csrf_token": csrf(client, form_page), **fields})


def ask(client: TestClient, kind: str, **fields: str) -> Any:
    page = f"/requests/new/{kind}"
    return post(client, page, page, **fields)
