"""The `http` connector kind."""

from dataward.connectors.http.connector import HttpConnector

__all__ = ["HttpConnector"]
