"""What an access event looks like on the way in (webhook, import, poll) and out."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints

from dataward.core.schemas import Schema
from dataward.policy.schema import AccessKind

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _code(value: str) -> str:
    # "Client request", "client-request" and "client_request" are one reason, as the policy
    # writes it; the same for roles ("HR manager" is hr_manager).
    return re.sub(r"[\s-]+", "_", value.strip().lower())


Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_code),
]
# A webhook may send this many events at once; more is refused before anything is read.
MAX_BATCH = 1000


class AccessEventIn(Schema):
    """One event as a source reports it. The source is the caller, never a field of the body."""

    model_config = ConfigDict(extra="forbid")

    event_id: Text = Field(description="the source's own id: a repeat is the same event")
    kind: AccessKind | None = Field(default=None, description="default: the source's kind")
    engineer: Text | None = None
    device: Text | None = None
    client: Text | None = None
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    attended: bool | None = None
    warning_shown: bool | None = None
    device_in_use: bool | None = None
    reason: Code | None = None
    incident: Text | None = None
    role: Code | None = None
    username: Text | None = None
    ip_address: Text | None = None
    hostname: Text | None = None
    system: Code | None = None
    collection: Code | None = None


class AccessBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    events: list[AccessEventIn] = Field(min_length=1, max_length=MAX_BATCH)


class AccessEventOut(Schema):
    id: int
    source: str
    event_id: str
    kind: str
    client: str | None
    device: str | None
    started_at: datetime
    ended_at: datetime | None
    attended: bool | None
    warning_shown: bool | None
    reason: str | None
    incident: str | None
    role: str | None
    findings: list[str]
    repeated: bool = Field(description="true when this event id had arrived before")


class AccessBatchOut(Schema):
    events: list[AccessEventOut]
    new: int
    repeated: int
