"""The privacy notice as data: what gets rendered, checked, stored with a version and diffed.

It holds words, not policy objects, so a stored version reads the same whatever the map says now.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dataward.ropa.recipients import Transfer


class Frozen(BaseModel):
    # Stored versions are read back with this model: a field dropped in a later release must
    # not make an old snapshot unreadable (a field added later needs a default for the same
    # reason).
    model_config = ConfigDict(frozen=True, extra="ignore")


class Dpo(Frozen):
    name: str
    email: str
    phone: str | None


class Controller(Frozen):
    name: str
    company_number: str | None
    registered_office: str
    ico_registration: str | None
    privacy_contact: str
    phone: str | None
    website: str | None
    representative: str | None


class CategoryItem(Frozen):
    key: str
    label: str
    special: bool
    criminal: bool


class Retention(Frozen):
    rules: list[str]
    text: str
    reason: str | None


class Purpose(Frozen):
    """One processing activity, as the notice tells it."""

    activity: str
    description: str | None
    purpose_key: str
    purpose_text: str
    subjects: list[str]
    lawful_basis: str
    lawful_basis_text: str
    legitimate_interest: str | None
    special_condition: str | None
    criminal_condition: str | None
    categories: list[CategoryItem]
    source: str
    from_person: bool
    recipients: list[str]
    retention: Retention | None
    requirement: str | None
    automated_decision_making: str | None
    consent_withdrawal: str | None
    portable: bool


class Audience(Frozen):
    key: str
    name: str
    heading: str
    activities: list[str]


class NoticeRecipient(Frozen):
    name: str
    service: str | None  # None: named by an activity but not declared in `recipients`
    role: str | None
    category: str | None
    country_name: str | None
    activities: list[str]


class Right(Frozen):
    key: str
    title: str
    text: str
    activities: list[str]  # where it applies; empty when it applies to everything


class Complaints(Frozen):
    controller_text: str
    ico_name: str
    ico_url: str
    ico_phone: str
    ico_address: str


class Notice(Frozen):
    controller: Controller
    dpo: Dpo | None
    audiences: list[Audience]
    purposes: list[Purpose]
    recipients: list[NoticeRecipient]
    transfers: list[Transfer]
    rights: list[Right]
    how_to_use_rights: str
    withdraw_consent: str | None
    complaints: Complaints
    automated_decision_making: str

    def purpose(self, activity: str) -> Purpose | None:
        return next((p for p in self.purposes if p.activity == activity), None)
