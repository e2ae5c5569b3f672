"""The retention domain's public face: legal holds (used by rights erasure too), sweeps,
forecasts and review tasks. Other domains import from here only."""

from __future__ import annotations

from dataward.retention.held import held_keys, person_holds
from dataward.retention.holds import (
    due_for_review,
    hold_collection,
    hold_person,
    hold_record,
    list_holds,
    reason_text,
    release_hold,
    release_reason_text,
)
from dataward.retention.models import HoldScope, LegalHold, ReviewTask
from dataward.retention.reviews import list_reviews, raise_review, resolution_text, resolve_review

__all__ = [
    "HoldScope",
    "LegalHold",
    "ReviewTask",
    "due_for_review",
    "held_keys",
    "hold_collection",
    "hold_person",
    "hold_record",
    "list_holds",
    "list_reviews",
    "person_holds",
    "raise_review",
    "reason_text",
    "release_hold",
    "release_reason_text",
    "resolution_text",
    "resolve_review",
]
