"""Tables of the audit domain."""
