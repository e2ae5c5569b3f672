"""What a direct rights command reports when it has run a request: per system, what was
kept and why, whom to tell, and where the package went; in words or as JSON."""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dataward.core.console import out
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy
from dataward.rights.context import Outcome
from dataward.rights.erasure import sla_due_on
from dataward.rights.models import ItemOutcome, RequestKind, RightsRequest, TaskMode, TaskState
from dataward.rights.steps import item_reason


def _kept(request: RightsRequest, keyring: Keyring) -> list[dict[str, Any]]:
    groups: Counter[tuple[str, str, str, str, str, date | None]] = Counter()
    for item in request.items:
        if item.outcome in (ItemOutcome.KEPT, ItemOutcome.HELD):
            groups[
                (
                    item.system,
                    item.collection,
                    item.outcome.value,
                    item.ground or "",
                    item_reason(item, keyring=keyring),
                    item.until_on,
                )
            ] += 1
    return [
        {
            "system": s,
            "collection": c,
            "outcome": o,
            "ground": g,
            "reason": r,
            "until_on": u.isoformat() if u else None,
            "records": n,
        }
        for (s, c, o, g, r, u), n in sorted(groups.items(), key=lambda kv: kv[0][:3])
    ]


def run_report(
    outcome: Outcome,
    written: Path | None,
    stored: Path | None,
    loaded: LoadedPolicy,
    keyring: Keyring,
) -> dict[str, Any]:
    request = outcome.request
    found = outcome.found
    sla = None
    if request.kind == RequestKind.ERASURE:
        sla = sla_due_on(loaded.policy, request.start_on, [t.system for t in request.tasks])
    return {
        "reference": request.reference,
        "kind": request.kind.value,
        "state": request.state.value,
        "finished": outcome.finished,
        "stopped": outcome.stopped,
        "records_found": len(found.records) if found else None,
        "searched": [f"{s}.{c}" for s, c in found.searched] if found else [],
        "rows_scanned": found.rows_scanned if found else None,
        "tasks": [
            {
                "system": t.system,
                "mode": t.mode.value,
                "state": t.state.value,
                "attempts": t.attempts,
                "last_error": t.last_error,
                "summary": t.summary,
            }
            for t in request.tasks
        ],
        "kept": _kept(request, keyring),
        "forget_held": outcome.forget_held,
        "identities_not_searched": outcome.dropped,
        "needs_review": [
            {"id": i.id, "system": i.system, "collection": i.collection, "reason": i.reason}
            for i in request.review_items
            if i.decision is None
        ],
        "recipients_to_tell": outcome.notify,
        # A request stopped on work done by hand says how to carry on once it is done.
        "next": [
            f"dataward rights task-done {request.reference} --system {shlex.quote(t.system)}"
            for t in request.tasks
            if t.mode == TaskMode.MANUAL and t.state != TaskState.DONE
        ],
        "package": str(written) if written else None,
        "stored_package": str(stored) if stored else None,
        "due_on": request.effective_due_on.isoformat(),
        "sla_due_on": sla.isoformat() if sla else None,
    }


def print_run_report(report: Mapping[str, Any]) -> None:
    state = report["state"]
    if report["stopped"]:
        state = f"{state} (stopped: the request was {report['stopped']})"
    out.print(f"{report['reference']} {report['kind']}: {state}", markup=False)
    for task in report["tasks"]:
        summary = ", ".join(
            f"{k} {v}" for k, v in task["summary"].items() if not isinstance(v, dict)
        )
        line = f"  {task['system']:<20} {task['mode']:<9} {task['state']:<8} {summary}"
        if task["last_error"]:
            line += f"\n    {task['last_error']}"
        out.print(line.rstrip(), markup=False)
    for kept in report["kept"]:
        until = f"until {kept['until_on']}" if kept["until_on"] else "while the ground lasts"
        out.print(
            f"  kept {kept['records']} in {kept['system']}.{kept['collection']}: "
            f"{kept['ground']}: {kept['reason']} ({until})",
            markup=False,
        )
    if report.get("forget_held"):
        out.print(
            f"  the person is under a legal hold ({report['forget_held']}): their records and "
            "Dataward's own copy of them are kept until it is released",
            markup=False,
        )
    for dropped in report["identities_not_searched"]:
        out.print(f"  not searched by {dropped}", markup=False)
    for item in report["needs_review"]:
        out.print(
            f"  needs review #{item['id']} {item['system']}.{item['collection']}: {item['reason']}",
            markup=False,
        )
    if report["recipients_to_tell"]:
        names = ", ".join(report["recipients_to_tell"])
        out.print(f"tell these recipients (Art 19): {names}", markup=False)
    if report["sla_due_on"]:
        out.print(f"promised by {report['sla_due_on']} (the policy's erasure SLA)", markup=False)
    if report["package"]:
        out.print(f"package written to {report['package']}", markup=False)
        if report.get("package_password"):
            print_password(report["package_password"])
    elif report["stored_package"]:
        out.print(f"package sealed at {report['stored_package']}", markup=False)
    for command in report["next"]:
        out.print(f"then run: {command}", markup=False)


def print_password(password: str) -> None:
    out.print(
        f"the package is encrypted (AES-256); its password is {password}\n"
        "give it to the person another way than the package (read it out on a call-back), "
        "and keep no copy: Dataward does not store it",
        markup=False,
    )
