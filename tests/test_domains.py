"""The one list of domains: every module it names exists, and the top of the house reads it."""

from __future__ import annotations

import importlib

from dataward import domains
from dataward.audit.service import CHECKPOINT_JOB
from dataward.retention.jobs import SWEEP_JOB
from dataward.rights.verification import EXECUTE_JOB


def test_every_module_the_list_names_imports() -> None:
    for domain in domains.DOMAINS:
        named = [domain.models, domain.jobs, domain.api, *domains.page_modules(domain)]
        named += [panel.partition(":")[0] for panel in domain.panels]
        named += [m for command in domain.commands for m in command.modules]
        for module in filter(None, named):
            importlib.import_module(module)


def test_the_job_runner_gets_every_domains_handlers_from_the_list() -> None:
    handlers = domains.job_handlers()
    assert {CHECKPOINT_JOB, EXECUTE_JOB, SWEEP_JOB} <= set(handlers)
    assert SWEEP_JOB in [s.kind for s in domains.job_schedules()]
    assert {"access.daily", "cards.scan"} <= {s.kind for s in domains.job_schedules()}


def test_the_metadata_holds_every_domains_tables() -> None:
    tables = set(domains.metadata().tables)
    assert {"jobs", "notice_versions", "suppression_entries", "rights_requests"} <= tables


def test_command_names_are_unique() -> None:
    names = [command.name for command in domains.commands()]
    assert len(names) == len(set(names))
