"""PyMySQL's opportunistic TLS without its per-connection cost.

Given no TLS options, PyMySQL (2.x) connects in "preferred" mode: TLS when the server offers
it, plain otherwise, and never verifying the server's certificate (check_hostname off,
CERT_NONE). For that it builds a fresh ssl.create_default_context() on every connection,
which loads the system's CA store: about 58 ms, a tenth of a short command's time, for
certificates that preferred mode never consults. Here that one case gets a context with the
same settings and no CA store, made once per process. Every connection that asks for TLS
(ssl_ca, ssl_verify_cert, an SSLContext, ...) keeps PyMySQL's own handling untouched, and a
server offering TLS is still spoken to over TLS.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

from sqlalchemy import Engine, event


@functools.cache
def preferred_context() -> ssl.SSLContext:
    """What PyMySQL's preferred mode builds, less the CA store it never uses."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # the base of create_default_context
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # As PyMySQL does: servers' self-signed certificates fail Python 3.13's strict checks.
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return context


@functools.cache
def _connection_class() -> type[Any]:
    from pymysql.connections import Connection

    class PreferredTlsConnection(Connection):  # type: ignore[misc]
        def _create_ssl_ctx(self, sslp: Any) -> ssl.SSLContext:
            if isinstance(sslp, dict) and not sslp:  # preferred mode: no TLS option given
                return preferred_context()
            made: ssl.SSLContext = super()._create_ssl_ctx(sslp)
            return made

    return PreferredTlsConnection


def share_preferred_tls(engine: Engine) -> None:
    """Have a pymysql engine's connections share one preferred-mode TLS context."""

    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return _connection_class()(*cargs, **cparams)
