"""Meridian Business Telecoms Ltd: sample systems for the `telecoms` example (see README.md)."""
