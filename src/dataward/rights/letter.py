"""The Art 15 letter: what we hold, why, who gets it, how long, and the person's rights.

Everything in it is drawn from the policy for the activities that actually hold this person's
data, so a person found nowhere gets a short, still valid, answer that nothing is held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jinja2

from dataward.policy.schema import Activity, LawfulBasis, Organisation, Policy, Recipient
from dataward.policy.taxonomy import taxonomy_for
from dataward.rights.holdings import (
    BASIS_TEXT,
    activities_holding,
    activity_holds,
    category_label,
    portable,
    purpose_label,
)

HOME_COUNTRY = "GB"

ICO = {
    "name": "Information Commissioner's Office",
    "address": "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
    "phone": "0303 123 1113",
    "web": "https://ico.org.uk/make-a-complaint/",
}

SAFEGUARD_TEXT = {
    "adequacy": "UK adequacy regulations",
    "uk_dpf_extension": "the UK Extension to the EU-US Data Privacy Framework",
    "idta": "the ICO's International Data Transfer Agreement",
    "uk_addendum": "the UK Addendum to the EU standard contractual clauses",
    "art49_exception": "an Art 49 exception",
}


@dataclass(frozen=True)
class RecipientLine:
    name: str
    service: str
    role: str
    country: str
    safeguard: str | None

    @property
    def abroad(self) -> bool:
        return self.country != HOME_COUNTRY


@dataclass(frozen=True)
class ActivityLine:
    name: str
    purpose: str
    basis: str
    legitimate_interest: str | None
    categories: list[str]
    systems: list[str]
    recipients: list[RecipientLine]
    retention: str
    source: str | None
    automated_decision_making: str | None
    requirement: str | None
    consent_withdrawal: str | None


@dataclass(frozen=True)
class KeptLine:
    """Records an erasure kept, with the ground and until when."""

    system: str
    collection: str
    count: int
    ground: str
    reason: str
    until_on: date | None


SEARCHED = "searched"
NO_IDENTITY = "not searchable by the details given"
BY_HAND = "searched by hand"


@dataclass(frozen=True)
class SearchedLine:
    """One collection of the search record (Art 15(1A)): how it was searched, what it held."""

    system: str
    collection: str
    records: int
    how: str = SEARCHED


@dataclass(frozen=True)
class PlaceLine:
    """Where some of the person's records are, and the activities they are held for."""

    system: str
    collection: str
    records: int
    activities: list[str]


@dataclass(frozen=True)
class AccessLetter:
    organisation: Organisation
    reference: str
    answered_on: date
    addressee: str | None
    activities: list[ActivityLine]
    categories: list[str]
    recipients: list[RecipientLine]
    sources: list[str]
    searched: list[SearchedLine]
    kept: list[KeptLine] = field(default_factory=list)
    places: list[PlaceLine] = field(default_factory=list)
    uses_consent: bool = False
    portability: bool = False
    # What the search left out and why, e.g. an identity given but never verified.
    notes: list[str] = field(default_factory=list)

    @property
    def holds_data(self) -> bool:
        return any(line.records for line in self.searched)

    @property
    def record_count(self) -> int:
        return sum(line.records for line in self.searched)

    @property
    def transfers(self) -> list[RecipientLine]:
        return [r for r in self.recipients if r.abroad]

    @property
    def automated(self) -> list[ActivityLine]:
        return [a for a in self.activities if a.automated_decision_making]


def _words(field_name: str) -> str:
    return field_name.rsplit(".", 1)[-1].replace("_", " ")


def retention_text(policy: Policy, activity: Activity) -> str:
    if activity.retention_text:
        return activity.retention_text
    rule = policy.retention.get(activity.retention) if activity.retention else None
    if rule is None:
        return "for as long as this purpose needs it; ask us if you want a date"
    text = f"{rule.parsed_period} from the \u2018{_words(rule.after)}\u2019 date"
    if rule.action == "anonymise":
        text += ", then made anonymous"
    elif rule.action == "review":
        text += ", then reviewed and deleted unless still needed"
    return f"{text} ({rule.reason})" if rule.reason else text


def recipient_line(recipient: Recipient) -> RecipientLine:
    safeguard = None
    if recipient.transfer_safeguard is not None:
        safeguard = SAFEGUARD_TEXT.get(
            recipient.transfer_safeguard.value, recipient.transfer_safeguard.value
        )
    return RecipientLine(
        name=recipient.name,
        service=recipient.service,
        role=recipient.role.value.replace("_", " "),
        country=recipient.country,
        safeguard=safeguard,
    )


def _source(activity: Activity) -> str | None:
    source = activity.source.strip()
    return None if source.lower() in ("the person", "you", "the data subject") else source


def build_letter(
    *,
    policy: Policy,
    reference: str,
    answered_on: date,
    held: Mapping[str, set[str]],
    searched: Sequence[SearchedLine],
    kept: Sequence[KeptLine] = (),
    addressee: str | None = None,
    places: Sequence[PlaceLine] = (),
    notes: Sequence[str] = (),
) -> AccessLetter:
    """`held`: system → categories of the non-empty fields found; `searched`: every collection
    looked at, with how many of the person's records it returned."""
    taxonomy = taxonomy_for(policy)
    lines: list[ActivityLine] = []
    recipients: dict[str, RecipientLine] = {}
    categories: set[str] = set()
    sources: list[str] = []
    holding = activities_holding(policy, held)
    for activity in holding:
        matched = activity_holds(activity, held)
        categories.update(matched)
        mine = [policy.recipient(name) for name in activity.recipients]
        rlines = [recipient_line(r) for r in mine if r is not None]
        for line in rlines:
            recipients.setdefault(line.name, line)
        source = _source(activity)
        if source and source not in sources:
            sources.append(source)
        lines.append(
            ActivityLine(
                name=activity.name,
                purpose=purpose_label(activity),
                basis=BASIS_TEXT[activity.lawful_basis],
                legitimate_interest=activity.legitimate_interest,
                categories=sorted({category_label(taxonomy, c) for c in matched}),
                systems=[s for s in activity.systems if s in held],
                recipients=rlines,
                retention=retention_text(policy, activity),
                source=source,
                automated_decision_making=activity.automated_decision_making,
                requirement=activity.requirement,
                consent_withdrawal=activity.consent_withdrawal,
            )
        )
    return AccessLetter(
        organisation=policy.organisation,
        reference=reference,
        answered_on=answered_on,
        addressee=addressee,
        activities=lines,
        categories=sorted({category_label(taxonomy, c) for c in categories}),
        recipients=sorted(recipients.values(), key=lambda r: r.name),
        sources=sources,
        searched=list(searched),
        kept=list(kept),
        places=list(places),
        uses_consent=any(a.lawful_basis == LawfulBasis.CONSENT for a in holding),
        portability=any(portable(a) for a in holding),
        notes=list(notes),
    )


@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dataward", "templates"),
        autoescape=jinja2.select_autoescape(("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_letter(letter: AccessLetter) -> str:
    return templates().get_template("rights/letter.html.j2").render(letter=letter, ico=ICO)
