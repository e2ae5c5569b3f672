"""The notice renders as a clean, accessible, self-contained HTML page and as Markdown."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dataward.notice.build import build_notice
from dataward.notice.render import NoticeFormat, md, render_notice
from dataward.notice.structure import Notice
from dataward.policy.service import load_policy

from .support import FIXTURE, activity, cli_runner, variant


class Page(HTMLParser):
    """Collects what an accessibility and self-containment check needs from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self._heading: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, " ".join(self._text.split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text += data


@pytest.fixture(scope="module")
def notice() -> Notice:
    return build_notice(load_policy(FIXTURE))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_html_is_one_self_contained_page_with_no_external_assets(notice: Notice) -> None:
    page = parse(render_notice(notice, NoticeFormat.HTML))
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "img" not in tags and "link" not in tags
    assert "style" in tags  # inline CSS only
    assert ("html", {"lang": "en-GB"}) in page.tags
    assert all(not (attrs.get("src") or "") for _, attrs in page.tags)


def test_html_headings_follow_the_reader_sections_in_order(notice: Notice) -> None:
    page = parse(render_notice(notice, NoticeFormat.HTML))
    assert page.headings[0] == ("h1", "Privacy notice")
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert h2 == [
        "Contents",
        "Who we are",
        "If you are a customer",
        "If you applied for a job with us",
        "If you are an enquirer",
        "Who we share information with",
        "Information sent outside the UK",
        "Your rights",
        "Automated decisions",
        "Complaints",
    ]
    # Each activity is a sub-heading in every reader section it concerns.
    h3 = [text for tag, text in page.headings if tag == "h3"]
    assert h3.count("Call recording") == 2
    assert len(page.ids) == len(set(page.ids)), "ids must be unique for in-page links"


def test_html_tells_the_reader_every_element_in_words(notice: Notice) -> None:
    html = render_notice(notice, NoticeFormat.HTML, version=3, effective_on=date(2026, 4, 1))
    assert "Version 3, in effect from 1 April 2026" in html
    assert "Company number</dt><dd>09876543" in html
    assert "ICO registration number</dt><dd>ZB765432" in html
    assert '<a href="mailto:privacy@harbour-it.example">privacy@harbour-it.example</a>' in html
    assert "3 months after the call is recorded, then deleted. Why: quality checks" in html
    assert "From the recruitment agency that put you forward." in html
    assert "https://ico.org.uk/make-a-complaint/" in html and "0303 123 1113" in html
    assert "UK Extension to the EU-US Data Privacy Framework" in html


def test_unpublished_render_is_marked_as_a_draft(notice: Notice) -> None:
    assert "Draft: not yet published" in render_notice(notice, NoticeFormat.HTML)
    assert "Draft: not yet published" in render_notice(notice, NoticeFormat.MARKDOWN)


def test_policy_text_is_escaped_in_html(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        activity(data, "Support and service")["description"] = (
            '<script>alert("x")</script> & <b>bold</b>'
        )

    html = render_notice(build_notice(variant(tmp_path, change)), NoticeFormat.HTML)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_markdown_has_the_same_sections_and_escapes_formatting(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        activity(data, "Support and service")["description"] = "Tickets *and* [links] <here>"

    text = render_notice(build_notice(variant(tmp_path, change)), NoticeFormat.MARKDOWN)
    headings = re.findall(r"^(#{1,3}) (.+)$", text, flags=re.MULTILINE)
    assert ("##", "If you applied for a job with us") in headings
    assert ("###", "Recruitment") in headings
    assert r"Tickets \*and\* \[links\] \<here\>" in text
    assert "| RemoteDesk Inc | remote support tool |" in text
    assert "\n\n\n" not in text


def test_markdown_escape_keeps_text_on_one_line() -> None:
    assert md("a_b\nc|d") == r"a\_b c\|d"


def test_render_command_writes_html_or_prints_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    target = tmp_path / "notice.html"
    result = run("notice", "render", str(FIXTURE), "--format", "html", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    result = run("notice", "render", str(FIXTURE), "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Privacy notice")


def test_render_command_reports_a_broken_policy_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("organisation: {name: X}\nactivities: []\n", encoding="utf-8")
    run = cli_runner(tmp_path / "home", monkeypatch)
    result = run("notice", "render", str(broken))
    assert result.exit_code == 1
    assert "broken.yaml" in result.output
