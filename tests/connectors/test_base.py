"""The one reading of an erasure plan's fields, shared by every connector kind."""

from __future__ import annotations

import pytest

from dataward.connectors.base import DEFAULT_MASK, ErasurePlan, FieldErasure, field_values
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Collection

TICKETS = Collection.model_validate(
    {
        "name": "tickets",
        "fields": [
            {"name": "id", "primary_key": True},
            {"name": "email"},
            {"name": "phone"},
            {"name": "notes"},
            {"name": "summary"},
        ],
    }
)


def _plan(*fields: FieldErasure, hasher: bool = True) -> ErasurePlan:
    return ErasurePlan(delete_rows=False, fields=fields, hasher=str.upper if hasher else None)


def test_null_mask_and_hash_become_the_values_each_kind_writes() -> None:
    values = field_values(
        _plan(
            FieldErasure("email", "hash"),
            FieldErasure("phone", "null"),
            FieldErasure("notes", "mask"),
            FieldErasure("summary", "mask", mask="[withheld]"),
        ),
        TICKETS,
        system="helpdesk",
    )
    assert values.fixed == {"phone": None, "notes": DEFAULT_MASK, "summary": "[withheld]"}
    assert values.hashed == ("email",)


def test_a_kept_field_writes_nothing() -> None:
    assert not field_values(_plan(FieldErasure("notes", "keep")), TICKETS, system="helpdesk")


def test_a_delete_field_takes_the_whole_row() -> None:
    assert _plan(FieldErasure("notes", "delete")).removes_rows
    assert not _plan(FieldErasure("notes", "null")).removes_rows


@pytest.mark.parametrize(
    ("plan", "can_hash", "message"),
    [
        (_plan(FieldErasure("id", "null")), True, "is its primary key"),
        (_plan(FieldErasure("shoe_size", "null")), True, "has no declared field 'shoe_size'"),
        (_plan(FieldErasure("email", "hash"), hasher=False), True, "needs a hasher"),
        (_plan(FieldErasure("email", "hash")), False, "keyed hashing needs the stored value"),
    ],
)
def test_a_plan_a_kind_cannot_carry_out_is_refused_before_anything_is_written(
    plan: ErasurePlan, can_hash: bool, message: str
) -> None:
    with pytest.raises(ConnectorError, match=message) as raised:
        field_values(plan, TICKETS, system="helpdesk", can_hash=can_hash)
    assert raised.value.system == "helpdesk"
