"""The http kind against a real HTTP server on 127.0.0.1, started by the test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from quiet_http import QuietHTTPServer

from dataward.connectors.base import Connector, ErasurePlan, ExpiryQuery, FieldErasure
from dataward.connectors.registry import connect
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Condition, System

TOKEN = "s3cret-token-value"


def contacts() -> dict[str, dict[str, Any]]:
    rows = [
        ("1", "Bob@Example.com", "+447700900002", "Bob Jones", 41, "2019-05-01", "closed"),
        ("2", "jimbob@example.com", "+447700900009", "Jim Bob", 33, "2025-12-01", "active"),
        ("3", "carol@example.com", None, "Carol White", 29, "2018-01-10", "closed"),
        ("4", "dan@example.com", "+447700900004", "Dan Brown", 50, None, "closed"),
        ("5", "erin@example.com", "+447700900005", "Erin Green", 61, "2017-07-07", "closed"),
    ]
    keys = ("id", "email", "phone", "name", "age", "last_seen_on", "status")
    return {r[0]: {**dict(zip(keys, r, strict=True)), "internal_notes": "private"} for r in rows}


@dataclass
class Helpdesk:
    """A small REST API with a contacts resource; it records every request it answers."""

    url: str
    contacts: dict[str, dict[str, Any]]
    requests: list[tuple[str, str]] = field(default_factory=list)


def handler_for(state: Helpdesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query)
            state.requests.append((method, self.path))
            if path == "/api/health":
                return self._answer(200, {"ok": True})
            if path == "/api/echo-auth":
                # A badly behaved server that repeats the credentials in its error page.
                return self._answer(500, {"error": f"bad {self.headers.get('Authorization')}"})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(401, {"error": "unauthorised"})
            if path == "/api/slow":
                time.sleep(1.5)
                return self._answer(200, [])
            if path == "/api/contacts" and method == "GET":
                # Searches by substring, as some products do: the connector must filter.
                wanted = query.get("email", [""])[0].lower()
                found = [c for c in state.contacts.values() if wanted in c["email"].lower()]
                return self._answer(200, {"results": found})
            if path.startswith("/api/contacts/by-phone/"):
                phone = unquote(path.rsplit("/", 1)[1])
                match = [c for c in state.contacts.values() if c["phone"] == phone]
                return self._answer(200, {"contact": match[0]}) if match else self._answer(404)
            if path == "/api/contacts/stale":
                before = query["before"][0]
                stale = sorted(
                    (c for c in state.contacts.values() if (c["last_seen_on"] or "9") < before),
                    key=lambda c: c["id"],
                )
                page = int(query.get("page", ["1"])[0])
                chunk = stale[(page - 1) * 2 : page * 2]
                following = f"/api/contacts/stale?before={before}&page={page + 1}"
                more = page * 2 < len(stale)
                return self._answer(
                    200, {"data": {"items": chunk}, "next": following if more else None}
                )
            if path.startswith("/api/contacts/"):
                key = unquote(path.rsplit("/", 1)[1])
                if key not in state.contacts:
                    return self._answer(404, {"error": "no such contact"})
                if method == "DELETE":
                    del state.contacts[key]
                    return self._answer(204)
                if method == "PATCH":
                    length = int(self.headers.get("Content-Length", "0"))
                    changes = json.loads(self.rfile.read(length))
                    if "age" in changes and not isinstance(changes["age"], int):
                        return self._answer(422, {"error": "age must be a whole number"})
                    state.contacts[key].update(changes)
                    return self._answer(200, state.contacts[key])
            return self._answer(404, {"error": "no route"})

        def do_GET(self) -> None:
            self._route("GET")

        def do_PATCH(self) -> None:
            self._route("PATCH")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler


@pytest.fixture
def helpdesk() -> Iterator[Helpdesk]:
    state = Helpdesk(url="", contacts=contacts())
    server = QuietHTTPServer(("127.0.0.1", 0), handler_for(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


ENDPOINTS: dict[str, Any] = {
    "contacts": {
        "find": [
            {"path": "/contacts", "params": {"email": "{email}"}, "rows": "results"},
            {"path": "/contacts/by-phone/{phone}", "rows": "contact"},
        ],
        "rectify": {"method": "PATCH", "path": "/contacts/{id}"},
        "erase": {"method": "PATCH", "path": "/contacts/{id}"},
        "delete": {"method": "DELETE", "path": "/contacts/{id}"},
        "expired": {
            "path": "/contacts/stale",
            "params": {"before": "{cutoff}"},
            "rows": "data.items",
            "next": "next",
        },
    }
}


def helpdesk_system(**connection: Any) -> System:
    return System.model_validate(
        {
            "name": "helpdesk",
            "connector": "http",
            "connection": {
                "base_url_env": "HELPDESK_URL",
                "token_env": "HELPDESK_TOKEN",
                "test": {"path": "/health"},
                "endpoints": ENDPOINTS,
                **connection,
            },
            "dataset": {
                "collections": [
                    {
                        "name": "contacts",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "email",
                                "identity": "email",
                                "categories": ["user.contact.email"],
                            },
                            {
                                "name": "phone",
                                "identity": "phone_number",
                                "categories": ["user.contact.phone_number"],
                            },
                            {"name": "name", "categories": ["user.name"]},
                            {"name": "age"},
                            {"name": "last_seen_on"},
                            {"name": "status"},
                        ],
                    }
                ]
            },
        }
    )


def connector_for(helpdesk: Helpdesk, **connection: Any) -> Connector:
    return connect(
        helpdesk_system(**connection),
        base_dir=Path(),
        environ={"HELPDESK_URL": helpdesk.url, "HELPDESK_TOKEN": TOKEN},
    )


def test_find_filters_a_loose_search_down_to_exact_matches(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    rows = connector.fetch("contacts", {"email": ["bob@example.com"]})
    assert [r["id"] for r in rows] == ["1"]  # jimbob@example.com was answered, and dropped
    assert "internal_notes" not in rows[0]
    assert connector.stats.queries == 1
    assert connector.stats.rows_scanned == 2


def test_find_fills_path_placeholders_encoded_and_treats_404_as_none(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    rows = connector.fetch("contacts", {"phone": ["+447700900004", "+440000000000"]})
    assert [r["id"] for r in rows] == ["4"]
    assert ("GET", "/api/contacts/by-phone/%2B447700900004") in helpdesk.requests


def test_values_cannot_change_the_resource_addressed(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    assert connector.fetch("contacts", {"phone": ["../../health"]}) == []
    assert connector.delete("contacts", [("1/../2",)]) == 0
    assert set(helpdesk.contacts) == {"1", "2", "3", "4", "5"}


def test_rectify_patches_each_record(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    assert connector.rectify("contacts", [("3",)], {"name": "Carol Black"}) == 1
    assert helpdesk.contacts["3"]["name"] == "Carol Black"


def test_rectify_with_a_refused_value_names_collection_and_field(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    with pytest.raises(ConnectorError) as caught:
        connector.rectify("contacts", [("3",)], {"age": "thirty"})
    message = str(caught.value)
    assert "'helpdesk'" in message and "'contacts'" in message and "'age'" in message
    assert "422" in message and "whole number" in message


def test_erase_sends_nulls_and_masks(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    plan = ErasurePlan(
        delete_rows=False,
        fields=(FieldErasure("phone", "null"), FieldErasure("name", "mask", "Former contact")),
    )
    assert connector.erase("contacts", [("1",), ("99",)], plan) == 1
    assert helpdesk.contacts["1"]["phone"] is None
    assert helpdesk.contacts["1"]["name"] == "Former contact"


def test_erase_by_keyed_hash_is_refused_with_the_alternatives(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    plan = ErasurePlan(delete_rows=False, fields=(FieldErasure("email", "hash"),), hasher=str)
    with pytest.raises(ConnectorError, match="erase: null"):
        connector.erase("contacts", [("1",)], plan)


def test_delete_is_idempotent(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    assert connector.delete("contacts", [("2",), ("3",)]) == 2
    assert connector.delete("contacts", [("2",)]) == 0
    assert set(helpdesk.contacts) == {"1", "4", "5"}


def test_expired_follows_pages_and_applies_conditions(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk)
    query = ExpiryQuery(
        collection="contacts",
        cutoff=date(2020, 1, 1),
        date_field="last_seen_on",
        conditions=(Condition(field="age", op="<", value=60),),
    )
    assert list(connector.expired(query, batch_size=1)) == [[("1",)], [("3",)]]
    pages = [p for m, p in helpdesk.requests if p.startswith("/api/contacts/stale")]
    assert len(pages) == 2  # three stale contacts, two a page


def test_a_missing_endpoint_says_which_to_declare(helpdesk: Helpdesk) -> None:
    endpoints = {"contacts": {"find": ENDPOINTS["contacts"]["find"]}}
    connector = connector_for(helpdesk, endpoints=endpoints)
    with pytest.raises(ConnectorError, match=r"no `delete` endpoint .* 'contacts'"):
        connector.delete("contacts", [("1",)])
    with pytest.raises(ConnectorError, match="searches by 'name'"):
        connector.fetch("contacts", {"name": ["Bob Jones"]})


def test_errors_show_status_and_body_but_never_the_token(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk, test={"path": "/echo-auth"})
    with pytest.raises(ConnectorError) as caught:
        connector.test()
    assert "500" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert "[token]" in str(caught.value)


def test_a_wrong_token_is_reported_with_its_status(helpdesk: Helpdesk) -> None:
    connector = connect(
        helpdesk_system(),
        base_dir=Path(),
        environ={"HELPDESK_URL": helpdesk.url, "HELPDESK_TOKEN": "wrong"},
    )
    with pytest.raises(ConnectorError, match="answered 401"):
        connector.fetch("contacts", {"email": ["bob@example.com"]})


def test_a_slow_service_times_out(helpdesk: Helpdesk) -> None:
    connector = connector_for(helpdesk, timeout=0.3, test={"path": "/slow"})
    with pytest.raises(ConnectorError, match=r"timed out after 0\.3 s"):
        connector.test()


def test_a_service_that_is_down_fails_with_the_system_name() -> None:
    connector = connect(
        helpdesk_system(),
        base_dir=Path(),
        environ={"HELPDESK_URL": "http://127.0.0.1:1/api", "HELPDESK_TOKEN": TOKEN},
    )
    with pytest.raises(ConnectorError, match="system 'helpdesk': cannot reach"):
        connector.test()


def test_test_passes_against_the_health_endpoint(helpdesk: Helpdesk) -> None:
    connector_for(helpdesk).test()
    assert ("GET", "/api/health") in helpdesk.requests


def test_endpoints_for_undeclared_collections_are_refused(helpdesk: Helpdesk) -> None:
    with pytest.raises(ConnectorError, match="dataset does not have"):
        connector_for(helpdesk, endpoints={**ENDPOINTS, "tickets": {"find": {"path": "/t"}}})


def test_expired_leaves_a_row_whose_compared_field_is_empty_undecided(
    helpdesk: Helpdesk,
) -> None:
    # The same rule as the SQL pushdown: Carol has no phone, so `phone != ...` is unknown.
    connector = connector_for(helpdesk)
    query = ExpiryQuery(
        collection="contacts",
        cutoff=date(2020, 1, 1),
        date_field="last_seen_on",
        conditions=(Condition(field="phone", op="!=", value="+447700900005"),),
    )
    assert [k for batch in connector.expired(query) for k in batch] == [("1",)]
    undecided = connector.undecided(query)
    assert (undecided.rows, undecided.fields) == (1, {"phone": 1})
