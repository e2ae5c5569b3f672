"""Warnings for what the ICO would query: the policy is valid, but a promise is unsupported.

None of these stops a policy loading (exit 0); each says what to add to the data map.
"""

from __future__ import annotations

from dataward.policy.checker import Checker
from dataward.policy.loader import PathKey
from dataward.policy.schema import (
    Activity,
    Art9Condition,
    LawfulBasis,
    Recipient,
    RecipientRole,
    TransferSafeguard,
)

HOME = "GB"

# RULES.md §8: UK adequacy regulations. The EEA (EU 27 plus Iceland, Liechtenstein, Norway),
# then the rest. The USA is adequate only for organisations certified to the UK Extension of
# the Data Privacy Framework, so it is handled on its own.
# fmt: off
EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})
ADEQUATE = EEA | frozenset({
    "GI", "CH", "CA", "AR", "GG", "IM", "JE", "AD", "IL", "UY", "NZ", "JP", "KR",
})
# fmt: on
US = "US"

# Art 9(2)(b), (g), (h), (i), (j) also need a DPA 2018 Schedule 1 condition.
NEEDS_SCHEDULE_1 = frozenset(
    {
        Art9Condition.B_EMPLOYMENT,
        Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST,
        Art9Condition.H_HEALTH_OR_SOCIAL_CARE,
        Art9Condition.I_PUBLIC_HEALTH,
        Art9Condition.J_ARCHIVING_RESEARCH,
    }
)

# People who never bought: PECR's soft opt-in does not reach them (voip-05).
NEVER_BOUGHT = ("prospect", "enquirer")


def is_restricted_transfer(country: str) -> bool:
    """Sending data to `country` is a restricted transfer that needs adequacy or a safeguard."""
    return country.upper() not in (HOME, "UK")


def transfer_gap(recipient: Recipient) -> tuple[str, str] | None:
    """What is missing for a transfer to `recipient` to be lawful: (message, fix), or None."""
    country = recipient.country.upper()
    safeguard = recipient.transfer_safeguard
    if not is_restricted_transfer(country):
        return None
    if country == US:
        if safeguard == TransferSafeguard.UK_DPF_EXTENSION:
            if recipient.dpf_checked_on is None:
                return (
                    "the UK Extension to the Data Privacy Framework is claimed but not checked",
                    "check the recipient on the DPF list and record `dpf_checked_on:`",
                )
            return None
        if safeguard in (None, TransferSafeguard.ADEQUACY):
            return (
                "the USA is adequate only for organisations certified to the UK Extension of "
                "the Data Privacy Framework",
                "set `transfer_safeguard: uk_dpf_extension` with `dpf_checked_on:`, or use an "
                "IDTA or the UK Addendum",
            )
    elif country in ADEQUATE:
        return None
    elif safeguard in (None, TransferSafeguard.ADEQUACY, TransferSafeguard.UK_DPF_EXTENSION):
        return (
            f"{country} has no UK adequacy regulations, so the transfer needs a safeguard",
            "set `transfer_safeguard:` to idta or uk_addendum (with "
            "`transfer_risk_assessment_on:`), or art49_exception",
        )
    if (
        safeguard in (TransferSafeguard.IDTA, TransferSafeguard.UK_ADDENDUM)
        and recipient.transfer_risk_assessment_on is None
    ):
        return (
            f"a transfer under {safeguard.value} needs a transfer risk assessment",
            "record its date as `transfer_risk_assessment_on:`",
        )
    return None


def check_ico(checker: Checker) -> None:
    held = _Held(checker)
    for position, activity in enumerate(checker.policy.activities):
        path = checker.at("activities", position)
        _conditions(checker, activity, path)
        _basis(checker, activity, path)
        _retention(checker, activity, path)
        _marketing(checker, activity, path)
        _held(checker, activity, path, held)
    _recipients(checker)
    _channels(checker)
    _system_locations(checker)
    for name, rule in checker.policy.retention.items():
        if not rule.reason:
            checker.warning(
                ("retention", name),
                f"retention rule {name!r} gives no reason for its period",
                "add `reason:`: every period needs its justification (Art 5(1)(e))",
            )


def _conditions(checker: Checker, activity: Activity, path: PathKey) -> None:
    tax = checker.taxonomy
    special = [i for i, c in enumerate(activity.categories) if tax.is_special(c)]
    if special and activity.special_category_condition is None:
        key = activity.categories[special[0]]
        checker.warning(
            (*path, "categories", special[0]),
            f"{key!r} is special-category data but the activity names no Art 9 condition",
            "add `special_category_condition:` (a to j, e.g. b for employment obligations)",
        )
    condition = activity.special_category_condition
    if condition in NEEDS_SCHEDULE_1 and not activity.schedule1_condition:
        checker.warning(
            (*path, "special_category_condition"),
            f"Art 9(2)({condition.value}) also needs a DPA 2018 Schedule 1 condition",
            "add `schedule1_condition:`, e.g. 'Sch 1 Pt 1 para 1: employment'",
        )
    criminal = [i for i, c in enumerate(activity.categories) if tax.is_criminal(c)]
    if criminal and not activity.criminal_offence_condition:
        key = activity.categories[criminal[0]]
        checker.warning(
            (*path, "categories", criminal[0]),
            f"{key!r} is criminal-offence data but the activity names no Art 10 condition",
            "add `criminal_offence_condition:` (a DPA 2018 Schedule 1 condition)",
        )


def _basis(checker: Checker, activity: Activity, path: PathKey) -> None:
    where = (*path, "lawful_basis")
    if activity.lawful_basis == LawfulBasis.LEGITIMATE_INTERESTS:
        if activity.lia is None:
            checker.warning(
                where,
                "legitimate interests without a recorded assessment",
                "add `lia:` with purpose, necessity, balance, reviewed_by and reviewed_on",
            )
        if not activity.legitimate_interest:
            checker.warning(
                where,
                "the notice must say which legitimate interest is pursued",
                "add `legitimate_interest:` in plain words",
            )
    if activity.lawful_basis == LawfulBasis.CONSENT and not activity.consent_withdrawal:
        checker.warning(
            where,
            "consent is the basis, but the activity does not say how to withdraw it",
            "add `consent_withdrawal:`: withdrawing must be as easy as giving",
        )


def _retention(checker: Checker, activity: Activity, path: PathKey) -> None:
    if activity.retention is None:
        checker.warning(
            (*path, "name"),
            f"activity {activity.name!r} names no retention rule",
            "add `retention:` naming a rule, so the period is enforced and not only stated",
        )


def _marketing(checker: Checker, activity: Activity, path: PathKey) -> None:
    tax = checker.taxonomy
    if not tax.uses.within(activity.purpose, "marketing"):
        return
    channels = [checker.policy.channels.get(name) for name in activity.channels]
    soft_opt_in = any(channel is not None and channel.soft_opt_in for channel in channels)
    if activity.lawful_basis == LawfulBasis.CONSENT and not soft_opt_in:
        return
    for index, subject in enumerate(activity.subjects):
        if any(tax.subjects.within(subject, group) for group in NEVER_BOUGHT):
            how = "the soft opt-in" if soft_opt_in else activity.lawful_basis.value
            checker.warning(
                (*path, "subjects", index),
                f"marketing to {subject!r} under {how}: people who never bought may be "
                "marketed to only with their consent (PECR reg 22)",
                "use consent for them, or take them out of this marketing activity",
            )


class _Held:
    """The categories each system's dataset holds, and all their ancestors, worked out once."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self._found: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}

    def of(self, name: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """(keys held, those keys with every ancestor), or None when it cannot be known."""
        if name not in self._found:
            system = self.checker.systems.get(name)
            if system is None or system.dataset is None:
                self._found[name] = None
            else:
                keys = frozenset(
                    key
                    for collection in system.dataset.collections
                    for item in collection.fields
                    for key in item.categories
                )
                lineage = self.checker.taxonomy.categories.lineage
                self._found[name] = (keys, frozenset(a for k in keys for a in lineage(k)))
        return self._found[name]


def _held(checker: Checker, activity: Activity, path: PathKey, held: _Held) -> None:
    """Each category the activity names should be held in one of its systems' datasets."""
    if not activity.systems:
        checker.warning(
            (*path, "name"),
            f"activity {activity.name!r} names no system holding its data",
            "add `systems:` so requests and retention reach the data",
        )
        return
    found = [held.of(name) for name in activity.systems]
    known = [item for item in found if item is not None]
    if len(known) != len(found):
        return  # a system without a dataset (or a rejected one) cannot be judged
    keys = frozenset().union(*(k for k, _ in known))
    covered = frozenset().union(*(c for _, c in known))
    lineage = checker.taxonomy.categories.lineage
    for index, category in enumerate(activity.categories):
        # Held as itself or as a narrower key (`covered` has every ancestor of a held key), or
        # as a broader key (one of the category's ancestors is held).
        if category in covered or any(a in keys for a in lineage(category)):
            continue
        checker.info(
            (*path, "categories", index),
            f"{category!r} is not held in any field of {', '.join(activity.systems)}",
            "tag the field that holds it, or remove the category from the activity",
        )


def _recipients(checker: Checker) -> None:
    for position, recipient in enumerate(checker.policy.recipients):
        path = checker.at("recipients", position)
        if recipient.country.upper() == "UK":
            checker.warning((*path, "country"), "'UK' is not an ISO country code", "write GB")
        gap = transfer_gap(recipient)
        if gap is not None:
            key = "transfer_safeguard" if recipient.transfer_safeguard else "country"
            checker.warning((*path, key), *gap)
        if recipient.role != RecipientRole.PROCESSOR:
            continue
        if recipient.contract_signed_on is None:
            checker.warning(
                (*path, "name"),
                f"processor {recipient.name!r} has no contract date (Art 28)",
                "record the data processing agreement's date as `contract_signed_on:`",
            )
        if recipient.vetted_on is None:
            checker.warning(
                (*path, "name"),
                f"processor {recipient.name!r} has no record of being vetted",
                "record the last security review as `vetted_on:` and `vetting_result:`",
            )
        elif recipient.vetting_result == "failed":
            checker.warning(
                (*path, "vetting_result"),
                f"processor {recipient.name!r} failed its last vetting",
                "record the actions taken and vet again, or stop using it",
            )


def _channels(checker: Checker) -> None:
    tax = checker.taxonomy
    for name, channel in checker.policy.channels.items():
        if not channel.soft_opt_in:
            continue
        for index, subject in enumerate(channel.subjects):
            if any(tax.subjects.within(subject, group) for group in NEVER_BOUGHT):
                checker.warning(
                    ("channels", name, "subjects", index),
                    f"the soft opt-in does not cover {subject!r}: they never bought",
                    "market to them only with consent, on a channel without soft_opt_in",
                )


def _system_locations(checker: Checker) -> None:
    for path, system in checker.system_paths():
        if system.location is None or system.processor is not None:
            continue  # a hosting processor's own entry carries the safeguard
        country = system.location.upper()
        if is_restricted_transfer(country) and country not in ADEQUATE:
            checker.warning(
                (*path, "location"),
                f"system {system.name!r} holds data in {country} without a named processor "
                "and safeguard",
                "name the hosting recipient as `processor:` and record its transfer safeguard",
            )
