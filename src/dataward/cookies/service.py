"""Recording a visitor's cookie choice, checked against the banner the policy describes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.cookies.models import CookieChoice
from dataward.core.clock import Clock
from dataward.core.errors import Conflict, Forbidden, UsageError
from dataward.policy.schema import CookieBanner, CookieBasis, Policy

VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Set without asking: the visitor cannot switch these off.
ALWAYS_ON = {CookieBasis.STRICTLY_NECESSARY, CookieBasis.COMMUNICATION}
# Exempt with clear information and a simple way to object: on unless the visitor objects.
ON_UNLESS_OBJECTED = {CookieBasis.ANALYTICS, CookieBasis.PREFERENCES}


def banner_of(policy: Policy) -> CookieBanner:
    if policy.cookies is None:
        raise UsageError(
            "the policy describes no cookie banner",
            fix="add a `cookies:` section (version, websites, categories) to dataward.yaml",
        )
    return policy.cookies


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(banner: CookieBanner) -> set[str]:
    return {origin_of(site) for site in banner.websites}


def defaults(banner: CookieBanner, *, gpc: bool) -> dict[str, bool]:
    """What applies before the visitor chooses. Global Privacy Control is taken as an
    objection to everything that can be objected to, as well as a refusal of consent; a
    choice the visitor then makes on the banner is theirs and stands."""
    return {
        c.key: c.basis in ALWAYS_ON or (c.basis in ON_UNLESS_OBJECTED and not gpc)
        for c in banner.categories
    }


def settled(banner: CookieBanner, asked: Mapping[str, object], *, gpc: bool) -> dict[str, bool]:
    """The choice as it stands: every category, the always-on ones on, GPC honoured."""
    known = {c.key: c for c in banner.categories}
    unknown = sorted(set(asked) - set(known))
    if unknown:
        raise UsageError(
            f"unknown cookie categories: {', '.join(unknown)}",
            fix=f"the banner's categories are: {', '.join(known)}",
        )
    wrong = sorted(k for k, v in asked.items() if not isinstance(v, bool))
    if wrong:
        raise UsageError(f"choices must be true or false: {', '.join(wrong)}")
    choice = defaults(banner, gpc=gpc)
    for key, category in known.items():
        if category.basis in ALWAYS_ON or key not in asked:
            continue
        choice[key] = bool(asked[key])
    return choice


def record_choice(
    *,
    session: Session,
    clock: Clock,
    banner: CookieBanner,
    origin: str | None,
    visitor_id: str,
    version: str,
    choices: Mapping[str, object],
    gpc: bool,
) -> CookieChoice:
    """Store a visitor's choice made on one of the business's websites."""
    website = origin_of(origin) if origin else ""
    if website not in allowed_origins(banner):
        raise Forbidden(
            "choices are recorded only from the business's own websites",
            fix="list the website under `cookies: websites:` in dataward.yaml",
        )
    if not VISITOR_ID.match(visitor_id):
        raise UsageError("the visitor id must be 16 to 64 letters, digits, '-' or '_'")
    if version != banner.version:
        raise Conflict(
            f"the banner shown was version {version!r}; the current one is {banner.version!r}",
            fix="reload the page so the visitor sees the current banner",
        )
    choice = CookieChoice(
        visitor_id=visitor_id,
        banner_version=version,
        website=website,
        choices=settled(banner, choices, gpc=gpc),
        global_privacy_control=gpc,
        recorded_at=clock.now().astimezone(UTC),
    )
    session.add(choice)
    session.flush()
    return choice


def latest_choice(*, session: Session, visitor_id: str) -> CookieChoice | None:
    return session.scalars(
        select(CookieChoice)
        .where(CookieChoice.visitor_id == visitor_id)
        .order_by(CookieChoice.id.desc())
        .limit(1)
    ).first()


@dataclass
class Summary:
    """What visitors decided, the latest choice of each visitor counted once."""

    visitors: int = 0
    with_gpc: int = 0
    allowed: Counter[str] = field(default_factory=Counter)
    by_version: Counter[str] = field(default_factory=Counter)


def summary(*, session: Session) -> Summary:
    latest = select(func.max(CookieChoice.id)).group_by(CookieChoice.visitor_id).scalar_subquery()
    result = Summary()
    rows = session.execute(
        select(
            CookieChoice.choices, CookieChoice.global_privacy_control, CookieChoice.banner_version
        ).where(CookieChoice.id.in_(latest))
    )
    for choices, gpc, version in rows:
        result.visitors += 1
        result.with_gpc += int(bool(gpc))
        result.by_version[version] += 1
        result.allowed.update(key for key, on in choices.items() if on)
    return result
