"""The policy's rules for privileged access, checked on arrival and again every day.

Pure: an event's plain fields and the policy in, the rules it breaks out. The messages name
no person (they are shown on the dashboard and written to the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass

from dataward.policy.schema import AccessKind, Policy


@dataclass(frozen=True)
class EventFacts:
    """What the rules read: the plain columns of an event."""

    kind: str
    attended: bool | None = None
    warning_shown: bool | None = None
    device_in_use: bool | None = None
    reason: str | None = None
    incident: str | None = None
    role: str | None = None
    system: str | None = None
    collection: str | None = None


@dataclass(frozen=True)
class Broken:
    rule: str
    message: str


def restricted_roles(policy: Policy, system: str | None, collection: str | None) -> list[str]:
    """The roles the data map names for a collection; empty when it is not restricted."""
    declared = policy.system(system) if system else None
    if declared is None or declared.dataset is None:
        return []
    found = next((c for c in declared.dataset.collections if c.name == collection), None)
    return list(found.restricted_roles) if found else []


def allowed_roles(policy: Policy, facts: EventFacts) -> list[str] | None:
    """Who may do this kind of access; None when the policy does not limit it."""
    if facts.kind == AccessKind.RESTRICTED_VIEW:
        return restricted_roles(policy, facts.system, facts.collection) or None
    named = policy.access_rules.roles.get(AccessKind(facts.kind))
    if named is None and facts.system:
        return restricted_roles(policy, facts.system, facts.collection) or None
    return named


def broken_rules(policy: Policy, facts: EventFacts) -> list[Broken]:
    rules = policy.access_rules
    broken: list[Broken] = []
    if facts.kind == AccessKind.REMOTE_SESSION:
        if facts.attended is False and facts.reason not in rules.unattended_reasons:
            allowed = ", ".join(rules.unattended_reasons) or "none"
            broken.append(
                Broken(
                    "unattended-not-maintenance",
                    f"unattended session for {facts.reason or 'no stated reason'} "
                    f"(allowed: {allowed})",
                )
            )
        if facts.attended is False and facts.device_in_use:
            broken.append(
                Broken("unattended-while-in-use", "unattended session while the device was in use")
            )
        if rules.warning_required and facts.warning_shown is not True:
            said = "not shown" if facts.warning_shown is False else "not recorded"
            broken.append(Broken("no-warning", f"the on-screen warning was {said}"))
    if facts.kind == AccessKind.BACKUP_ACCESS and facts.reason not in rules.backup_reasons:
        broken.append(
            Broken(
                "backup-reason",
                f"backup accessed for {facts.reason or 'no stated reason'} "
                f"(allowed: {', '.join(rules.backup_reasons) or 'none'})",
            )
        )
    if facts.kind in rules.incident_required and not facts.incident:
        broken.append(Broken("no-incident", f"{facts.kind.replace('_', ' ')} names no incident"))
    roles = allowed_roles(policy, facts)
    if roles is not None and facts.role not in roles:
        broken.append(
            Broken(
                "role-not-named",
                f"{facts.kind.replace('_', ' ')} by role {facts.role or 'unknown'} "
                f"(allowed: {', '.join(roles)})",
            )
        )
    return broken
