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
class Domain:
    name: str
    models: str | None = None  # its tables, for Alembic and tests
    jobs: str | None = None  # a module with HANDLERS (and maybe SCHEDULES)
    commands: tuple[Command, ...] = ()
    api: str | None = None  # a module with `router` (JSON)
    pages: str | None = None  # a module with `router` (HTML)
    # "module:function"s that check the domain's register against the audit log (`audit verify`)
    registers: tuple[str, ...] = ()


# The ground floor's own tables: the job queue and the index key.
CORE_MODELS = ("dataward.core.jobs", "dataward.core.crypto")

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
    Domain(name="consent", models="dataward.consent.models"),
    Domain(
        name="connectors",
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
    ),
    Domain(
        name="retention",
        models="dataward.retention.models",
        jobs="dataward.retention.jobs",
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
        registers=("dataward.access.service:verify_register",),
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


def register_checks() -> tuple[str, ...]:
    """What `dataward audit verify` also checks: each register that keeps its rows' digests."""
    return tuple(check for domain in DOMAINS for check in domain.registers)


def job_schedules() -> tuple[Schedule, ...]:
    """The daily jobs the domains ask for (enqueued by `serve` and `worker`)."""
    schedules: list[Schedule] = []
    for domain in DOMAINS:
        if domain.jobs:
            schedules.extend(getattr(importlib.import_module(domain.jobs), "SCHEDULES", ()))
    return tuple(schedules)
