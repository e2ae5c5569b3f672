"""The privacy centre's services: what a person does for themselves, without an account."""
