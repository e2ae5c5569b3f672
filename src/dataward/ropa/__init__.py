"""The record of processing activities (ROPA) and who receives personal data."""
