"""The one list of Dataward's domains, read by the top of the house.

The CLI, the web app, the server, the migrations and the job runner learn what exists from
here; `core/` knows none of it. A new domain is one entry below. Modules are named as strings
and imported only when something needs them, so `dataward --help` loads no domain at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from dataward.core.jobs import Handler, Schedule


@dataclass(frozen=True)
class Command:
    """A top-level `dataward` command and the modules whose `register(app)` add it.

    The short help is what `dataward --help` prints without importing the modules; a test
    checks it matches the command's own help.
    """

    name: str
    modules: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class NavLink:
    """A link in the staff console's navigation, shown to accounts holding `permission`."""

    label: str
    url: str
    permission: str  # a dataward.accounts.roles.Permission


@dataclass(frozen=True)
class Domain:
    name: str
    models: str | None = None  # its tables, for Alembic and tests
    jobs: str | None = None  # a module with HANDLERS (and maybe SCHEDULES)
    commands: tuple[Command, ...] = ()
    api: str | None = None  # a module with `router` (JSON)
    pages: str | tuple[str, ...] | None = None  # module(s) with `router` (HTML)
    nav: tuple[NavLink, ...] = ()  # its entries in the console's navigation
    # "module:function" names of its console dashboard panels: each function takes
    # (*, session, runtime, principal) and returns a core.web.Panel or None.
    panels: tuple[str, ...] = ()
    # "module:function"s checking the domain's own records (a ledger, a register) against the
    # audit log, run by `dataward audit verify`: `(*, session, keyring) -> RecordsCheck`.
    evidence: tuple[str, ...] = ()
    # Path prefixes posted to by others than our own pages (a mail client's one-click
    # unsubscribe), so with no CSRF token: each such route must carry its own proof (a signed
    # token in the path) and be harmless if replayed.
    csrf_free: tuple[str, ...] = ()


# The ground floor's own tables: the job queue and the index key.
CORE_MODELS = ("dataward.core.jobs", "dataward.core.crypto", "dataward.core.ratelimit")

DOMAINS: tuple[Domain, ...] = (
    Domain(
        name="core",
        commands=(
            Command(
                "init",
                ("dataward.core.commands",),
                "Create or upgrade the database (Alembic) and the keys when none are configured.",
            ),
        ),
    ),
    Domain(
        name="policy",
        api="dataward.policy.api",
        pages="dataward.policy.pages",
        nav=(NavLink("Data map", "/console/data-map", "datamap.read"),),
        commands=(
            Command(
                "check",
                ("dataward.policy.commands",),
                "Check a policy file: exit 0 when it has no errors (warnings allowed), "
                "1 when it has.",
            ),
        ),
    ),
    Domain(
        name="notice",
        models="dataward.notice.models",
        api="dataward.notice.api",
        # The public notice page and the staff console's notice versions.
        pages=("dataward.notice.pages", "dataward.notice.console_pages"),
        commands=(
            Command(
                "notice",
                ("dataward.notice.commands", "dataward.notice.notify_commands"),
                "The privacy notice: rendered from the data map, checked, versioned.",
            ),
        ),
    ),
    Domain(
        name="ropa",
        api="dataward.ropa.api",
        pages="dataward.ropa.pages",
        commands=(
            Command(
                "ropa",
                ("dataward.ropa.commands",),
                "The record of processing activities (Art 30).",
            ),
            Command("recipients", ("dataward.ropa.commands",), "Processors and other recipients."),
            Command("transfers", ("dataward.ropa.commands",), "Personal data sent outside the UK."),
        ),
    ),
    Domain(
        name="audit",
        models="dataward.audit.models",
        jobs="dataward.audit.jobs",
        api="dataward.audit.api",
        pages="dataward.audit.pages",
        nav=(NavLink("Audit", "/console/audit", "audit.read"),),
        panels=("dataward.audit.pages:dashboard_panel",),
        commands=(Command("audit", ("dataward.audit.commands",), "The tamper-evident audit log."),),
    ),
    Domain(
        name="people",
        models="dataward.people.models",
        commands=(
            Command(
                "people", ("dataward.people.commands",), "People Dataward itself holds data about."
            ),
            Command(
                "keys",
                ("dataward.people.commands",),
                "The master key and the audit signing key.",
            ),
        ),
    ),
    Domain(
        name="accounts",
        models="dataward.accounts.models",
        commands=(
            Command(
                "users", ("dataward.accounts.commands",), "Staff accounts for the web console."
            ),
            Command("tokens", ("dataward.accounts.commands",), "API tokens for machine clients."),
        ),
        api="dataward.accounts.api",
        pages="dataward.accounts.pages",
        nav=(NavLink("Accounts", "/console/users", "users.manage"),),
        panels=("dataward.accounts.pages:dashboard_panel",),
    ),
    Domain(
        name="consent",
        models="dataward.consent.models",
        commands=(
            Command(
                "consent",
                ("dataward.consent.commands", "dataward.consent.history_commands"),
                "The consent ledger: who agreed to what, when, how, and what they were shown.",
            ),
            Command(
                "comms",
                ("dataward.consent.comms_commands",),
                "May we contact them? Check a person, screen a list, check a call.",
            ),
            Command(
                "tps",
                ("dataward.consent.tps_commands",),
                "TPS and CTPS: the files of numbers not to call for sales, and their age.",
            ),
            Command(
                "suppression",
                ("dataward.consent.suppression_commands",),
                "The suppression list: addresses and numbers never to be marketed to, kept hashed.",
            ),
        ),
        api="dataward.consent.api",
        pages=(
            "dataward.consent.pages",
            "dataward.consent.preference_pages",
            "dataward.consent.screening_pages",
        ),
        nav=(
            NavLink("Consent", "/console/consent", "consent.read"),
            NavLink("Suppression and TPS", "/console/screening", "consent.read"),
        ),
        panels=(
            "dataward.consent.pages:dashboard_panel",
            "dataward.consent.screening_pages:dashboard_panel",
        ),
        evidence=("dataward.consent.ledger_check:verify_ledger",),
        csrf_free=("/unsubscribe/",),
    ),
    Domain(
        name="cookies",
        models="dataward.cookies.models",
        api="dataward.cookies.api",
        pages="dataward.cookies.pages",
        commands=(
            Command(
                "cookies",
                ("dataward.cookies.commands",),
                "The website's cookie banner: what visitors chose.",
            ),
        ),
    ),
    Domain(
        name="connectors",
        api="dataward.connectors.api",
        pages="dataward.connectors.pages",
        commands=(
            Command(
                "systems",
                ("dataward.connectors.commands",),
                "The systems where personal data lives: reach them, see what they hold.",
            ),
        ),
    ),
    Domain(
        name="rights",
        models="dataward.rights.models",
        jobs="dataward.rights.jobs",
        commands=(
            Command(
                "rights",
                # execute_commands adds its commands to the group commands.py defines.
                (
                    "dataward.rights.commands",
                    "dataward.rights.execute_commands",
                    "dataward.rights.decision_commands",
                ),
                "Subject-rights requests: open, verify, pause, extend, review and close them.",
            ),
        ),
        api="dataward.rights.api",
        # The privacy centre (public) and the staff console's pages.
        pages=("dataward.rights.pages", "dataward.rights.console_pages"),
        nav=(NavLink("Requests", "/console/requests", "requests.read"),),
        panels=("dataward.rights.console_pages:dashboard_panel",),
    ),
    Domain(
        name="retention",
        models="dataward.retention.models",
        jobs="dataward.retention.jobs",
        api="dataward.retention.api",
        pages="dataward.retention.pages",
        nav=(NavLink("Retention", "/console/retention", "retention.read"),),
        panels=("dataward.retention.pages:dashboard_panel",),
        commands=(
            Command(
                "retention",
                ("dataward.retention.commands",),
                "Retention: sweeps, forecasts and review tasks.",
            ),
            Command(
                "holds",
                ("dataward.retention.commands",),
                "Legal holds: keep a person, a record or a collection from sweeps and erasure.",
            ),
        ),
    ),
    Domain(
        name="disclosures",
        models="dataward.disclosures.models",
        commands=(
            Command(
                "disclosures",
                ("dataward.disclosures.commands",),
                "Disclosures to third parties: open, approve or refuse, release, list.",
            ),
        ),
        api="dataward.disclosures.api",
        pages="dataward.disclosures.pages",
        nav=(NavLink("Disclosures", "/console/disclosures", "oversight.read"),),
    ),
    Domain(
        name="breaches",
        models="dataward.breaches.models",
        jobs="dataward.breaches.jobs",
        commands=(
            Command(
                "breaches",
                # people_commands adds its commands to the group commands.py defines.
                ("dataward.breaches.commands", "dataward.breaches.people_commands"),
                "The breach register: facts, the 72-hour clock, decisions and the ICO report.",
            ),
        ),
        api="dataward.breaches.api",
        pages="dataward.breaches.pages",
        nav=(NavLink("Breaches", "/console/breaches", "oversight.read"),),
        panels=("dataward.breaches.pages:dashboard_panel",),
    ),
    Domain(
        name="complaints",
        models="dataward.complaints.models",
        jobs="dataward.complaints.jobs",
        commands=(
            Command(
                "complaints",
                ("dataward.complaints.commands",),
                "Complaints to the business about its use of personal data.",
            ),
        ),
        api="dataward.complaints.api",
        pages=("dataward.complaints.pages", "dataward.complaints.public_pages"),
        nav=(NavLink("Complaints", "/console/complaints", "oversight.read"),),
    ),
    Domain(
        name="access",
        models="dataward.access.models",
        jobs="dataward.access.jobs",
        commands=(
            Command(
                "access",
                ("dataward.access.commands",),
                "Privileged access: remote sessions, backup reads, listens, CCTV views.",
            ),
        ),
        api="dataward.access.api",
        pages="dataward.access.pages",
        nav=(
            NavLink("Access", "/console/access", "access.read"),
            NavLink("Records", "/console/records", "personal_data.read"),
        ),
        panels=("dataward.access.pages:dashboard_panel",),
        evidence=("dataward.access.service:register_evidence",),
    ),
    Domain(
        name="cards",
        jobs="dataward.cards.jobs",
        commands=(
            Command(
                "scan",
                ("dataward.cards.commands",),
                "Scan the systems' free text for card numbers and bank details.",
            ),
        ),
    ),
    Domain(
        name="examples",
        commands=(
            Command(
                "demo",
                ("dataward.examples.demo",),
                "Build an example business's systems and run Dataward on them, step by step.",
            ),
            Command(
                "examples",
                ("dataward.examples.commands",),
                "Five fictional example businesses: their data maps and sample systems.",
            ),
        ),
    ),
)


def commands() -> tuple[Command, ...]:
    return tuple(command for domain in DOMAINS for command in domain.commands)


def page_modules(domain: Domain) -> tuple[str, ...]:
    if domain.pages is None:
        return ()
    return (domain.pages,) if isinstance(domain.pages, str) else domain.pages


def nav_links() -> tuple[NavLink, ...]:
    return tuple(link for domain in DOMAINS for link in domain.nav)


def panel_names() -> tuple[str, ...]:
    return tuple(name for domain in DOMAINS for name in domain.panels)


def metadata() -> MetaData:
    """Base.metadata with every table of every domain (Alembic, migrate_check, tests)."""
    from dataward.core.db import Base

    for name in (*CORE_MODELS, *(d.models for d in DOMAINS if d.models)):
        importlib.import_module(name)
    return Base.metadata


def job_handlers() -> Mapping[str, Handler]:
    """Job kind → the function that runs it, from every domain's jobs module."""
    handlers: dict[str, Handler] = {}
    for domain in DOMAINS:
        if domain.jobs:
            handlers.update(importlib.import_module(domain.jobs).HANDLERS)
    return handlers


def csrf_free_paths() -> tuple[str, ...]:
    return tuple(prefix for domain in DOMAINS for prefix in domain.csrf_free)


def evidence_checks() -> tuple[str, ...]:
    """The domains' checks of their own records against the audit log."""
    return tuple(check for domain in DOMAINS for check in domain.evidence)


def job_schedules() -> tuple[Schedule, ...]:
    """The daily jobs the domains ask for (enqueued by `serve` and `worker`)."""
    schedules: list[Schedule] = []
    for domain in DOMAINS:
        if domain.jobs:
            schedules.extend(getattr(importlib.import_module(domain.jobs), "SCHEDULES", ()))
    return tuple(schedules)
