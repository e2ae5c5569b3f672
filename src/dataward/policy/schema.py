"""The shape of `dataward.yaml`. Validation of meaning (references, taxonomy) is in checks.py."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Re-exported: the rest of the code base reads every policy type from this module.
from dataward.policy.expressions import Condition as Condition
from dataward.policy.expressions import Period as Period
from dataward.policy.expressions import parse_where as parse_where
from dataward.policy.links import WebLink as WebLink
from dataward.policy.privileged_access import EVENT_FIELDS as EVENT_FIELDS
from dataward.policy.privileged_access import AccessKind as AccessKind
from dataward.policy.privileged_access import AccessRules as AccessRules
from dataward.policy.privileged_access import AccessSource as AccessSource
from dataward.policy.privileged_access import CardScan as CardScan


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently drop a promise."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


class Nation(StrEnum):
    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class LawfulBasis(StrEnum):
    """UK GDPR Art 6(1), with the DUAA's recognised legitimate interest."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    RECOGNISED_LEGITIMATE_INTEREST = "recognised_legitimate_interest"
    LEGITIMATE_INTERESTS = "legitimate_interests"


class Art9Condition(StrEnum):
    A_EXPLICIT_CONSENT = "a"
    B_EMPLOYMENT = "b"
    C_VITAL_INTERESTS = "c"
    D_NOT_FOR_PROFIT = "d"
    E_MADE_PUBLIC = "e"
    F_LEGAL_CLAIMS = "f"
    G_SUBSTANTIAL_PUBLIC_INTEREST = "g"
    H_HEALTH_OR_SOCIAL_CARE = "h"
    I_PUBLIC_HEALTH = "i"
    J_ARCHIVING_RESEARCH = "j"


class RecipientRole(StrEnum):
    PROCESSOR = "processor"
    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    PUBLIC_AUTHORITY = "public_authority"


class TransferSafeguard(StrEnum):
    """RULES.md §8."""

    ADEQUACY = "adequacy"
    UK_DPF_EXTENSION = "uk_dpf_extension"
    IDTA = "idta"
    UK_ADDENDUM = "uk_addendum"
    ART49_EXCEPTION = "art49_exception"


class RetentionAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    REVIEW = "review"  # "while relevant": raise a review task, do not delete


class ChannelKind(StrEnum):
    MARKETING = "marketing"
    SERVICE = "service"
    EMERGENCY = "emergency"


class Medium(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    POST = "post"
    AUTOMATED_CALL = "automated_call"


class ErasureGround(StrEnum):
    """Art 17(3) exceptions, plus a contract still running (Art 6(1)(b))."""

    LEGAL_OBLIGATION = "legal_obligation"
    LEGAL_CLAIMS = "legal_claims"
    CONTRACT = "contract"
    FREEDOM_OF_EXPRESSION = "freedom_of_expression"
    PUBLIC_HEALTH = "public_health"
    ARCHIVING_RESEARCH = "archiving_research"


class Dpo(Strict):
    name: str
    email: str
    phone: str | None = None


class Organisation(Strict):
    name: str
    company_number: str | None = None
    registered_office: str
    ico_registration: str | None = None
    privacy_contact: str
    phone: str | None = None
    website: WebLink | None = None
    dpo: Dpo | None = None
    representative: str | None = None
    nation: Nation = Nation.ENGLAND_AND_WALES
    telecoms_provider: bool = Field(
        default=False,
        description="A telecoms provider: PECR reg 5A applies to its breaches.",
    )
    staff_count: int | None = Field(default=None, ge=1)


class Subject(Strict):
    """A kind of person whose data is held. `key` is a fideslang data subject or a custom one."""

    key: str
    name: str | None = None
    reader: str | None = Field(
        default=None, description="How the notice addresses them: 'a customer', 'applied for a job'"
    )
    parent: str | None = None
    description: str | None = None


class CategoryDefinition(Strict):
    """A data category the fideslang taxonomy lacks; it names its parent."""

    key: str
    parent: str
    name: str | None = None
    description: str | None = None
    special: bool = False
    criminal: bool = False


class Recipient(Strict):
    name: str
    role: RecipientRole = RecipientRole.PROCESSOR
    service: str
    country: str = Field(description="ISO 3166 alpha-2 where the data is held, e.g. GB, US")
    contract_signed_on: date | None = None
    contract_link: WebLink | None = None
    transfer_safeguard: TransferSafeguard | None = None
    transfer_risk_assessment_on: date | None = None
    dpf_checked_on: date | None = None
    vetted_on: date | None = None
    vetting_result: Literal["passed", "passed_with_actions", "failed"] | None = None
    privacy_policy: WebLink | None = None
    category: str | None = Field(
        default=None, description="Category of recipient for the notice, e.g. 'courier'"
    )

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ValueError("use the two-letter ISO country code, e.g. GB, IE, US")
        return value.upper()


class RetentionRule(Strict):
    """`period` after the date in `after` (a field, or `collection.field` in a related one)."""

    period: str
    after: str = Field(description="date field, or collection.field for a related event")
    where: str | None = None
    action: RetentionAction = RetentionAction.DELETE
    reason: str | None = None
    exemptions: list[str] = Field(default_factory=list)
    erasure_sla: str | None = Field(
        default=None, description="how fast an authorised deletion request is done, e.g. 28 days"
    )

    @field_validator("period", "erasure_sla")
    @classmethod
    def _readable_period(cls, value: str | None) -> str | None:
        if value is not None:
            Period.parse(value)
        return value

    @field_validator("where")
    @classmethod
    def _readable_where(cls, value: str | None) -> str | None:
        if value is not None:
            parse_where(value)
        return value

    @property
    def parsed_period(self) -> Period:
        return Period.parse(self.period)

    @property
    def sla_period(self) -> Period | None:
        return Period.parse(self.erasure_sla) if self.erasure_sla else None

    @property
    def conditions(self) -> list[Condition]:
        return parse_where(self.where) if self.where else []


class LegitimateInterestAssessment(Strict):
    purpose: str
    necessity: str
    balance: str
    reviewed_by: str
    reviewed_on: date
    link: WebLink | None = None


class Dpia(Strict):
    required: bool
    status: Literal["not_started", "in_progress", "done"] | None = None
    link: WebLink | None = None


class Activity(Strict):
    """A row of the record of processing (Art 30)."""

    name: str
    description: str | None = None
    business_function: str | None = None
    purpose: str = Field(description="fideslang data_use key")
    purpose_text: str | None = Field(default=None, description="the purpose in plain English")
    lawful_basis: LawfulBasis
    legitimate_interest: str | None = None
    lia: LegitimateInterestAssessment | None = None
    special_category_condition: Art9Condition | None = None
    schedule1_condition: str | None = None
    criminal_offence_condition: str | None = None
    subjects: list[str] = Field(min_length=1)
    categories: list[str] = Field(min_length=1)
    source: str = "the person"
    systems: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    retention: str | None = None
    retention_text: str | None = None
    security_measures: list[str] = Field(default_factory=list)
    automated_decision_making: str | None = None
    requirement: str | None = Field(
        default=None, description="Art 13(2)(e): statutory or contractual requirement, and why"
    )
    consent_withdrawal: str | None = Field(default=None, description="how to withdraw consent")
    channels: list[str] = Field(default_factory=list)
    restricted_roles: list[str] = Field(default_factory=list)
    dpia: Dpia | None = None
    portable: bool | None = None


class Channel(Strict):
    kind: ChannelKind
    media: list[Medium] = Field(min_length=1)
    purpose: str | None = None
    description: str | None = None
    soft_opt_in: bool = False
    subjects: list[str] = Field(default_factory=list)
    opt_out: str | None = Field(default=None, description="how a person opts out")


class Reference(Strict):
    """This field holds the value of `to` (`collection.field` or `system.collection.field`)."""

    to: str
    direction: Literal["from", "to"] = "to"


EraseStrategy = Literal["delete", "null", "mask", "hash", "keep"]


class DatasetField(Strict):
    name: str
    categories: list[str] = Field(default_factory=list)
    identity: str | None = Field(default=None, description="email, phone_number or a custom key")
    primary_key: bool = False
    data_type: str | None = None
    references: list[Reference] = Field(default_factory=list)
    erase: EraseStrategy | None = None
    mask: str | None = None
    file: bool = Field(default=False, description="the field holds a path to a file (files kind)")


class ErasureExemption(Strict):
    ground: ErasureGround
    reason: str
    until: str | None = Field(default=None, description="a retention rule name bounding it")
    where: str | None = None

    @field_validator("where")
    @classmethod
    def _readable_where(cls, value: str | None) -> str | None:
        if value is not None:
            parse_where(value)
        return value


class Collection(Strict):
    name: str
    description: str | None = None
    fields: list[DatasetField] = Field(min_length=1)
    retention: str | None = None
    retention_after: str | None = Field(
        default=None, description="date field for this collection, overriding the rule's"
    )
    erase: Literal["delete", "anonymise"] = "delete"
    exemption: ErasureExemption | None = None
    restricted_roles: list[str] = Field(default_factory=list, description="who may open it")

    @property
    def primary_key(self) -> list[str]:
        return [f.name for f in self.fields if f.primary_key]

    def field(self, name: str) -> DatasetField | None:
        return next((f for f in self.fields if f.name == name), None)


class Dataset(Strict):
    collections: list[Collection] = Field(min_length=1)


_INLINE_SECRET = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


class System(Strict):
    name: str
    description: str | None = None
    connector: str
    connection: dict[str, Any] = Field(default_factory=dict)
    location: str | None = Field(default=None, description="country code where the data lives")
    processor: str | None = Field(default=None, description="the recipient hosting it, if any")
    dataset: Dataset | None = None
    dataset_file: str | None = None

    @field_validator("connection")
    @classmethod
    def _no_inline_secrets(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            lowered = key.lower()
            if lowered in ("password", "passwd", "secret", "token", "api_key", "apikey"):
                raise ValueError(
                    f"inline secret {key!r}: put it in an environment variable and write "
                    f"`{key}_env: VAR_NAME`"
                )
            if isinstance(item, str) and _INLINE_SECRET.search(item):
                raise ValueError(
                    f"{key!r} holds a password inline: move the URL to an environment variable "
                    "and write `url_env: VAR_NAME`"
                )
        return value

    @model_validator(mode="after")
    def _one_dataset(self) -> System:
        if self.dataset is not None and self.dataset_file is not None:
            raise ValueError("give either `dataset` or `dataset_file`, not both")
        return self


class Policy(Strict):
    version: int = 1
    organisation: Organisation
    subjects: list[Subject] = Field(default_factory=list)
    categories: list[CategoryDefinition] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    retention: dict[str, RetentionRule] = Field(default_factory=dict)
    channels: dict[str, Channel] = Field(default_factory=dict)
    activities: list[Activity] = Field(min_length=1)
    systems: list[System] = Field(default_factory=list)
    access_sources: list[AccessSource] = Field(default_factory=list)
    access_rules: AccessRules = Field(default_factory=AccessRules)
    card_scan: CardScan = Field(default_factory=CardScan)

    def system(self, name: str) -> System | None:
        return next((s for s in self.systems if s.name == name), None)

    def recipient(self, name: str) -> Recipient | None:
        return next((r for r in self.recipients if r.name == name), None)

    def activities_for_system(self, name: str) -> list[Activity]:
        return [a for a in self.activities if name in a.systems]
