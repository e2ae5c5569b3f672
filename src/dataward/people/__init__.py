"""people domain."""
