"""Northgate Managed IT Ltd: sample systems for the `msp` example (see README.md)."""
