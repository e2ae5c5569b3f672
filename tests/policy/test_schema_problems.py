"""Schema mistakes (unknown keys, wrong types, missing keys) reported where they were written."""

from __future__ import annotations

from pathlib import Path

from .policy_samples import CLEAN, problems_in


def _errors(tmp_path: Path, body: str) -> list[tuple[str, str | None]]:
    return [
        (f"{p.line}:{p.column} {p.path}: {p.message}", p.fix)
        for p in problems_in(tmp_path, body)
        if p.severity == "error"
    ]


def test_an_unknown_key_is_placed_at_the_key_and_suggests_the_nearest_allowed_one(
    tmp_path: Path,
) -> None:
    body = CLEAN.replace("    retention: six-years\n", "    retension: six-years\n", 1)
    assert _errors(tmp_path, body) == [
        ("8:5 activities[0].retension: unknown key 'retension'", "did you mean `retention`?")
    ]


def test_an_unknown_key_with_nothing_close_lists_the_allowed_keys(tmp_path: Path) -> None:
    body = CLEAN.replace("  six-years: {period", "  six-years: {zzz: 1, period")
    [(where, fix)] = _errors(tmp_path, body)
    assert where == "10:15 retention.six-years.zzz: unknown key 'zzz'"
    assert fix is not None and fix.startswith("allowed keys here: period, after, where")


def test_an_unknown_top_level_section_is_reported(tmp_path: Path) -> None:
    body = CLEAN + "recipient:\n  - name: x\n"
    assert _errors(tmp_path, body) == [
        ("23:1 recipient: unknown key 'recipient'", "did you mean `recipients`?")
    ]


def test_a_value_of_the_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    body = CLEAN.replace("{name: id, primary_key: true}", "{name: id, primary_key: maybe}")
    assert _errors(tmp_path, body) == [
        (
            "20:39 systems[0].dataset.collections[0].fields[0].primary_key: "
            "expected true or false, got 'maybe'",
            "write true or false",
        )
    ]


def test_yaml_turning_text_into_a_boolean_suggests_quoting_what_was_written(
    tmp_path: Path,
) -> None:
    body = (
        CLEAN + "recipients:\n  - name: Norway Hosting AS\n    service: hosting\n    country: NO\n"
    )
    assert _errors(tmp_path, body) == [
        ("26:14 recipients[0].country: expected text, got false", "quote it: 'NO'")
    ]


def test_a_list_given_where_a_mapping_is_expected(tmp_path: Path) -> None:
    body = CLEAN.replace("    dataset:\n", "    dataset: []\n    dataset_x:\n")
    problems = _errors(tmp_path, body)
    assert (
        "15:14 systems[0].dataset: expected a mapping of keys to values, got a list",
        "write `key: value` lines indented under this key",
    ) in problems


def test_a_missing_required_key_is_placed_at_its_mapping(tmp_path: Path) -> None:
    body = CLEAN.replace("    lawful_basis: contract\n", "")
    assert _errors(tmp_path, body) == [
        ("2:5 activities[0]: missing required key 'lawful_basis'", "add `lawful_basis:` here")
    ]


def test_a_misspelt_choice_suggests_the_nearest_option(tmp_path: Path) -> None:
    body = CLEAN.replace("lawful_basis: contract", "lawful_basis: contarct")
    [(where, fix)] = _errors(tmp_path, body)
    assert where.startswith("4:19 activities[0].lawful_basis: 'contarct' is not one of: consent")
    assert fix == "did you mean 'contract'?"


def test_an_empty_list_where_one_item_is_needed(tmp_path: Path) -> None:
    body = CLEAN.replace("subjects: [customer]", "subjects: []")
    assert _errors(tmp_path, body) == [
        ("5:15 activities[0].subjects: must list at least 1 item", "add the missing entries")
    ]


def test_a_bad_period_names_the_value_and_how_to_write_it(tmp_path: Path) -> None:
    body = CLEAN.replace("period: 6 years", "period: six years")
    assert _errors(tmp_path, body) == [
        (
            "10:23 retention.six-years.period: cannot read period 'six years'",
            "write a number and a unit, e.g. '3 months', '6 years', '28 days'",
        )
    ]


def test_a_bad_date_says_how_to_write_a_date(tmp_path: Path) -> None:
    body = CLEAN + (
        "recipients:\n"
        "  - name: Hosting Ltd\n"
        "    service: hosting\n"
        "    country: GB\n"
        "    contract_signed_on: 2024-13-01\n"
    )
    [(where, fix)] = _errors(tmp_path, body)
    assert where.startswith("27:25 recipients[0].contract_signed_on: expected a date, got")
    assert fix == "write a date as YYYY-MM-DD, e.g. 2025-09-12"


def test_an_inline_secret_is_placed_at_its_key(tmp_path: Path) -> None:
    body = CLEAN.replace("connection: {url_env: CRM_URL}", "connection: {password: hunter2}")
    assert _errors(tmp_path, body) == [
        (
            "14:18 systems[0].connection.password: inline secret 'password'",
            "put it in an environment variable and write `password_env: VAR_NAME`",
        )
    ]


def test_an_inline_url_password_is_an_error(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "connection: {url_env: CRM_URL}", "connection: {url: 'postgresql://u:pw@db/crm'}"
    )
    [(where, fix)] = _errors(tmp_path, body)
    assert where == "14:18 systems[0].connection.url: 'url' holds a password inline"
    assert fix is not None and "url_env" in fix


def test_every_problem_of_every_kind_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        CLEAN.replace("lawful_basis: contract", "lawful_basis: contract\n    portable: perhaps")
        .replace("subjects: [customer]", "subjects: [custmer]")
        .replace("period: 6 years", "period: sometime")
        .replace("connector: sql", "connector: sqll")
        .replace("{name: closed_on}", "{name: closed_on, colour: red}")
        .replace("identity: email}", "identity: email, categories: [user.contact.emial]}")
    )
    assert [where for where, _ in _errors(tmp_path, body)] == [
        "5:15 activities[0].portable: expected true or false, got 'perhaps'",
        "6:16 activities[0].subjects[0]: unknown data subject 'custmer'",
        "11:23 retention.six-years.period: cannot read period 'sometime'",
        "14:16 systems[0].connector: unknown connector kind 'sqll'",
        "22:80 systems[0].dataset.collections[0].fields[1].categories: key 'categories' appears "
        "twice in this mapping (first at line 22)",
        "23:33 systems[0].dataset.collections[0].fields[2].colour: unknown key 'colour'",
    ]


def test_the_rest_of_an_item_is_checked_when_one_of_its_keys_is_rejected(
    tmp_path: Path,
) -> None:
    body = CLEAN.replace("{name: closed_on}", "{name: closed_on, colour: red}").replace(
        "{name: email, categories: [user.contact.email]",
        "{name: email, categories: [user.contact.emial]",
    )
    assert [where for where, _ in _errors(tmp_path, body)] == [
        "21:42 systems[0].dataset.collections[0].fields[1].categories[0]: unknown data category "
        "'user.contact.emial'",
        "22:33 systems[0].dataset.collections[0].fields[2].colour: unknown key 'colour'",
    ]


def test_a_reference_to_a_rejected_item_is_not_reported_as_dangling(tmp_path: Path) -> None:
    body = CLEAN.replace("period: 6 years", "period: sometime")
    assert [where for where, _ in _errors(tmp_path, body)] == [
        "10:23 retention.six-years.period: cannot read period 'sometime'"
    ]


def test_warnings_about_a_partly_rejected_item_are_held_back(tmp_path: Path) -> None:
    # Without its rejected connection the system would draw "needs url_env"; it must not.
    body = CLEAN.replace("connection: {url_env: CRM_URL}", "connection: {password: x}")
    problems = problems_in(tmp_path, body)
    assert [p.severity for p in problems] == ["error"]


def test_an_empty_value_asks_for_one(tmp_path: Path) -> None:
    body = CLEAN.replace("- name: Support", "- name:")
    assert _errors(tmp_path, body) == [
        (
            "2:10 activities[0].name: expected text, got nothing (an empty value)",
            "write a value after the colon, or remove the key",
        )
    ]
