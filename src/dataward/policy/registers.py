"""Policy keys for Dataward's own registers: who approves disclosures, who reads complaints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DisclosureRules(_Strict):
    """Disclosures to third parties (police, HMRC, a client company, a supplier)."""

    approvers: list[str] = Field(
        default_factory=list,
        description="job roles that may approve a disclosure; admin and dpo always may",
    )
    one_person_firm: bool = Field(
        default=False,
        description="the business is one person: the opener may approve their own disclosure",
    )


class ComplaintRules(_Strict):
    """Complaints to the controller (DPA 2018 s.164A)."""

    readers: list[str] = Field(
        default_factory=lambda: ["dpo"],
        description="roles (console roles or job roles) that may read a complaint's contents",
    )
