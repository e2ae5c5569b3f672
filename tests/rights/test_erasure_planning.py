"""Deciding what an erasure does to each record, before any source is touched."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dataward.connectors.service import FoundRecord
from dataward.policy.schema import Condition, Period, Policy
from dataward.rights.erasure import (
    HoldReason,
    add_period,
    anonymise_plan,
    as_date,
    collection_of,
    matches,
    plan_erasure,
    referenced_fields,
)
from dataward.rights.models import ItemOutcome

TODAY = date(2026, 3, 2)


def _policy() -> Policy:
    return Policy.model_validate(
        {
            "organisation": {
                "name": "Heron Phones Ltd",
                "registered_office": "9 Dock Road, Hull HU1 1AA",
                "privacy_contact": "privacy@heron.example",
            },
            "retention": {
                "accounts-6-years": {"period": "6 years", "after": "issued_on"},
                "relationship-6-years": {
                    "period": "6 years",
                    "after": "accounts.ended_on",
                },
            },
            "activities": [
                {
                    "name": "Billing",
                    "purpose": "essential.service",
                    "lawful_basis": "contract",
                    "subjects": ["customer"],
                    "categories": ["user.contact"],
                    "systems": ["shop"],
                }
            ],
            "systems": [
                {
                    "name": "shop",
                    "connector": "sql",
                    "dataset": {
                        "collections": [
                            {
                                "name": "accounts",
                                "fields": [
                                    {"name": "id", "primary_key": True},
                                    {"name": "email", "categories": ["user.contact.email"]},
                                    {"name": "ended_on"},
                                ],
                            },
                            {
                                "name": "invoices",
                                "exemption": {
                                    "ground": "legal_obligation",
                                    "reason": "HMRC: 6 years",
                                    "until": "accounts-6-years",
                                    "where": "status = 'paid'",
                                },
                                "fields": [
                                    {"name": "id", "primary_key": True},
                                    {
                                        "name": "account_id",
                                        "references": [{"to": "accounts.id"}],
                                    },
                                    {"name": "status"},
                                    {"name": "issued_on"},
                                ],
                            },
                            {
                                "name": "lines",
                                "erase": "anonymise",
                                "fields": [
                                    {"name": "id", "primary_key": True},
                                    {
                                        "name": "invoice_id",
                                        "references": [{"to": "invoices.id"}],
                                    },
                                    {"name": "note", "categories": ["user.content"]},
                                    {
                                        "name": "code",
                                        "categories": ["user.unique_id"],
                                        "erase": "hash",
                                    },
                                    {
                                        "name": "label",
                                        "categories": ["user.name"],
                                        "erase": "mask",
                                        "mask": "REDACTED",
                                    },
                                    {
                                        "name": "sku",
                                        "categories": ["user.content"],
                                        "erase": "keep",
                                    },
                                    {"name": "qty"},
                                ],
                            },
                            {
                                "name": "visits",
                                "erase": "anonymise",
                                "fields": [
                                    {"name": "id", "primary_key": True},
                                    {
                                        "name": "account_id",
                                        "references": [{"to": "accounts.id"}],
                                        "erase": "null",
                                    },
                                    {"name": "page", "categories": ["user.behavior"]},
                                ],
                            },
                            {
                                "name": "warranties",
                                "exemption": {
                                    "ground": "contract",
                                    "reason": "the warranty runs 6 years after the account",
                                    "until": "relationship-6-years",
                                },
                                "fields": [
                                    {"name": "id", "primary_key": True},
                                    {
                                        "name": "account_id",
                                        "references": [{"to": "accounts.id"}],
                                    },
                                ],
                            },
                        ]
                    },
                }
            ],
        }
    )


def _record(collection: str, **row: Any) -> FoundRecord:
    return FoundRecord("shop", collection, (row["id"],), row, {})


def _outcomes(decisions: list[Any]) -> dict[tuple[str, int], Any]:
    return {(d.record.collection, d.record.key[0]): d for d in decisions}


def test_a_paid_invoice_is_kept_until_six_years_after_it_was_issued() -> None:
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("invoices", id=10, account_id=1, status="paid", issued_on=date(2024, 2, 29)),
        _record("invoices", id=11, account_id=1, status="draft", issued_on=date(2024, 3, 1)),
        _record("invoices", id=12, account_id=1, status="paid", issued_on="2019-01-31"),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=records, today=TODAY))
    kept = decided[("invoices", 10)]
    assert (kept.outcome, kept.ground, kept.reason) == (
        ItemOutcome.KEPT,
        "legal_obligation",
        "HMRC: 6 years",
    )
    assert kept.until_on == date(2030, 2, 28)  # no 29 February in 2030
    assert decided[("invoices", 11)].outcome == ItemOutcome.ERASED  # not paid: no exemption
    assert decided[("invoices", 12)].outcome == ItemOutcome.ERASED  # its six years are over


def test_the_record_a_kept_record_points_to_is_anonymised_instead_of_deleted() -> None:
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("invoices", id=10, account_id=1, status="paid", issued_on=date(2025, 5, 1)),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=records, today=TODAY))
    account = decided[("accounts", 1)]
    assert account.outcome == ItemOutcome.ANONYMISED
    assert account.reason is not None and "point to it" in account.reason


def test_an_anonymised_record_that_drops_its_link_does_not_keep_its_parent() -> None:
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("visits", id=5, account_id=1, page="/pricing"),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=records, today=TODAY))
    assert decided[("visits", 5)].outcome == ItemOutcome.ANONYMISED
    assert decided[("accounts", 1)].outcome == ItemOutcome.ERASED


def test_anonymising_keeps_the_fields_other_records_point_to() -> None:
    policy = _policy()
    keys = referenced_fields(policy, "shop", "accounts")
    assert keys == {"id"}
    policy.systems[0].dataset.collections[1].fields[1].references[0].to = "accounts.email"  # type: ignore[union-attr]
    keys = referenced_fields(policy, "shop", "accounts")
    assert keys == {"id", "email"}
    plan = anonymise_plan(collection_of(policy, "shop", "accounts"), keep=keys)
    assert [f.field for f in plan.fields] == []


def test_anchoring_follows_the_chain_of_references() -> None:
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("invoices", id=10, account_id=1, status="draft", issued_on=date(2025, 5, 1)),
        _record("lines", id=100, invoice_id=10, note="x", qty=1),
    ]
    held = {("shop", "lines", (100,)): HoldReason("disputed delivery")}
    decided = _outcomes(plan_erasure(policy=_policy(), records=records, today=TODAY, held=held))
    assert decided[("lines", 100)].outcome == ItemOutcome.HELD
    assert decided[("invoices", 10)].outcome == ItemOutcome.ANONYMISED
    assert decided[("accounts", 1)].outcome == ItemOutcome.ANONYMISED


def test_an_exemption_dated_by_a_related_record_lasts_until_that_date_is_known() -> None:
    running = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("warranties", id=7, account_id=1),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=running, today=TODAY))
    assert (decided[("warranties", 7)].outcome, decided[("warranties", 7)].until_on) == (
        ItemOutcome.KEPT,
        None,
    )
    ended = [
        _record("accounts", id=1, email="a@example.com", ended_on=date(2022, 8, 31)),
        _record("warranties", id=7, account_id=1),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=ended, today=TODAY))
    assert decided[("warranties", 7)].until_on == date(2028, 8, 31)
    long_ago = [
        _record("accounts", id=1, email="a@example.com", ended_on="2019-06-30"),
        _record("warranties", id=7, account_id=1),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=long_ago, today=TODAY))
    assert decided[("warranties", 7)].outcome == ItemOutcome.ERASED


def test_a_person_hold_keeps_every_record_with_its_review_date() -> None:
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("lines", id=100, invoice_id=None, note="x", qty=1),
    ]
    hold = HoldReason("employment tribunal", date(2026, 6, 1))
    decisions = plan_erasure(policy=_policy(), records=records, today=TODAY, person_hold=hold)
    assert {(d.outcome, d.ground, d.reason, d.until_on) for d in decisions} == {
        (ItemOutcome.HELD, "legal_hold", "employment tribunal", date(2026, 6, 1))
    }


def test_anonymising_blanks_personal_fields_by_their_declared_strategy() -> None:
    plan = anonymise_plan(collection_of(_policy(), "shop", "lines"), hasher=str.upper)
    assert not plan.delete_rows
    assert plan.hasher is str.upper
    assert [(f.field, f.strategy, f.mask) for f in plan.fields] == [
        ("note", "null", None),
        ("code", "hash", None),
        ("label", "mask", "REDACTED"),
    ]


def test_an_invoice_whose_status_is_empty_is_kept_as_undecided_not_erased() -> None:
    # The exemption (`status = 'paid'`) cannot be judged on an empty status: erasing would
    # destroy what may be a paid invoice, keeping it silently would hide it; it is kept and
    # named so someone decides, as a retention sweep reports the same row.
    records = [
        _record("accounts", id=1, email="a@example.com", ended_on=None),
        _record("invoices", id=13, account_id=1, status=None, issued_on=date(2024, 3, 1)),
    ]
    decided = _outcomes(plan_erasure(policy=_policy(), records=records, today=TODAY))
    unsure = decided[("invoices", 13)]
    assert (unsure.outcome, unsure.ground) == (ItemOutcome.KEPT, "undecided")
    assert unsure.reason is not None and "status is empty" in unsure.reason


def test_conditions_follow_sql_semantics_for_nulls_and_types() -> None:
    assert matches([Condition(field="status", op="=", value="paid")], {"status": "paid"})
    # Unknown, not false: a comparison with a null (three-valued, as SQL).
    assert matches([Condition(field="status", op="!=", value="paid")], {"status": None}) is None
    assert matches([Condition(field="status", op="=", value="paid")], {"status": None}) is None
    both = [Condition(field="a", op="=", value=1), Condition(field="b", op="=", value=1)]
    assert matches(both, {"a": None, "b": 2}) is False  # false AND unknown is false
    assert matches(both, {"a": None, "b": 1}) is None  # true AND unknown is unknown
    assert matches([Condition(field="vip", op="=", value=True)], {"vip": 1})
    assert matches([Condition(field="vip", op="=", value=False)], {"vip": "f"})
    assert matches([Condition(field="n", op=">=", value=3)], {"n": "4"})
    assert not matches([Condition(field="n", op="<", value=3)], {"n": "x"})
    assert matches([Condition(field="gone", op="is null")], {"gone": None})
    assert matches([Condition(field="on", op="<", value="2026-01-01")], {"on": date(2025, 1, 1)})


def test_dates_are_read_from_what_drivers_return() -> None:
    assert as_date("2025-04-05") == date(2025, 4, 5)
    assert as_date("2025-04-05 23:30:00") == date(2025, 4, 5)
    # Late evening UTC in summer is already the next day in London.
    assert as_date(datetime.fromisoformat("2025-07-01T23:30:00+00:00")) == date(2025, 7, 2)
    assert as_date("soon") is None
    assert add_period(date(2024, 1, 31), Period(amount=1, unit="month")) == date(2024, 2, 29)
    assert add_period(date(2026, 3, 2), Period(amount=28, unit="day")) == date(2026, 3, 30)
