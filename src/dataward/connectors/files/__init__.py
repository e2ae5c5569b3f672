"""The `files` connector kind."""

from dataward.connectors.files.connector import FilesConnector

__all__ = ["FilesConnector"]
