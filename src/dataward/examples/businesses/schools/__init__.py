"""Thistle Schools IT Ltd: sample systems for the `schools` example (see README.md)."""
