"""Complaints to the controller (DPA 2018 s.164A): received, acknowledged, answered."""
