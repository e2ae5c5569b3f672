"""The data map's privileged-access part: where access events come from, the rules they are
checked against, and which systems are scanned for card numbers (see docs/access.md)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    # As schema.Strict (which imports this module): an unknown key is an error.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AccessKind(StrEnum):
    REMOTE_SESSION = "remote_session"
    BACKUP_ACCESS = "backup_access"
    RECORDING_LISTEN = "recording_listen"
    CCTV_VIEW = "cctv_view"
    CCTV_EXPORT = "cctv_export"
    RESTRICTED_VIEW = "restricted_view"


# What an event can say, and so what a source's `mapping` may name.
EVENT_FIELDS = (
    "event_id",
    "kind",
    "engineer",
    "device",
    "client",
    "started_at",
    "ended_at",
    "attended",
    "warning_shown",
    "device_in_use",
    "reason",
    "incident",
    "role",
    "username",
    "ip_address",
    "hostname",
    "system",
    "collection",
)


class AccessSource(_Strict):
    """A tool that reports access events: by webhook, by an exported log, or polled."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    kind: AccessKind = AccessKind.REMOTE_SESSION
    mapping: dict[str, str] = Field(
        default_factory=dict, description="register field -> the source's column or key"
    )
    system: str | None = Field(default=None, description="a system to poll for new events")
    collection: str | None = None
    cursor: str | None = Field(default=None, description="a column that only grows (id)")


class AccessRules(_Strict):
    unattended_reasons: list[str] = Field(default_factory=lambda: ["maintenance"])
    warning_required: bool = True
    backup_reasons: list[str] = Field(default_factory=lambda: ["client_request", "integrity_test"])
    incident_required: list[AccessKind] = Field(
        default_factory=lambda: [AccessKind.CCTV_VIEW, AccessKind.CCTV_EXPORT]
    )
    roles: dict[AccessKind, list[str]] = Field(
        default_factory=dict, description="the only business roles allowed each kind"
    )


class CardScan(_Strict):
    systems: list[str] = Field(default_factory=list, description="scanned every day")
    fields: list[str] = Field(
        default_factory=list, description="more free-text fields: system.collection.field"
    )
