"""`correctable` on a dataset field: what the privacy centre lets a person correct themselves."""

from __future__ import annotations

from pathlib import Path

from .policy_samples import CLEAN, briefs, problems_in

NAME_FIELD = "            - {name: closed_on}\n"


def _errors(tmp_path: Path, body: str) -> list[str]:
    return briefs(problems_in(tmp_path, body), "error")


def test_a_plain_personal_field_may_be_correctable(tmp_path: Path) -> None:
    body = CLEAN.replace(
        NAME_FIELD,
        NAME_FIELD + "            - {name: name, categories: [user.name], correctable: true}\n",
    ).replace(
        "categories: [user.contact.email]\n    systems",
        "categories: [user.contact.email, user.name]\n    systems",
    )
    assert _errors(tmp_path, body) == []


def test_an_identity_or_a_key_is_never_correctable(tmp_path: Path) -> None:
    body = CLEAN.replace("identity: email}", "identity: email, correctable: true}").replace(
        "{name: id, primary_key: true}", "{name: id, primary_key: true, correctable: true}"
    )
    errors = _errors(tmp_path, body)
    assert len(errors) == 2
    assert any("'id' is a primary key" in e for e in errors)
    assert any("'email' is an identity" in e for e in errors)


def test_a_field_without_personal_data_is_not_correctable(tmp_path: Path) -> None:
    body = CLEAN.replace(NAME_FIELD, "            - {name: closed_on, correctable: true}\n")
    (error,) = _errors(tmp_path, body)
    assert "holds no personal data category" in error
    assert "fields[2].correctable" in error
