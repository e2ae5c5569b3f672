"""Policy keys for Dataward's own registers: who approves disclosures, who reads complaints."""

from __future__ import annotations

from pydantic import Field

from dataward.policy.values import Strict


class DisclosureRules(Strict):
    """Disclosures to third parties (police, HMRC, a client company, a supplier)."""

    approvers: list[str] = Field(
        default_factory=list,
        description="job roles that may approve a disclosure; admin and dpo always may",
    )
    one_person_firm: bool = Field(
        default=False,
        description="the business is one person: the opener may approve their own disclosure",
    )


class ComplaintRules(Strict):
    """Complaints to the controller (DPA 2018 s.164A)."""

    readers: list[str] = Field(
        default_factory=lambda: ["dpo"],
        description="roles (console roles or job roles) that may read a complaint's contents",
    )
