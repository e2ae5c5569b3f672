"""Build the privacy notice (Arts 13 and 14) from the data map."""

from __future__ import annotations

import re

from dataward.notice.rights import adm_statement, rights_for
from dataward.notice.structure import (
    Audience,
    CategoryItem,
    Complaints,
    Controller,
    Dpo,
    Notice,
    NoticeRecipient,
    Purpose,
    Retention,
)
from dataward.notice.words import (
    ART9_TEXT,
    ICO_ADDRESS,
    ICO_COMPLAINT_URL,
    ICO_NAME,
    ICO_PHONE,
    LAWFUL_BASIS_TEXT,
    ROLE_TEXT,
    category_label,
    country_name,
    humanise,
    purpose_phrase,
    retention_words,
    sentence,
    singular,
    subject_heading,
    subject_name,
)
from dataward.policy.schema import Activity, LawfulBasis, Policy
from dataward.policy.service import LoadedPolicy
from dataward.policy.taxonomy import Taxonomy, taxonomy_for
from dataward.ropa.recipients import list_transfers

# "the person", "you directly", "the person, by email or phone"; not "the person's employer".
_FROM_PERSON = re.compile(
    r"^(from\s+)?(the person|the data subject|the individual|the subject|you|yourself)"
    r"(?![\w'’])",
    re.IGNORECASE,
)


def from_person(source: str) -> bool:
    """Art 13 (collected from the person) rather than Art 14 (obtained elsewhere)."""
    return bool(_FROM_PERSON.match(source.strip()))


def build_notice(loaded: LoadedPolicy) -> Notice:
    policy = loaded.policy
    taxonomy = taxonomy_for(policy)
    org = policy.organisation
    purposes = [_purpose(policy, taxonomy, activity) for activity in policy.activities]
    consent_used = any(p.lawful_basis == LawfulBasis.CONSENT for p in purposes)
    return Notice(
        controller=Controller(
            name=org.name,
            company_number=org.company_number,
            registered_office=org.registered_office,
            ico_registration=org.ico_registration,
            privacy_contact=org.privacy_contact,
            phone=org.phone,
            website=org.website,
            representative=org.representative,
        ),
        dpo=Dpo(name=org.dpo.name, email=org.dpo.email, phone=org.dpo.phone) if org.dpo else None,
        audiences=_audiences(policy, taxonomy),
        purposes=purposes,
        recipients=_recipients(policy),
        transfers=list_transfers(policy),
        rights=rights_for(purposes),
        how_to_use_rights=(
            f"To use any of these rights, contact us at {org.privacy_contact}. It is free, and "
            "we answer within one month; if your request is complex we may need two more "
            "months, and we will tell you why within the first month."
        ),
        withdraw_consent=(
            "Where we rely on your consent, you can withdraw it at any time, as easily as you "
            f"gave it, by contacting us at {org.privacy_contact}. Withdrawing does not affect "
            "what we did with your consent before you withdrew it."
            if consent_used
            else None
        ),
        complaints=Complaints(
            controller_text=(
                f"If you are unhappy with how we use your information, please complain to us "
                f"first at {org.privacy_contact}. We acknowledge every complaint within 30 days, "
                "look into it without undue delay and tell you the outcome."
            ),
            ico_name=ICO_NAME,
            ico_url=ICO_COMPLAINT_URL,
            ico_phone=ICO_PHONE,
            ico_address=ICO_ADDRESS,
        ),
        automated_decision_making=adm_statement(purposes),
    )


def _purpose(policy: Policy, taxonomy: Taxonomy, activity: Activity) -> Purpose:
    categories = [
        CategoryItem(
            key=key,
            label=category_label(taxonomy, key),
            special=taxonomy.is_special(key),
            criminal=taxonomy.is_criminal(key),
        )
        for key in activity.categories
    ]
    basis_text = LAWFUL_BASIS_TEXT[activity.lawful_basis]
    purpose_text = stated_purpose(taxonomy, activity)
    condition = activity.special_category_condition
    portable = activity.lawful_basis in (LawfulBasis.CONSENT, LawfulBasis.CONTRACT) and (
        activity.portable is not False
    )
    return Purpose(
        activity=activity.name,
        description=sentence(activity.description) if activity.description else None,
        purpose_key=activity.purpose,
        purpose_text=purpose_text,
        subjects=list(activity.subjects),
        lawful_basis=activity.lawful_basis.value,
        lawful_basis_text=basis_text,
        legitimate_interest=activity.legitimate_interest
        or (activity.lia.purpose if activity.lia else None),
        special_condition=(
            f"{ART9_TEXT[condition]}"
            + (f", with {activity.schedule1_condition}" if activity.schedule1_condition else "")
            if condition
            else None
        ),
        criminal_condition=activity.criminal_offence_condition,
        categories=categories,
        source=activity.source,
        from_person=from_person(activity.source),
        recipients=list(activity.recipients),
        retention=_retention(policy, activity),
        requirement=sentence(activity.requirement)
        if activity.requirement
        else _derived_requirement(activity, purpose_text),
        automated_decision_making=_stated(activity.automated_decision_making),
        consent_withdrawal=sentence(activity.consent_withdrawal)
        if activity.consent_withdrawal
        else None,
        portable=portable,
    )


def stated_purpose(taxonomy: Taxonomy, activity: Activity) -> str:
    """The purpose as the notice words it: the map's own text, else its data use in words."""
    return _capitalise(activity.purpose_text or purpose_phrase(taxonomy, activity.purpose))


def _stated(text: str | None) -> str | None:
    """'none' written in the map means there is nothing to tell."""
    if text is None or text.strip().lower().rstrip(".") in ("", "none", "no", "n/a"):
        return None
    return sentence(text)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _derived_requirement(activity: Activity, purpose: str) -> str | None:
    """Art 13(2)(e), where the basis settles it; a legal obligation has to be said in words."""
    if not from_person(activity.source):
        return None
    if activity.lawful_basis == LawfulBasis.CONTRACT:
        return (
            "You need to give us this information so that we can enter into and carry out our "
            "contract with you; without it we cannot provide the service."
        )
    if activity.lawful_basis == LawfulBasis.CONSENT:
        return "You do not have to give us this information; if you don't, we simply won't use it."
    if activity.lawful_basis == LawfulBasis.LEGAL_OBLIGATION:
        return None
    # Neither the law nor a contract makes people give data we hold on these bases.
    doing = purpose[3:].rstrip(".") if purpose.lower().startswith("to ") else "do this"
    return (
        "You do not have to give us this information, but without it we may not be able to "
        f"{doing[:1].lower() + doing[1:]}."
    )


def _retention(policy: Policy, activity: Activity) -> Retention | None:
    rule_names: list[str] = []
    if activity.retention:
        rule_names.append(activity.retention)
    else:
        # No rule on the activity: what its systems' collections keep is what the person faces.
        for system_name in activity.systems:
            system = policy.system(system_name)
            if system is None or system.dataset is None:
                continue
            for collection in system.dataset.collections:
                if collection.retention and collection.retention not in rule_names:
                    rule_names.append(collection.retention)
    rules = [(name, policy.retention[name]) for name in rule_names if name in policy.retention]
    reasons = [rule.reason.strip().rstrip(".") for _, rule in rules if rule.reason]
    reason = "; ".join(reasons) if reasons else None
    if activity.retention_text:
        text = activity.retention_text.strip().rstrip(".")
        return Retention(rules=[n for n, _ in rules], text=_capitalise(text), reason=reason)
    if not rules or len(rules) != len(rule_names):
        return None
    text = "; ".join(
        retention_words(rule, thing=_thing(policy, activity, name)) for name, rule in rules
    )
    return Retention(rules=[n for n, _ in rules], text=_capitalise(text), reason=reason)


def _thing(policy: Policy, activity: Activity, rule: str) -> str | None:
    """What the rule's date belongs to, in words: the activity's collection that has it."""
    after = policy.retention[rule].after
    governed = [
        collection
        for system_name in activity.systems
        if (system := policy.system(system_name)) is not None and system.dataset is not None
        for collection in system.dataset.collections
        if collection.retention == rule
    ]
    dated = [c for c in governed if c.field(after) is not None or c.retention_after == after]
    chosen = (dated or governed)[:1]
    return humanise(singular(chosen[0].name)) if chosen else None


def _audiences(policy: Policy, taxonomy: Taxonomy) -> list[Audience]:
    keys = [s.key for s in policy.subjects]
    for activity in policy.activities:
        keys.extend(k for k in activity.subjects if k not in keys)
    audiences = []
    for key in keys:
        names = [a.name for a in policy.activities if key in a.subjects]
        if names:
            audiences.append(
                Audience(
                    key=key,
                    name=subject_name(policy, taxonomy, key),
                    heading=subject_heading(policy, taxonomy, key),
                    activities=names,
                )
            )
    return audiences


def _recipients(policy: Policy) -> list[NoticeRecipient]:
    named: list[str] = [r.name for r in policy.recipients]
    for activity in policy.activities:
        named.extend(n for n in activity.recipients if n not in named)
    entries = []
    for name in named:
        recipient = policy.recipient(name)
        activities = [a.name for a in policy.activities if name in a.recipients]
        entries.append(
            NoticeRecipient(
                name=name,
                service=recipient.service if recipient else None,
                role=ROLE_TEXT[recipient.role] if recipient else None,
                category=recipient.category if recipient else None,
                country_name=country_name(recipient.country) if recipient else None,
                activities=activities,
            )
        )
    return entries
