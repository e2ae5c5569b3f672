"""Tables of the people domain."""
