"""Tests of the notice domain."""
