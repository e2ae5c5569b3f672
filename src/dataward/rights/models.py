"""Tables of the rights domain."""
