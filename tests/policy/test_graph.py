"""The policy's graph of collections, read from the policy alone (no system is reached)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataward.core.errors import PolicyError
from dataward.policy.graph import erasure_order, foreign_keys, resolve_reference, traversal_links
from dataward.policy.schema import Policy
from dataward.policy.service import load_policy

from .policy_samples import CLEAN, write_policy

BILLING = """\
  - name: billing
    connector: sql
    connection: {url_env: BILLING_URL}
    dataset:
      collections:
        - name: invoices
          fields:
            - {name: id, primary_key: true}
            - {name: customer_id, references: [{to: crm.customers.id}]}
"""


def _policy(tmp_path: Path) -> Policy:
    return load_policy(write_policy(tmp_path, CLEAN + BILLING)).policy


def test_a_reference_makes_its_holder_the_child(tmp_path: Path) -> None:
    assert foreign_keys(_policy(tmp_path)) == [
        (("billing", "invoices", "customer_id"), ("crm", "customers", "id"))
    ]


def test_children_are_erased_before_the_rows_they_reference(tmp_path: Path) -> None:
    assert erasure_order(_policy(tmp_path)) == [("billing", "invoices"), ("crm", "customers")]


def test_the_search_walks_from_the_referenced_row_to_its_holder(tmp_path: Path) -> None:
    (link,) = traversal_links(_policy(tmp_path))
    assert (link.source, link.target) == (
        ("crm", "customers", "id"),
        ("billing", "invoices", "customer_id"),
    )


def test_a_reference_to_nothing_declared_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        resolve_reference(_policy(tmp_path), "billing", "crm.suppliers.id")
