"""Tables of the retention domain."""
