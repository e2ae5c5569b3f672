"""Roles and what each may do: the one table every route's access rule reads."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything, including accounts and tokens
    DPO = "dpo"  # the data protection officer: every decision, no account management
    STAFF = "staff"  # works requests day to day; restricted collections by job role only
    AUDITOR = "auditor"  # reads evidence, the data map and the audit log; no personal data
    SOURCE = "source"  # a machine sending events in (webhooks), by API token only


class Permission(StrEnum):
    REQUESTS_READ = "requests.read"
    REQUESTS_ACT = "requests.act"
    REQUESTS_DECIDE = "requests.decide"
    PERSONAL_DATA_READ = "personal_data.read"
    RETENTION_READ = "retention.read"
    RETENTION_ACT = "retention.act"
    DATAMAP_READ = "datamap.read"
    DATAMAP_PUBLISH = "datamap.publish"
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    CONSENT_READ = "consent.read"
    CONSENT_WRITE = "consent.write"
    COMMS_CHECK = "comms.check"
    ACCESS_READ = "access.read"
    ACCESS_INGEST = "access.ingest"
    OVERSIGHT_READ = "oversight.read"
    OVERSIGHT_ACT = "oversight.act"


P = Permission

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DPO: frozenset(Permission) - {P.USERS_MANAGE, P.ACCESS_INGEST},
    Role.STAFF: frozenset(
        {
            P.REQUESTS_READ,
            P.REQUESTS_ACT,
            P.PERSONAL_DATA_READ,
            P.RETENTION_READ,
            P.DATAMAP_READ,
            P.CONSENT_READ,
            P.CONSENT_WRITE,
            P.COMMS_CHECK,
        }
    ),
    # Evidence without the people in it: a request's dates and states, never its identities.
    Role.AUDITOR: frozenset(
        {
            P.REQUESTS_READ,
            P.RETENTION_READ,
            P.DATAMAP_READ,
            P.AUDIT_READ,
            P.ACCESS_READ,
            P.OVERSIGHT_READ,
        }
    ),
    Role.SOURCE: frozenset({P.ACCESS_INGEST, P.CONSENT_WRITE}),
}

# Roles a person signs in with; `source` exists only for API tokens.
ACCOUNT_ROLES = (Role.ADMIN, Role.DPO, Role.STAFF, Role.AUDITOR)
# Their accounts decide and see everything, so a password alone is not enough.
TOTP_REQUIRED = frozenset({Role.ADMIN, Role.DPO})


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]
