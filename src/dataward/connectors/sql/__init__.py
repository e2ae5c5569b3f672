"""The `sql` connector kind."""

from dataward.connectors.sql.connector import SqlConnector

__all__ = ["SqlConnector"]
