"""Tests of the ROPA domain."""
