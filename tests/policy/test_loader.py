from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from dataward.policy.loader import Position, format_path, read_yaml

from .policy_samples import CLEAN, briefs, problems_in


def _read(text: str) -> tuple[object, list[str], dict[tuple[str | int, ...], Position]]:
    document = read_yaml(textwrap.dedent(text), file="p.yaml")
    return document.data, [str(p) for p in document.problems], document.source.values


def test_every_key_and_value_keeps_its_line_and_column() -> None:
    document = read_yaml(
        textwrap.dedent("""\
            activities:
              - name: Support
                categories: [user.contact.email, user.name]
            """),
        file="p.yaml",
    )
    source = document.source
    assert source.key(("activities",)) == Position("p.yaml", 1, 1)
    assert source.value(("activities", 0)) == Position("p.yaml", 2, 5)
    assert source.key(("activities", 0, "name")) == Position("p.yaml", 2, 5)
    assert source.value(("activities", 0, "name")) == Position("p.yaml", 2, 11)
    assert source.value(("activities", 0, "categories", 1)) == Position("p.yaml", 3, 38)


def test_an_unknown_path_falls_back_to_its_nearest_known_ancestor() -> None:
    document = read_yaml("a:\n  b: 1\n", file="p.yaml")
    assert document.source.value(("a", "b", "c", 4)) == Position("p.yaml", 2, 6)
    assert document.source.value(("zzz",)) == Position("p.yaml", 1, 1)


def test_a_duplicate_key_is_an_error_at_the_second_one() -> None:
    data, problems, _ = _read("""\
        retention:
          short: {period: 1 day, after: x}
          short: {period: 2 days, after: x}
        """)
    assert problems == [
        "p.yaml:3:3: retention.short: key 'short' appears twice in this mapping (first at "
        "line 2) (keep one of them: YAML would silently use only the last)"
    ]
    assert data == {"retention": {"short": {"period": "1 day", "after": "x"}}}


def test_a_yaml_syntax_error_reports_its_own_line_and_column() -> None:
    data, problems, _ = _read("""\
        organisation:
          name: Example
         privacy_contact: x
        """)
    assert data is None
    assert len(problems) == 1
    assert problems[0].startswith("p.yaml:3:2: YAML syntax error")


def test_a_tab_in_the_indentation_is_explained() -> None:
    _, problems, _ = _read("a:\n\tb: 1\n")
    assert problems[0].startswith("p.yaml:2:1: YAML syntax error")
    assert problems[0].endswith("(indent with spaces, not tabs)")


def test_an_empty_file_is_reported() -> None:
    data, problems, _ = _read("# nothing but a comment\n")
    assert data is None
    assert problems == [
        "p.yaml:1:1: the file is empty (write at least `organisation:` and `activities:`)"
    ]


def test_scalars_are_read_as_yaml_reads_them_and_their_text_is_kept() -> None:
    document = read_yaml("on: 2024-03-01\ncountry: NO\nnumber: 010\n", file="p.yaml")
    assert document.data == {True: date(2024, 3, 1), "country": False, "number": 8}
    assert document.source.text(("country",)) == "NO"
    assert document.source.text(("number",)) == "010"


def test_merge_keys_take_values_from_the_anchor_and_explicit_keys_win() -> None:
    data, problems, values = _read("""\
        base: &base {period: 6 years, after: closed_on}
        rule:
          <<: *base
          after: ended_on
        """)
    assert problems == []
    assert data == {
        "base": {"period": "6 years", "after": "closed_on"},
        "rule": {"period": "6 years", "after": "ended_on"},
    }
    assert values[("rule",)] == Position("p.yaml", 3, 3)
    assert values[("rule", "after")] == Position("p.yaml", 4, 10)


def test_an_alias_that_contains_itself_is_reported_instead_of_looping() -> None:
    data, problems, _ = _read("a: &x [1, *x]\n")
    assert problems == [
        "p.yaml:1:4: a[1]: an alias refers to the value that contains it (point the alias "
        "(`*name`) at an anchor outside this value)"
    ]
    assert data == {"a": [1, None]}


def test_several_documents_in_one_file_are_an_error() -> None:
    _, problems, _ = _read("a: 1\n---\nb: 2\n")
    assert len(problems) == 1
    assert "remove the extra `---`" in problems[0]


def test_paths_read_as_keys_and_indices() -> None:
    assert format_path(("systems", 0, "dataset", "collections", 2, "name")) == (
        "systems[0].dataset.collections[2].name"
    )
    assert format_path(()) == ""


def test_the_clean_sample_policy_has_no_problems(tmp_path: Path) -> None:
    assert problems_in(tmp_path, CLEAN) == []


def test_duplicate_keys_in_a_policy_fail_the_check(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "    lawful_basis: contract\n",
        "    lawful_basis: contract\n    lawful_basis: consent\n",
    )
    assert briefs(problems_in(tmp_path, body)) == [
        "5:5 activities[0].lawful_basis: key 'lawful_basis' appears twice in this mapping "
        "(first at line 4)"
    ]
