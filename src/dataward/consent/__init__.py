"""consent domain: the ledger, preferences and the suppression list."""
