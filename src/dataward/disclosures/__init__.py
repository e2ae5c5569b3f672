"""Disclosures of personal data to third parties: recorded, approved by a named role, released."""
