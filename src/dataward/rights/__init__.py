"""rights domain."""
