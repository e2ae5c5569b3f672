"""How requests read on a terminal: one line per request, and the detail of one."""

from __future__ import annotations

from collections import Counter

from dataward.core.console import out
from dataward.rights.models import RequestState
from dataward.rights.schemas import RequestDetail, RequestSummary


def time_left(summary: RequestSummary) -> str:
    if summary.state in (RequestState.COMPLETED, RequestState.REFUSED, RequestState.WITHDRAWN):
        return "closed"
    if summary.days_left < 0:
        late = -summary.days_left
        return f"overdue by {late} day{'s' if late != 1 else ''}"
    if summary.days_left == 0:
        return "due today"
    return f"{summary.days_left} day{'s' if summary.days_left != 1 else ''} left"


def summary_line(summary: RequestSummary) -> str:
    flags = "".join(
        f" [{flag}]"
        for flag, on in (("extended", summary.extended), ("clock stopped", summary.clock_stopped))
        if on
    )
    return (
        f"{summary.reference}  {summary.kind.value:<13} {summary.state.value:<21} "
        f"due {summary.due_on} ({time_left(summary)}){flags}  {summary.person}"
    )


def print_detail(detail: RequestDetail) -> None:
    def show(label: str, value: object) -> None:
        if value is not None and value != [] and value != "":
            out.print(f"  {label + ':':<16}{value}", markup=False)

    out.print(summary_line(detail), markup=False)
    show("received", detail.received_on)
    show("clock starts", detail.start_on)
    show("due", detail.original_due_on)
    if detail.extended_due_on is not None:
        told = detail.extension_told_at.date() if detail.extension_told_at else None
        show("extended to", f"{detail.extended_due_on} (told {told}: {detail.extension_reason})")
    show("paused days", detail.paused_days or None)
    for held in detail.pauses:
        show("clarification", f"asked {held.asked_on}, answered {held.answered_on or '(awaited)'}")
    show("purposes", ", ".join(detail.purposes))
    if detail.verified_at is not None and detail.verification_method is not None:
        show(
            "verified",
            f"{detail.verified_at:%Y-%m-%d %H:%M} UTC by {detail.verified_by}"
            f" ({detail.verification_method.value}: {detail.verification_evidence})",
        )
    for identity in detail.identities:
        if identity.verified:
            method = identity.method.value if identity.method else "unknown"
            show(
                "identity",
                f"{identity.identity}: verified by {identity.verified_by} ({method}:"
                f" {identity.evidence})",
            )
        else:
            show("identity", f"{identity.identity}: not searched: {identity.dropped_because}")
    for item in detail.review:
        state = item.decision.value if item.decision else "needs review"
        show("set aside", f"#{item.id} {item.system}.{item.collection} ({state}): {item.reason}")
    show("refused", detail.refused_reason)
    show("policy", f"{detail.policy_path} (sha256 {detail.policy_digest[:12]})")
    for task in detail.tasks:
        line = f"{task.system}: {task.state.value} ({task.mode.value}, {task.attempts} tries)"
        if task.last_error:
            line += f": {task.last_error}"
        show("system", line)
    counts = Counter((i.system, i.collection, i.outcome.value, i.ground) for i in detail.items)
    for (system, collection, outcome, ground), n in sorted(counts.items(), key=str):
        show(
            "records", f"{system}.{collection}: {n} {outcome}" + (f" ({ground})" if ground else "")
        )
