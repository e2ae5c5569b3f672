"""Render the notice structure as accessible HTML (autoescaped) or Markdown."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from dataward.notice.structure import Notice

TEMPLATES = PackageLoader("dataward", "templates/notice")


class NoticeFormat(StrEnum):
    HTML = "html"
    MARKDOWN = "md"


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def capitalise(value: str) -> str:
    return value[:1].upper() + value[1:]


def contact_link(value: str) -> Markup:
    """An email address or web address becomes a link; anything else is shown as written.

    Only these schemes: a `javascript:` or `data:` href would run in the reader's browser.
    """
    text = value.strip()
    if re.fullmatch(r"[^@\s:]+@[^@\s]+\.[^@\s]+", text):
        return Markup('<a href="mailto:{0}">{0}</a>').format(text)
    if re.fullmatch(r"(?i)mailto:([^@\s]+@[^@\s]+)", text):
        return Markup('<a href="{0}">{1}</a>').format(text, text[len("mailto:") :])
    if re.fullmatch(r"(?i)https?://[^\s/?#]+\S*", text):
        return Markup('<a href="{0}">{0}</a>').format(text)
    return Markup(escape(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md(value: str) -> str:
    """Escape what Markdown would read as formatting, so policy text shows as written."""
    escaped = _MD_SPECIAL.sub(r"\\\1", value.replace("\r", ""))
    return re.sub(r"\n\s*", " ", escaped)


def cell(value: str) -> str:
    return md(value)


@lru_cache(maxsize=2)
def _environment(fmt: NoticeFormat) -> Environment:
    env = Environment(
        loader=TEMPLATES,
        autoescape=fmt == NoticeFormat.HTML,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        long_date=long_date,
        slug=slug,
        capitalise=capitalise,
        contact_link=contact_link,
        md=md,
        cell=cell,
    )
    return env


def render_notice(
    notice: Notice,
    fmt: NoticeFormat,
    *,
    version: int | None = None,
    effective_on: date | None = None,
) -> str:
    """The notice as a reader sees it; without a version it is marked as a draft."""
    name = "notice.html.j2" if fmt == NoticeFormat.HTML else "notice.md.j2"
    text = (
        _environment(fmt)
        .get_template(name)
        .render(notice=notice, version=version, effective_on=effective_on)
    )
    if fmt == NoticeFormat.MARKDOWN:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def render_notice_parts(notice: Notice) -> tuple[Markup, Markup]:
    """The notice's contents list and its sections, to be placed inside another page (the
    privacy centre's), which gives the heading, the version and the styles."""
    env = _environment(NoticeFormat.HTML)
    contents = env.get_template("notice_contents.html.j2").render(notice=notice)
    sections = env.get_template("notice_sections.html.j2").render(notice=notice)
    # Rendered with autoescape on, like the full notice: safe to place as it is.
    return Markup(contents), Markup(sections)
