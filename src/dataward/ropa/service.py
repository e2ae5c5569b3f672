"""The record of processing activities (Art 30) in the ICO controller template's columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dataward.notice.words import (
    ART9_TEXT,
    LAWFUL_BASIS_ARTICLE,
    SAFEGUARD_TEXT,
    UK,
    category_label,
    country_name,
    subject_name,
)
from dataward.policy.schema import Activity, LawfulBasis, Policy, RecipientRole, RetentionAction
from dataward.policy.service import LoadedPolicy
from dataward.policy.taxonomy import Taxonomy, taxonomy_for
from dataward.ropa.recipients import RecipientEntry, assess_transfer, list_recipients

NOT_APPLICABLE = "Not applicable"
# Consent records are not kept by Dataward yet; a record of processing must not claim a
# register the product does not hold, so those cells say where the answer is not. Breaches
# come from the breach register when the command could read it.
NOT_RECORDED = "Not recorded in Dataward"
NO_BREACH = "No breach recorded"

# The ICO's "Record of processing activities: controller" columns, in its order, with an
# Art 10 column beside Art 9 and the activity's own name beside its business function.
COLUMNS: tuple[str, ...] = (
    "Business function",
    "Processing activity",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 basis for processing special category data",
    "Article 10 basis for processing criminal offence data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "Source of personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Personal data breach?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 condition for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the retention policy document?",
    "Reasons for not adhering to retention and erasure policy document (if applicable)",
)

# Which rights apply under each basis (ICO guidance on lawful bases and individual rights).
_RIGHTS: dict[LawfulBasis, tuple[str, ...]] = {
    LawfulBasis.CONSENT: ("access", "rectification", "erasure", "restriction", "portability"),
    LawfulBasis.CONTRACT: ("access", "rectification", "erasure", "restriction", "portability"),
    LawfulBasis.LEGAL_OBLIGATION: ("access", "rectification", "restriction"),
    LawfulBasis.VITAL_INTERESTS: ("access", "rectification", "erasure", "restriction"),
    LawfulBasis.PUBLIC_TASK: ("access", "rectification", "restriction", "objection"),
    LawfulBasis.RECOGNISED_LEGITIMATE_INTEREST: (
        "access",
        "rectification",
        "erasure",
        "restriction",
        "objection",
    ),
    LawfulBasis.LEGITIMATE_INTERESTS: (
        "access",
        "rectification",
        "erasure",
        "restriction",
        "objection",
    ),
}


@dataclass(frozen=True)
class Ropa:
    controller: list[tuple[str, str]]
    rows: list[dict[str, str]]
    recipients: list[RecipientEntry]


def _lines(items: list[str], empty: str = "") -> str:
    return "\n".join(items) if items else empty


def _rights(activity: Activity) -> str:
    rights = list(_RIGHTS[activity.lawful_basis])
    if "portability" in rights and activity.portable is False:
        rights.remove("portability")
    if activity.lawful_basis == LawfulBasis.CONSENT:
        rights.append("withdraw consent")
    if activity.purpose.startswith("marketing") and "objection" not in rights:
        rights.append("objection to direct marketing")
    rights.append("complain to the controller and the ICO")
    return ", ".join(rights)


def _retention(policy: Policy, activity: Activity, source: str) -> tuple[str, str, str, str]:
    """Schedule, policy link, adherence and reason for an activity."""
    rule = policy.retention.get(activity.retention) if activity.retention else None
    if rule is None or activity.retention is None:
        schedule = activity.retention_text or "No retention period recorded"
        reason = (
            "Retention is described in words only; no rule in the data map enforces it"
            if activity.retention_text
            else "No retention rule is recorded for this activity"
        )
        return schedule, source, "No", reason
    name = activity.retention
    schedule = f"{rule.parsed_period} after {rule.after}"
    if rule.where:
        schedule += f" where {rule.where}"
    schedule += f", then {rule.action.value}"
    if rule.reason:
        schedule += f" ({rule.reason})"
    link = f"{source}#retention.{name}"
    enforced = [
        f"{system.name}.{collection.name}"
        for system in policy.systems
        if system.dataset is not None
        for collection in system.dataset.collections
        if collection.retention == name
    ]
    if rule.action == RetentionAction.REVIEW:
        return schedule, link, "Yes, by periodic review", ""
    if not enforced:
        return (
            schedule,
            link,
            "Partly",
            f"Rule '{name}' is not attached to any collection, so it is not enforced automatically",
        )
    return schedule, link, f"Yes: enforced automatically on {', '.join(enforced)}", ""


def _breach_cells(
    activity: Activity, breaches: Mapping[str, Sequence[str]] | None
) -> tuple[str, str]:
    if breaches is None:
        return NOT_RECORDED, ""
    lines = breaches.get(activity.name, [])
    return ("Yes" if lines else NO_BREACH), _lines(list(lines))


def _row(
    loaded: LoadedPolicy,
    taxonomy: Taxonomy,
    activity: Activity,
    breaches: Mapping[str, Sequence[str]] | None,
) -> dict[str, str]:
    policy = loaded.policy
    breached, breach_record = _breach_cells(activity, breaches)
    recipients = [r for name in activity.recipients if (r := policy.recipient(name))]
    undeclared = [name for name in activity.recipients if policy.recipient(name) is None]
    joint = [
        f"{r.name}: {r.service}" for r in recipients if r.role == RecipientRole.JOINT_CONTROLLER
    ]
    processors = [r for r in recipients if r.role == RecipientRole.PROCESSOR]
    abroad = [r for r in recipients if r.country != UK]
    safeguards = []
    for r in abroad:
        safeguard, problem = assess_transfer(
            r.country,
            r.transfer_safeguard,
            dpf_checked_on=r.dpf_checked_on,
            risk_assessed_on=r.transfer_risk_assessment_on,
        )
        text = SAFEGUARD_TEXT[safeguard] if safeguard else "none recorded"
        safeguards.append(f"{r.name}: {text}" + (f" ({problem})" if problem else ""))
    locations = []
    for name in activity.systems:
        system = policy.system(name)
        if system is None:
            locations.append(f"{name} (not described under `systems`)")
            continue
        where = country_name((system.location or UK).upper())
        host = f", hosted by {system.processor}" if system.processor else ""
        locations.append(f"{system.name} ({system.connector}; {where}{host})")
    special = [c for c in activity.categories if taxonomy.is_special(c)]
    criminal = [c for c in activity.categories if taxonomy.is_criminal(c)]
    lia = activity.lia
    dpia = activity.dpia
    source_file = loaded.path.name
    schedule, link, adherence, reason = _retention(policy, activity, source_file)
    return dict(
        zip(
            COLUMNS,
            (
                activity.business_function or "",
                activity.name,
                activity.purpose_text or activity.description or activity.purpose,
                _lines(joint, NOT_APPLICABLE),
                ", ".join(subject_name(policy, taxonomy, s) for s in activity.subjects),
                ", ".join(
                    category_label(taxonomy, c) + (" (special category)" if c in special else "")
                    for c in activity.categories
                ),
                _lines(
                    [f"{r.category or r.service}: {r.name}" for r in recipients]
                    + [f"{n} (not described under `recipients`)" for n in undeclared],
                    "None",
                ),
                _lines(
                    [
                        f"{r.name}: {r.contract_link or ''}".rstrip(": ")
                        + (
                            f" (signed {r.contract_signed_on.isoformat()})"
                            if r.contract_signed_on
                            else " (no contract recorded)"
                        )
                        for r in processors
                    ],
                    NOT_APPLICABLE,
                ),
                _lines([f"{country_name(r.country)} ({r.name})" for r in abroad], "None"),
                _lines(safeguards, NOT_APPLICABLE),
                schedule,
                _lines(activity.security_measures, "Not recorded"),
                LAWFUL_BASIS_ARTICLE[activity.lawful_basis],
                ART9_TEXT[activity.special_category_condition]
                if activity.special_category_condition
                else (
                    "Missing: special category data without a condition"
                    if special
                    else NOT_APPLICABLE
                ),
                activity.criminal_offence_condition
                or ("Missing: criminal offence data without a condition" if criminal else ""),
                activity.legitimate_interest
                or (
                    NOT_APPLICABLE
                    if activity.lawful_basis != LawfulBasis.LEGITIMATE_INTERESTS
                    else ""
                ),
                (lia.link or f"Assessed by {lia.reviewed_by} on {lia.reviewed_on.isoformat()}")
                if lia
                else NOT_APPLICABLE
                if activity.lawful_basis != LawfulBasis.LEGITIMATE_INTERESTS
                else "No assessment recorded",
                _rights(activity),
                activity.automated_decision_making or "None",
                activity.source,
                NOT_RECORDED if activity.lawful_basis == LawfulBasis.CONSENT else NOT_APPLICABLE,
                _lines(locations, "Not mapped to a system"),
                ("Yes" if dpia.required else "No") if dpia else "Not assessed",
                (dpia.status or "").replace("_", " ").capitalize() if dpia else "",
                (dpia.link or "") if dpia else "",
                breached,
                breach_record,
                activity.schedule1_condition or NOT_APPLICABLE,
                link,
                adherence,
                reason,
            ),
            strict=True,
        )
    )


def build_ropa(
    loaded: LoadedPolicy, *, on: date, breaches: Mapping[str, Sequence[str]] | None = None
) -> Ropa:
    """The record; `breaches` (activity → the breach register's lines) fills the breach
    columns, or they say the register was not read."""
    policy = loaded.policy
    org = policy.organisation
    taxonomy = taxonomy_for(policy)
    dpo = org.dpo
    controller = [
        ("Controller", org.name),
        ("Company number", org.company_number or ""),
        ("Registered office", org.registered_office),
        ("ICO registration number", org.ico_registration or ""),
        ("Contact", ", ".join(x for x in (org.privacy_contact, org.phone) if x)),
        (
            "Data protection officer",
            ", ".join(x for x in (dpo.name, dpo.email, dpo.phone) if x)
            if dpo
            else "None appointed",
        ),
        ("Representative", org.representative or NOT_APPLICABLE),
        ("Record produced on", on.isoformat()),
        ("From policy file", f"{loaded.path.name} (SHA-256 {loaded.digest[:16]}…)"),
    ]
    rows = [_row(loaded, taxonomy, activity, breaches) for activity in policy.activities]
    return Ropa(controller=controller, rows=rows, recipients=list_recipients(policy, on=on))
