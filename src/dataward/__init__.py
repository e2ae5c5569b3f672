"""Dataward: privacy operations for small UK businesses."""

__version__ = "0.1.0"
