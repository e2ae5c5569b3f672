"""A hostile policy file is refused with a located problem: it never exhausts the machine,
never reads outside the policy's folder, and never puts a script in the notice."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataward.cli import app
from dataward.notice.build import build_notice
from dataward.notice.render import NoticeFormat, contact_link, render_notice
from dataward.policy.loader import read_yaml
from dataward.policy.service import check_policy, load_policy

from .policy_samples import CLEAN, briefs, write_policy

runner = CliRunner()

# Nine times nine times ... nine "x": about 48 million values from 290 bytes of text.
BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


def test_attack_yaml_alias_bomb(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["check", str(path)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}:")
    assert "aliases here expand to more than 50,000 values" in first
    assert "Traceback" not in result.output


def test_the_alias_bomb_is_placed_at_the_key_that_expands_it() -> None:
    document = read_yaml(BOMB, file="p.yaml", max_values=100)
    assert document.data is None
    [problem] = document.problems
    assert (problem.line, problem.column, problem.path) == (3, 1, "c")


def test_ordinary_aliases_still_merge() -> None:
    document = read_yaml("base: &b {x: 1}\nuse: {<<: *b, y: 2}\n", file="p.yaml")
    assert document.problems == []
    assert document.data["use"] == {"x": 1, "y": 2}


def test_attack_huge_policy_document_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("organisation:\n  name: ")
        stream.write("x" * (11 * 1024 * 1024))
    result = check_policy(path)
    assert [str(p) for p in result.problems] == [
        f"{path}:1:1: the file is larger than the 10 MB a policy may be (check this is the "
        "policy file, or move datasets into `dataset_file:` files)"
    ]


def test_attack_policy_path_is_a_device(tmp_path: Path) -> None:
    started = time.monotonic()
    result = runner.invoke(app, ["check", "/dev/zero"])
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert "'/dev/zero' is not a regular file" in result.output


def _with_dataset_file(tmp_path: Path, where: str) -> Path:
    # The inline dataset (the rest of CLEAN) gives way to the file.
    body = CLEAN.split("    dataset:")[0] + f"    dataset_file: {where}\n"
    return write_policy(tmp_path, body)


@pytest.mark.parametrize("where", ["../../../../../../etc/passwd", "/etc/shadow", "/dev/zero"])
def test_attack_dataset_file_outside_policy_folder(tmp_path: Path, where: str) -> None:
    path = _with_dataset_file(tmp_path, where)
    started = time.monotonic()
    problems = check_policy(path).errors
    assert time.monotonic() - started < 5
    assert briefs(problems) == [
        f"15:19 systems[0].dataset_file: dataset file {where!r} is outside the policy's folder"
    ]


def test_attack_dataset_file_symlink_escaping_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    folder.mkdir()
    secret = tmp_path / "secret.yml"
    secret.write_text("dataset: []\n", encoding="utf-8")
    (folder / "shop.yml").symlink_to(secret)
    path = _with_dataset_file(folder, "shop.yml")
    assert briefs(check_policy(path).errors) == [
        "15:19 systems[0].dataset_file: dataset file 'shop.yml' is outside the policy's folder"
    ]


def test_a_device_inside_the_policy_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe")
    for name in ("pipe",):
        path = _with_dataset_file(tmp_path, name)
        assert briefs(check_policy(path).errors) == [
            f"15:19 systems[0].dataset_file: dataset file {name!r} is not a regular file"
        ]


DATASET = """\
dataset:
  - fides_key: crm
    collections:
      - name: customers
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: closed_on}
"""


def test_a_folder_the_operator_allows_may_hold_dataset_files(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "crm.yml").write_text(DATASET, encoding="utf-8")
    folder = tmp_path / "policy"
    folder.mkdir()
    path = _with_dataset_file(folder, "../shared/crm.yml")
    refused = runner.invoke(app, ["check", str(path)])
    assert refused.exit_code == 1
    assert "is outside the policy's folder" in refused.output
    allowed = runner.invoke(app, ["check", str(path), "--allow-datasets-from", str(shared)])
    assert "outside the policy's folder" not in allowed.output
    assert load_policy(path, allow_datasets_from=[shared]).policy.system("crm") is not None


@pytest.mark.parametrize(
    "url", ["javascript:alert(3)", "JavaScript:alert(3)", "data:text/html,x", "ftp://x.example"]
)
def test_attack_javascript_url_in_notice(tmp_path: Path, url: str) -> None:
    path = write_policy(tmp_path, CLEAN)
    path.write_text(path.read_text(encoding="utf-8") + f'  website: "{url}"\n', encoding="utf-8")
    [problem] = check_policy(path).errors
    assert problem.path == "organisation.website"
    assert "write a web address starting https://" in problem.message
    assert (problem.line, problem.column) == (27, 12)


def test_web_and_mail_links_are_accepted(tmp_path: Path) -> None:
    path = write_policy(tmp_path, CLEAN)
    text = path.read_text(encoding="utf-8") + "  website: https://example.co.uk/about\n"
    path.write_text(text, encoding="utf-8")
    loaded = load_policy(path)
    html = render_notice(build_notice(loaded), NoticeFormat.HTML)
    assert '<a href="https://example.co.uk/about">' in html


@pytest.mark.parametrize(
    "text", ["javascript:alert(3)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "//evil"]
)
def test_the_notice_renderer_links_only_web_and_mail_addresses(text: str) -> None:
    rendered = str(contact_link(text))
    assert "<a" not in rendered
    assert str(contact_link("https://example.co.uk")).startswith('<a href="https://')
    assert str(contact_link("mailto:a@example.co.uk")).startswith('<a href="mailto:a@')
