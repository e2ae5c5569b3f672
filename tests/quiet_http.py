"""A test's own HTTP server that never prints: a client that hangs up mid-answer (a timeout
test, a browser) is no failure, and a traceback printed from the server's thread would land in
whatever another test is capturing at that moment (a CLI run's output, say)."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping (a timeout test) is not awaited

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass
