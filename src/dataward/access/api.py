"""JSON routes: the access-events webhook, the report, findings, and a person's records."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from dataward.access import records, report, service
from dataward.access.schemas import MAX_BATCH, AccessBatchIn, AccessBatchOut, AccessEventOut
from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.errors import DatawardError, Forbidden, UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, error_response
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["access"])

# A full batch of events is well under this; a body past it is refused as it arrives, before
# it is held in memory or parsed.
MAX_BODY = 2 * 1024 * 1024


class PayloadTooLarge(DatawardError):
    status_code = 413


async def _limited_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(
            f"the body is larger than {MAX_BODY // (1024 * 1024)} MB",
            fix=f"send at most {MAX_BATCH} events a request, in several requests",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(
                f"the body is larger than {MAX_BODY // (1024 * 1024)} MB",
                fix=f"send at most {MAX_BATCH} events a request, in several requests",
            )
        chunks.append(chunk)
    return b"".join(chunks)


Body = Annotated[bytes, Depends(_limited_body)]
_BATCH_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": AccessBatchIn.model_json_schema()}},
    }
}


def _batch(body: bytes) -> AccessBatchIn:
    try:
        return AccessBatchIn.model_validate_json(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise UsageError(
            f"the events are not valid: {problems}",
            fix='send {"events": [{"event_id": ..., "started_at": ...}, ...]}',
        ) from exc


@router.post("/access-events", response_model=AccessBatchOut, openapi_extra=_BATCH_SCHEMA)
def receive_events(
    body: Body,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.ACCESS_INGEST),
) -> AccessBatchOut:
    """Record a source's access events; an event id sent before returns the first event."""
    if principal.kind != "token":
        raise Forbidden(
            "access events are sent by a source's API token, not a console session",
            fix="create one with `dataward tokens create --name NAME --role source`",
        )
    batch = _batch(body)
    done = service.ingest(
        session=session,
        clock=runtime.clock,
        keyring=keyring,
        policy=loaded.policy,
        source=principal.name,
        events=batch.events,
        actor=principal.actor,
    )
    return AccessBatchOut(
        events=[_out(item) for item in done],
        new=sum(not item.repeated for item in done),
        repeated=sum(item.repeated for item in done),
    )


def _out(item: service.Ingested) -> AccessEventOut:
    e = item.event
    return AccessEventOut(
        id=e.id,
        source=e.source,
        event_id=e.source_event_id,
        kind=e.kind,
        client=e.client,
        device=e.device,
        started_at=e.started_at,
        ended_at=e.ended_at,
        attended=e.attended,
        warning_shown=e.warning_shown,
        reason=e.reason,
        incident=e.incident,
        role=e.role,
        findings=item.findings,
        repeated=item.repeated,
    )


@router.get("/access-events/report")
def access_report(
    session: DbSession,
    keyring: KeyringDep,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    client: Annotated[str | None, Query(max_length=200)] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
    principal: Principal = api_access(Permission.ACCESS_READ),
) -> dict[str, Any]:
    """Who connected to which device and when, with the findings, for a client or device."""
    rows = report.report_rows(
        session=session,
        keyring=keyring,
        period=report.Period(start, end),
        client=client,
        device=device,
    )
    named = principal.can(Permission.PERSONAL_DATA_READ)
    return {"events": [report.for_reader(row, names=named) for row in rows]}


@router.get("/access-findings")
def open_findings(
    session: DbSession,
    principal: Principal = api_access(Permission.ACCESS_READ),
) -> dict[str, Any]:
    """The findings not yet closed, newest first."""
    return {
        "findings": [
            {
                "id": f.id,
                "rule": f.rule,
                "message": f.message,
                "raised_at": f.raised_at,
                "source": e.source,
                "event_id": e.source_event_id,
                "client": e.client,
                "device": e.device,
                "started_at": e.started_at,
            }
            for f, e in service.open_findings(session=session)
        ]
    }


@router.get("/records", response_model=None)
def person_records(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    system: Annotated[str, Query(max_length=200)],
    collection: Annotated[str, Query(max_length=200)],
    email: Annotated[str, Query(max_length=320)] = "",
    phone: Annotated[str, Query(max_length=40)] = "",
    reason: Annotated[str | None, Query(max_length=2000)] = None,
    principal: Principal = api_access(Permission.PERSONAL_DATA_READ),
) -> Response | dict[str, Any]:
    """A person's records in one collection, by `email` or `phone` (one of them); a restricted
    collection needs a named role and a reason.

    The view (or the refusal) is recorded before anything is read."""
    who = records.Lookup.of(email=email, phone=phone)
    decision = records.record_view(
        session=session,
        clock=runtime.clock,
        keyring=keyring,
        loaded=loaded,
        actor=principal.actor,
        actor_name=principal.name,
        job_roles=principal.job_roles,
        who=who,
        system=system,
        collection=collection,
        reason=reason,
    )
    if not decision.allowed:
        # Answered, not raised: the refusal just recorded must commit with the request.
        refused = Forbidden(decision.refusal, fix="ask for the job role, or ask someone who has it")
        return error_response(request, refused)
    found = records.read_records(
        loaded=loaded,
        environ=records.configured_environ(runtime.settings),
        who=who,
        system=system,
        collection=collection,
    )
    return {
        "system": system,
        "collection": collection,
        "restricted": decision.restricted,
        "records": [records.shown(r) for r in found],
    }
