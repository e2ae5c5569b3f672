"""Tables of the policy domain."""
