"""Who receives personal data and where it goes abroad (S-11, support-07, msp-09)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from dataward.notice.words import (
    ADEQUATE,
    EEA,
    ROLE_TEXT,
    SAFEGUARD_TEXT,
    UK,
    country_name,
)
from dataward.policy.schema import Policy, Recipient, RecipientRole, TransferSafeguard

# A security review older than this is stale: processors are re-vetted yearly.
VETTING_VALID_DAYS = 366


class Frozen(BaseModel):
    # Stored versions are read back with this model: a field dropped in a later release must
    # not make an old snapshot unreadable (a field added later needs a default for the same
    # reason).
    model_config = ConfigDict(frozen=True, extra="ignore")


class RecipientEntry(Frozen):
    name: str
    role: str
    role_text: str
    service: str
    category: str | None
    country: str
    country_name: str
    contract_signed_on: date | None
    contract_link: str | None
    transfer_safeguard: str | None
    vetted_on: date | None
    vetting_result: str | None
    privacy_policy: str | None
    activities: list[str]
    attention: list[str]


class Transfer(Frozen):
    """Personal data held or sent outside the UK, and what makes that lawful."""

    recipient: str | None
    system: str | None
    country: str
    country_name: str
    restricted: bool  # outside the UK and the EEA (msp-09's list)
    safeguard: str | None
    safeguard_text: str | None
    problem: str | None


def recipient_attention(recipient: Recipient, *, on: date) -> list[str]:
    """What a reviewer should act on: a missing contract, a failed or stale security review."""
    notes: list[str] = []
    if recipient.role == RecipientRole.PROCESSOR and recipient.contract_signed_on is None:
        notes.append("no processing contract (Art 28) recorded")
    if recipient.vetted_on is None:
        if recipient.role == RecipientRole.PROCESSOR:
            notes.append("never vetted")
    elif (on - recipient.vetted_on).days > VETTING_VALID_DAYS:
        notes.append(f"last vetted {recipient.vetted_on.isoformat()}, over a year ago")
    if recipient.vetting_result == "failed":
        notes.append("failed its last security review")
    elif recipient.vetted_on is not None and recipient.vetting_result is None:
        notes.append("vetting result not recorded")
    return notes


def list_recipients(policy: Policy, *, on: date) -> list[RecipientEntry]:
    entries = []
    for recipient in policy.recipients:
        entries.append(
            RecipientEntry(
                name=recipient.name,
                role=recipient.role.value,
                role_text=ROLE_TEXT[recipient.role],
                service=recipient.service,
                category=recipient.category,
                country=recipient.country,
                country_name=country_name(recipient.country),
                contract_signed_on=recipient.contract_signed_on,
                contract_link=recipient.contract_link,
                transfer_safeguard=(
                    recipient.transfer_safeguard.value if recipient.transfer_safeguard else None
                ),
                vetted_on=recipient.vetted_on,
                vetting_result=recipient.vetting_result,
                privacy_policy=recipient.privacy_policy,
                activities=[a.name for a in policy.activities if recipient.name in a.recipients],
                attention=recipient_attention(recipient, on=on),
            )
        )
    return entries


def assess_transfer(
    country: str,
    safeguard: TransferSafeguard | None,
    *,
    dpf_checked_on: date | None = None,
    risk_assessed_on: date | None = None,
) -> tuple[TransferSafeguard | None, str | None]:
    """The safeguard that applies (explicit or by adequacy) and what is wrong, if anything."""
    if safeguard is None and country in ADEQUATE:
        return TransferSafeguard.ADEQUACY, None
    if safeguard is None:
        return None, (
            f"{country_name(country)} has no UK adequacy regulations: record the safeguard "
            "(idta, uk_addendum, uk_dpf_extension or art49_exception)"
        )
    if safeguard == TransferSafeguard.ADEQUACY and country not in ADEQUATE:
        return safeguard, (
            f"{country_name(country)} is not covered by UK adequacy regulations: use idta, "
            "uk_addendum, uk_dpf_extension or art49_exception"
        )
    if safeguard == TransferSafeguard.UK_DPF_EXTENSION:
        if country != "US":
            return safeguard, "the Data Privacy Framework extension covers US organisations only"
        if dpf_checked_on is None:
            return safeguard, "record when the recipient's DPF certification was checked"
    if safeguard in (TransferSafeguard.IDTA, TransferSafeguard.UK_ADDENDUM) and (
        risk_assessed_on is None
    ):
        return safeguard, "record the date of the transfer risk assessment"
    return safeguard, None


def list_transfers(policy: Policy, *, include_eea: bool = True) -> list[Transfer]:
    """Every recipient and system outside the UK; `include_eea=False` keeps the restricted ones."""
    transfers: list[Transfer] = []
    for recipient in policy.recipients:
        if recipient.country == UK:
            continue
        safeguard, problem = assess_transfer(
            recipient.country,
            recipient.transfer_safeguard,
            dpf_checked_on=recipient.dpf_checked_on,
            risk_assessed_on=recipient.transfer_risk_assessment_on,
        )
        transfers.append(_transfer(recipient.name, None, recipient.country, safeguard, problem))
    for system in policy.systems:
        location = (system.location or UK).upper()
        if location == UK:
            continue
        host = policy.recipient(system.processor) if system.processor else None
        if host is not None and host.country == location:
            continue  # already listed under the recipient that hosts it
        safeguard, problem = assess_transfer(
            location,
            host.transfer_safeguard if host else None,
            dpf_checked_on=host.dpf_checked_on if host else None,
            risk_assessed_on=host.transfer_risk_assessment_on if host else None,
        )
        transfers.append(_transfer(None, system.name, location, safeguard, problem))
    if not include_eea:
        transfers = [t for t in transfers if t.restricted]
    return transfers


def _transfer(
    recipient: str | None,
    system: str | None,
    country: str,
    safeguard: TransferSafeguard | None,
    problem: str | None,
) -> Transfer:
    return Transfer(
        recipient=recipient,
        system=system,
        country=country,
        country_name=country_name(country),
        restricted=country not in EEA,
        safeguard=safeguard.value if safeguard else None,
        safeguard_text=SAFEGUARD_TEXT[safeguard] if safeguard else None,
        problem=problem,
    )
