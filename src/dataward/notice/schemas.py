"""Pydantic shapes of the notice domain's API: published versions, their diffs, publishing."""

from __future__ import annotations

from datetime import date, datetime

from dataward.core.schemas import Schema
from dataward.notice import service as versions
from dataward.notice.diff import Change
from dataward.notice.models import NoticeVersion


class VersionOut(Schema):
    number: int
    effective_on: date
    published_at: datetime
    published_by: str
    policy_digest: str
    purposes: int


class VersionDetailOut(VersionOut):
    markdown: str
    html: str


class DiffOut(Schema):
    old: int
    new: int
    changes: list[Change]


class PublishIn(Schema):
    effective_on: date | None = None


class PublishedOut(Schema):
    created: bool  # false: the notice was unchanged, the current version stands
    number: int
    effective_on: date
    changes: list[Change]


def version_out(version: NoticeVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        effective_on=version.effective_on,
        published_at=version.published_at,
        published_by=version.published_by,
        policy_digest=version.policy_digest,
        purposes=len(versions.notice_of(version).purposes),
    )


def version_detail(version: NoticeVersion) -> VersionDetailOut:
    return VersionDetailOut(
        **version_out(version).model_dump(), markdown=version.markdown, html=version.html
    )
