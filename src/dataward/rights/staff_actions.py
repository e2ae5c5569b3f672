"""Staff actions on a request as the web runs them (JSON API and console forms alike).

The CLI's commands take the policy, the keys and the systems' variables from the shell; a web
request takes them from the running service (DATAWARD_POLICY through policy.web, the master
key, DATAWARD_SYSTEMS_ENV_FILE). Each function runs inside the caller's transaction, except `run`,
which commits after each step on a system, as every run of a request does.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.registry import environ_for_jobs
from dataward.core.clock import today
from dataward.core.crypto import Keyring
from dataward.core.errors import DatawardError, NotFound, UsageError
from dataward.core.runtime import Runtime
from dataward.policy.service import LoadedPolicy
from dataward.policy.web import SERVED_POLICIES
from dataward.rights import casework, service
from dataward.rights.context import ExecutionContext, require_configured
from dataward.rights.crosscheck import review_records
from dataward.rights.execution import complete_manual_task, run_request
from dataward.rights.identities import label, parse_label
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.packages import PACKAGED, open_package, package_path
from dataward.rights.rectification import check_categories, normalise_change
from dataward.rights.schemas import (
    EMAIL,
    PHONE_NUMBER,
    CodeSentOut,
    LetterOut,
    OpenRequestIn,
    RequesterIdentities,
    ReviewIn,
    ReviewItemOut,
    ReviewOut,
    RunOut,
    VerifyIn,
    VerifyOut,
)


def _environ(runtime: Runtime) -> dict[str, str]:
    return dict(environ_for_jobs(runtime.settings.systems_env_file))


def open_request(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    actor: str,
    asked: OpenRequestIn,
) -> RightsRequest:
    """`rights open` under the service's policy: record a request as received; its clock
    starts on the day of receipt."""
    details: dict[str, Any] = {}
    if asked.changes:
        if asked.kind is not RequestKind.RECTIFICATION:
            raise UsageError(
                "changes are for rectification requests", fix='"kind": "rectification"'
            )
        check_categories(loaded.policy, asked.changes)
        details["changes"] = {k: normalise_change(k, v) for k, v in asked.changes.items()}
    if asked.note:
        details["note"] = asked.note
    require_configured(loaded, environ=_environ(runtime))
    if asked.received_on is not None and asked.received_on > today(runtime.clock):
        raise UsageError(f"a request cannot be received in the future ({asked.received_on})")
    return service.open_request(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        actor=actor,
        kind=asked.kind,
        identities=RequesterIdentities(email=asked.email, phone=asked.phone, extra=asked.refs),
        policy=loaded,
        received_on=asked.received_on,
        purposes=asked.purposes,
        details=details,
        name=asked.name,
    )


def _policy_of(request: RightsRequest) -> LoadedPolicy:
    """The policy the request was opened under, kept loaded between requests."""
    return SERVED_POLICIES.get(Path(request.policy_path))


def _organisation_of(request: RightsRequest) -> str | None:
    try:
        return _policy_of(request).policy.organisation.name
    except DatawardError:
        return None


def send_code(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    by: str | None,
) -> CodeSentOut:
    row = service.send_code(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        settings=runtime.settings,
        request=request,
        actor=actor,
        organisation=_organisation_of(request),
        by=by,
    )
    return CodeSentOut(
        reference=request.reference,
        code_sent=True,
        sent_to=label(row.identity),
        expires_at=row.expires_at,
    )


def verify(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    proof: VerifyIn,
) -> VerifyOut:
    """A code or staff evidence; a wrong code is answered, not raised, so the attempt counts."""
    if (proof.code is None) == (proof.evidence is None):
        raise UsageError("give either a code or evidence", fix="one of them, not both")
    if proof.code is not None and proof.identity_on is not None:
        raise UsageError("identity_on goes with evidence: a code proves identity today")
    if proof.by_call_back and proof.evidence is None:
        raise UsageError("a call-back is recorded with what was checked", fix="add evidence")
    which = parse_label(proof.identity) if proof.identity else None
    if proof.by_call_back and which is None:
        which = PHONE_NUMBER
    # Verifying queues the run: a system that cannot be configured fails it for certain.
    require_configured(_policy_of(request), environ=_environ(runtime))
    keyring.attach(session)
    problem: str | None = None
    if proof.code is not None:
        check = service.verify_with_code(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            request=request,
            code=proof.code,
            actor=actor,
            identity=which,
        )
        problem = None if check.ok else check.explain(request.reference)
    else:
        service.verify_with_evidence(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            request=request,
            actor=actor,
            evidence=proof.evidence or "",
            identity_on=proof.identity_on,
            identity=which or EMAIL,
            call_back=proof.by_call_back,
        )
    return VerifyOut(
        reference=request.reference,
        verified=problem is None,
        problem=problem,
        start_on=request.start_on,
        due_on=request.effective_due_on,
        not_verified=[label(r.identity) for r in request.identities if not r.verified],
    )


def review(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    decided: ReviewIn,
) -> ReviewOut:
    requeued = review_records(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        request=request,
        actor=actor,
        include=decided.include,
        exclude=decided.exclude,
        note=decided.note,
    )
    return ReviewOut(
        reference=request.reference,
        items=[ReviewItemOut.model_validate(i) for i in request.review_items],
        requeued=requeued,
    )


def run(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    confirm_system: str | None = None,
) -> RunOut:
    """Run (or resume) a verified request now on every system not yet done; with
    `confirm_system`, first mark that system's manual task done."""
    loaded = _policy_of(request)
    if confirm_system is not None:
        complete_manual_task(
            session=session,
            clock=runtime.clock,
            request=request,
            system=confirm_system,
            actor=actor,
        )
    # The work so far is evidence before any system is touched, as in the direct commands.
    session.commit()
    ctx = ExecutionContext(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        home=runtime.settings.home,
        actor=actor,
        loaded=loaded,
        environ=_environ(runtime),
        commit=session.commit,
    )
    outcome = run_request(ctx=ctx, request=request)
    return _ran(
        request,
        runtime,
        failed=outcome.failed,
        waiting=outcome.waiting,
        manual=outcome.manual,
        review=outcome.review,
    )


def _ran(
    request: RightsRequest,
    runtime: Runtime,
    *,
    failed: dict[str, str],
    waiting: dict[str, str],
    manual: list[str],
    review: dict[str, str],
) -> RunOut:
    state = RequestState(request.state)
    return RunOut(
        reference=request.reference,
        state=state,
        finished=state in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED),
        failed=dict(failed),
        waiting=dict(waiting),
        manual=list(manual),
        set_aside=dict(review),
        package_stored=package_path(runtime.settings.home, request.reference).exists(),
    )


def package(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    why: str,
) -> bytes:
    """The stored access or portability package, unsealed; staff opening it is audited."""
    if request.kind not in PACKAGED:
        raise NotFound(f"{request.reference} is a {request.kind.value} request: it has no package")
    keyring.attach(session)
    content = open_package(
        session=session,
        keyring=keyring,
        person=service.request_person(session=session, request=request),
        home=runtime.settings.home,
        reference=request.reference,
    )
    casework.record_personal_data_access(
        session=session,
        clock=runtime.clock,
        request=request,
        actor=actor,
        what="package",
        why=why,
    )
    return content


def letter(
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    request: RightsRequest,
    actor: str,
    why: str,
) -> LetterOut:
    """What the person is sent: the refusal notice, or the Art 15 letter in the package."""
    keyring.attach(session)
    if request.state == RequestState.REFUSED:
        notice = service.refusal_notice(request, keyring=keyring)
        casework.record_personal_data_access(
            session=session,
            clock=runtime.clock,
            request=request,
            actor=actor,
            what="refusal letter",
            why=why,
        )
        return LetterOut(
            reference=request.reference, letter="refusal", media_type="text/plain", body=notice
        )
    if request.kind != RequestKind.ACCESS:
        raise NotFound(
            f"{request.reference} has no letter yet",
            fix="a letter is written when an access request has run, or when a request is refused",
        )
    content = package(
        session=session, runtime=runtime, keyring=keyring, request=request, actor=actor, why=why
    )
    with zipfile.ZipFile(BytesIO(content)) as archive:
        if "letter.html" not in archive.namelist():
            raise NotFound(f"the package of {request.reference} holds no letter")
        body = archive.read("letter.html").decode("utf-8")
    return LetterOut(
        reference=request.reference, letter="access", media_type="text/html", body=body
    )
