"""Signalpath Communications Ltd: sample systems for the `voip` example (see README.md)."""
