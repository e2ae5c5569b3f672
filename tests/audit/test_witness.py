"""The witnesses outside the database: the file, a URL and an email to the DPO."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest
from people.factories import CliRun
from quiet_http import QuietHTTPServer
from rights.request_factories import free_port, smtp_server, write_policy


class Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what arrived."""


@pytest.fixture
def collector() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A real HTTP server on 127.0.0.1 that keeps every JSON body posted to it."""
    received: ClassVar[list[dict[str, Any]]] = []
    handler = type("Handler", (Collector,), {"received": received})
    server = QuietHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/witness", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _open_request(cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    policy = write_policy(tmp_path).path
    # Opening a request checks that its systems can be configured (nothing is reached).
    (tmp_path / "systems.env").write_text(f"BILLING_DB_URL=sqlite:///{tmp_path / 'b.db'}\n")
    monkeypatch.setenv("DATAWARD_SYSTEMS_ENV_FILE", str(tmp_path / "systems.env"))
    return cli("rights", "open", "--kind", "access", "--policy", str(policy), "--email", "a@b.co")


def _witness_file(tmp_path: Path) -> list[dict[str, Any]]:
    text = (tmp_path / "home" / "audit-witness.jsonl").read_text(encoding="ascii")
    return [json.loads(line) for line in text.splitlines()]


def test_each_checkpoint_is_posted_to_the_witness_url(
    cli: CliRun,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    collector: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = collector
    monkeypatch.setenv("DATAWARD_AUDIT_WITNESS_URL", url)
    assert cli("init").exit_code == 0
    assert _open_request(cli, tmp_path, monkeypatch).exit_code == 0
    assert received == _witness_file(tmp_path)
    assert len(received) == 1 and received[0]["sequence"] > 1


def test_an_unreachable_witness_url_warns_and_keeps_the_work_and_the_file(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_AUDIT_WITNESS_URL", f"http://127.0.0.1:{free_port()}/gone")
    assert cli("init").exit_code == 0
    result = _open_request(cli, tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert "did not reach the witness URL" in result.output
    assert "Traceback" not in result.output
    assert len(_witness_file(tmp_path)) == 1
    assert cli("audit", "verify").exit_code == 0


def test_each_checkpoint_is_emailed_to_the_dpo(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("DATAWARD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DATAWARD_SMTP_PORT", str(port))
        monkeypatch.setenv("DATAWARD_AUDIT_WITNESS_EMAIL", "dpo@wren.example.com")
        assert cli("init").exit_code == 0
        assert _open_request(cli, tmp_path, monkeypatch).exit_code == 0
    [message] = inbox.messages
    assert message["To"] == "dpo@wren.example.com"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    [line] = _witness_file(tmp_path)
    assert json.dumps(line, sort_keys=True) in body.get_content()


def test_a_witness_file_line_that_cannot_be_read_is_named(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("init").exit_code == 0
    assert _open_request(cli, tmp_path, monkeypatch).exit_code == 0
    with (tmp_path / "home" / "audit-witness.jsonl").open("a", encoding="ascii") as handle:
        handle.write("not json\n")
    result = cli("audit", "verify")
    assert result.exit_code == 2
    assert "line 2 of the audit witness" in result.output
