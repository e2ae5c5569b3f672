"""Kestrel IT Support Ltd: sample systems for the `support` example (see README.md)."""
