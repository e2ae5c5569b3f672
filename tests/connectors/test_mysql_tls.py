"""MariaDB connections in PyMySQL's preferred-TLS mode share one context, as PyMySQL makes it."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from crm_source import Source
from pymysql.connections import Connection

from dataward.connectors.sql.connector import SqlConnector
from dataward.connectors.sql.mysql_tls import _connection_class, preferred_context

SETTINGS = (
    "protocol",
    "verify_mode",
    "check_hostname",
    "verify_flags",
    "options",
    "minimum_version",
    "maximum_version",
)


def _settings(context: ssl.SSLContext) -> dict[str, Any]:
    return {name: getattr(context, name) for name in SETTINGS}


def test_the_shared_context_is_pymysqls_preferred_one_without_the_ca_store() -> None:
    # Should PyMySQL change what its preferred mode builds, this fails.
    own = Connection._create_ssl_ctx(object.__new__(Connection), {})
    assert _settings(preferred_context()) == _settings(own)
    assert own.verify_mode == ssl.CERT_NONE and not own.check_hostname  # never verifies
    assert preferred_context().cert_store_stats()["x509_ca"] == 0


def test_a_connection_that_asks_for_tls_keeps_pymysqls_own_context() -> None:
    cls = _connection_class()
    asked = {"ca": None, "check_hostname": False, "verify_mode": True}
    made = cls._create_ssl_ctx(object.__new__(cls), asked)
    assert made is not preferred_context()
    assert made.verify_mode == ssl.CERT_REQUIRED


def test_a_mariadb_systems_connections_share_the_preferred_context(crm: Source) -> None:
    if crm.backend != "mariadb":
        pytest.skip("PyMySQL connections only")
    connector = crm.connector()
    assert isinstance(connector, SqlConnector)
    with connector._engine().connect() as first, connector._engine().connect() as second:
        made = [c.connection.dbapi_connection for c in (first, second)]
    for connection in made:
        assert isinstance(connection, _connection_class())
        # Still TLS whenever the server offers it, never required: PyMySQL's preferred mode.
        assert connection.ssl and not connection._ssl_required
        assert connection.ctx is preferred_context()
