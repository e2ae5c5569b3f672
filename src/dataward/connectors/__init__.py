"""Connectors reach the systems where personal data lives. Contract in base.py."""
