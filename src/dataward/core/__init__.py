"""Plumbing shared by every domain: no business rules live here."""
