"""The Art 13/14 checklist (RULES.md §2), read off the notice structure that gets rendered."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from dataward.notice.structure import Notice
from dataward.notice.words import join_words
from dataward.policy.schema import LawfulBasis, TransferSafeguard


class Status(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


class ChecklistItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    article: str
    status: Status
    detail: str


Finding = tuple[Status, str]


def _listed(names: list[str]) -> str:
    return join_words([f"'{n}'" for n in names])


def _controller_identity(notice: Notice) -> Finding:
    c = notice.controller
    absent = [
        label
        for label, value in (
            ("name", c.name),
            ("address", c.registered_office),
            ("privacy contact", c.privacy_contact),
        )
        if not value.strip()
    ]
    if absent:
        return Status.MISSING, f"the controller's {join_words(absent)} is not given"
    extra = [
        label
        for label, value in (
            ("company number", c.company_number),
            ("ICO registration number", c.ico_registration),
        )
        if value
    ]
    shown = f", with {join_words(extra)}" if extra else ""
    return Status.PRESENT, f"{c.name}, {c.registered_office}, {c.privacy_contact}{shown}"


def _dpo_contact(notice: Notice) -> Finding:
    if notice.dpo is None:
        return Status.NOT_APPLICABLE, "no data protection officer is appointed"
    if not notice.dpo.email.strip():
        return Status.MISSING, "the data protection officer has no contact address"
    return Status.PRESENT, f"{notice.dpo.name}, {notice.dpo.email}"


def _purposes(notice: Notice) -> Finding:
    if not notice.purposes:
        return Status.MISSING, "the notice states no purpose"
    blank = [p.activity for p in notice.purposes if not p.purpose_text.strip()]
    if blank:
        return Status.MISSING, f"no purpose is stated for {_listed(blank)}"
    return Status.PRESENT, f"{len(notice.purposes)} purpose(s), each in words"


def _lawful_basis(notice: Notice) -> Finding:
    problems: list[str] = []
    no_basis = [p.activity for p in notice.purposes if not p.lawful_basis_text.strip()]
    if no_basis:
        problems.append(f"no lawful basis for {_listed(no_basis)}")
    special = [
        p.activity
        for p in notice.purposes
        if any(c.special for c in p.categories) and not p.special_condition
    ]
    if special:
        problems.append(f"special-category data without an Art 9 condition in {_listed(special)}")
    criminal = [
        p.activity
        for p in notice.purposes
        if any(c.criminal for c in p.categories) and not p.criminal_condition
    ]
    if criminal:
        problems.append(f"criminal-offence data without an Art 10 condition in {_listed(criminal)}")
    if problems or not notice.purposes:
        return Status.MISSING, "; ".join(problems) or "no purpose, so no lawful basis"
    return Status.PRESENT, "a lawful basis in words for every purpose"


def _legitimate_interests(notice: Notice) -> Finding:
    relying = [p for p in notice.purposes if p.lawful_basis == LawfulBasis.LEGITIMATE_INTERESTS]
    if not relying:
        return Status.NOT_APPLICABLE, "no purpose relies on legitimate interests"
    unnamed = [p.activity for p in relying if not (p.legitimate_interest or "").strip()]
    if unnamed:
        return Status.MISSING, f"the legitimate interest is not named for {_listed(unnamed)}"
    return Status.PRESENT, f"named for {_listed([p.activity for p in relying])}"


def _art14(notice: Notice) -> list[str]:
    return [p.activity for p in notice.purposes if not p.from_person]


def _categories(notice: Notice) -> Finding:
    required = _art14(notice)
    empty = [p.activity for p in notice.purposes if not p.categories]
    empty_required = [name for name in empty if name in required]
    if empty_required:
        return Status.MISSING, f"no categories of data for {_listed(empty_required)}"
    if notice.purposes and not empty:
        scope = f"required (Art 14) for {_listed(required)}" if required else "listed"
        return Status.PRESENT, f"categories of data {scope}"
    return Status.NOT_APPLICABLE, "all data is collected from the person (Art 13)"


def _recipients(notice: Notice) -> Finding:
    if not notice.recipients:
        return Status.NOT_APPLICABLE, "no recipients are named in the data map"
    undeclared = [r.name for r in notice.recipients if r.service is None]
    if undeclared:
        return Status.MISSING, (
            f"{_listed(undeclared)} receive data but are not described under `recipients`"
        )
    return Status.PRESENT, f"{len(notice.recipients)} recipient(s) named with their service"


def _transfers(notice: Notice) -> Finding:
    if not notice.transfers:
        return Status.NOT_APPLICABLE, "no personal data leaves the United Kingdom"
    missing = [
        f"{t.recipient or t.system} ({t.country_name})"
        for t in notice.transfers
        if t.safeguard is None or (t.safeguard == TransferSafeguard.ADEQUACY and t.problem)
    ]
    if missing:
        return Status.MISSING, f"no valid safeguard for {join_words(missing)}"
    caveats = [f"{t.recipient or t.system}: {t.problem}" for t in notice.transfers if t.problem]
    note = f" (to record: {'; '.join(caveats)})" if caveats else ""
    return Status.PRESENT, f"{len(notice.transfers)} transfer(s), each with its safeguard{note}"


def _retention(notice: Notice) -> Finding:
    absent = [p.activity for p in notice.purposes if p.retention is None]
    if absent or not notice.purposes:
        return Status.MISSING, f"no retention period or criteria for {_listed(absent)}"
    return Status.PRESENT, "a retention period in words for every purpose"


def _rights(notice: Notice) -> Finding:
    needed = {"access", "rectification", "erasure", "restriction", "objection"}
    if any(p.portable for p in notice.purposes):
        needed.add("portability")
    absent = sorted(needed - {r.key for r in notice.rights})
    if absent:
        return Status.MISSING, f"the notice does not explain the right(s) of {join_words(absent)}"
    return Status.PRESENT, join_words(sorted(needed))


def _withdraw_consent(notice: Notice) -> Finding:
    consent = [p.activity for p in notice.purposes if p.lawful_basis == LawfulBasis.CONSENT]
    if not consent:
        return Status.NOT_APPLICABLE, "no purpose relies on consent"
    if not notice.withdraw_consent:
        return (
            Status.MISSING,
            f"consent is used for {_listed(consent)} but withdrawal is not explained",
        )
    return Status.PRESENT, f"explained for {_listed(consent)}"


def _complaint(notice: Notice) -> Finding:
    c = notice.complaints
    if not (c.ico_url and c.ico_phone and c.controller_text):
        return (
            Status.MISSING,
            "the notice does not say how to complain to the controller and the ICO",
        )
    return Status.PRESENT, f"to the controller, then the ICO ({c.ico_url}, {c.ico_phone})"


def _source(notice: Notice) -> Finding:
    required = [p for p in notice.purposes if not p.from_person]
    if not required:
        return Status.NOT_APPLICABLE, "all data is collected from the person (Art 13)"
    unnamed = [p.activity for p in required if not p.source.strip()]
    if unnamed:
        return Status.MISSING, f"the source is not named for {_listed(unnamed)}"
    return Status.PRESENT, join_words(sorted({p.source for p in required}))


def _requirement(notice: Notice) -> Finding:
    collected = [p for p in notice.purposes if p.from_person]
    if not collected:
        return Status.NOT_APPLICABLE, "no data is collected from the person (Art 14 only)"
    unsaid = [p.activity for p in collected if not (p.requirement or "").strip()]
    if unsaid:
        return Status.MISSING, (
            f"whether people must give the data, and what happens if not, is not said for "
            f"{_listed(unsaid)} (add `requirement:` to the activity)"
        )
    return Status.PRESENT, f"stated for {len(collected)} purpose(s)"


def _adm(notice: Notice) -> Finding:
    if not notice.automated_decision_making.strip():
        return Status.MISSING, "the notice says nothing about automated decision-making"
    automated = [p.activity for p in notice.purposes if p.automated_decision_making]
    return Status.PRESENT, (
        f"described for {_listed(automated)}" if automated else "states that none takes place"
    )


CHECKS: tuple[tuple[str, str, str, Callable[[Notice], Finding]], ...] = (
    ("controller_identity", "Who we are", "13(1)(a), 14(1)(a)", _controller_identity),
    ("dpo_contact", "Data protection officer", "13(1)(b), 14(1)(b)", _dpo_contact),
    ("purposes", "Purposes", "13(1)(c), 14(1)(c)", _purposes),
    ("lawful_basis", "Lawful basis", "13(1)(c), 14(1)(c)", _lawful_basis),
    ("legitimate_interests", "Legitimate interests", "13(1)(d), 14(2)(b)", _legitimate_interests),
    ("categories", "Categories of data", "14(1)(d)", _categories),
    ("recipients", "Recipients", "13(1)(e), 14(1)(e)", _recipients),
    ("transfers_and_safeguards", "Transfers abroad", "13(1)(f), 14(1)(f)", _transfers),
    ("retention", "How long we keep it", "13(2)(a), 14(2)(a)", _retention),
    ("rights", "Your rights", "13(2)(b), 14(2)(c)", _rights),
    ("withdraw_consent", "Withdrawing consent", "13(2)(c), 14(2)(d)", _withdraw_consent),
    ("complaint_to_ico", "Complaints", "13(2)(d), 14(2)(e); DPA 2018 s.164A", _complaint),
    ("source", "Where we get it", "14(2)(f)", _source),
    ("statutory_or_contractual_requirement", "Must you give it", "13(2)(e)", _requirement),
    ("automated_decision_making", "Automated decisions", "13(2)(f), 14(2)(g)", _adm),
)


def check_notice(notice: Notice) -> list[ChecklistItem]:
    items = []
    for key, title, article, check in CHECKS:
        status, detail = check(notice)
        items.append(
            ChecklistItem(
                key=key, title=title, article=f"Art {article}", status=status, detail=detail
            )
        )
    return items


def complete(items: list[ChecklistItem]) -> bool:
    return all(item.status != Status.MISSING for item in items)
