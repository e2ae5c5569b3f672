"""The privacy centre's services against the msp example's real systems and a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.rights import service
from dataward.rights.models import DownloadLink, RequestKind, RequestState
from dataward.rights.public import details, links, requests
from dataward.rights.public.requests import RequestForm
from dataward.rights.public.site import site

from .centre import Centre


def _open(centre: Centre, kind: RequestKind, email: str, **form: str) -> str:
    with centre.runtime.transaction() as session:
        request = requests.open_public_request(
            session=session,
            keyring=centre.keyring(),
            clock=centre.clock,
            settings=centre.settings,
            site=site(centre.runtime),
            kind=kind,
            form=RequestForm(email=email, **form),
        )
        return request.reference


def _prove(centre: Centre, reference: str, code: str) -> bool:
    with centre.runtime.transaction() as session:
        found = requests.prove_code(
            session=session,
            keyring=centre.keyring(),
            clock=centre.clock,
            settings=centre.settings,
            site=site(centre.runtime),
            reference=reference,
            code=code,
        )
        return found is not None


def _ask_status(centre: Centre, reference: str, email: str) -> None:
    with centre.runtime.transaction() as session:
        requests.send_status_code(
            session=session,
            keyring=centre.keyring(),
            clock=centre.clock,
            settings=centre.settings,
            site=site(centre.runtime),
            reference=reference,
            email=email,
        )


def test_a_request_opened_on_the_centre_is_verified_by_the_code_mailed_to_the_person(
    centre: Centre,
) -> None:
    email = centre.person("priya")
    reference = _open(centre, RequestKind.ACCESS, email)
    assert not _prove(centre, reference, "000000") or True  # a wrong guess is only counted
    assert _prove(centre, reference, centre.last_code(email))
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        assert request.state == RequestState.IN_PROGRESS
        assert request.verification_method is not None


def test_the_code_of_one_request_proves_no_other(centre: Centre) -> None:
    first = _open(centre, RequestKind.ACCESS, centre.person("priya"))
    code = centre.last_code(centre.person("priya"))
    second = _open(centre, RequestKind.ACCESS, centre.person("tom"))
    assert not _prove(centre, second, code)
    assert _prove(centre, first, code)


def test_checking_a_request_later_mails_a_fresh_code_only_to_its_own_address(
    centre: Centre,
) -> None:
    priya, tom = centre.person("priya"), centre.person("tom")
    reference = _open(centre, RequestKind.ERASURE, priya)
    assert _prove(centre, reference, centre.last_code(priya))

    _ask_status(centre, reference, tom)  # someone else's address: told nothing matched
    (reply,) = centre.mail_to(tom)
    assert "no request with that reference" in reply.get_body().get_content()  # type: ignore[union-attr]

    _ask_status(centre, reference, priya)
    assert _prove(centre, reference, centre.last_code(priya))
    # Used once: the same code does not prove it again.
    assert not _prove(centre, reference, centre.last_code(priya))


def test_an_unknown_reference_is_refused_in_shape_before_any_lookup(centre: Centre) -> None:
    with pytest.raises(UsageError):
        _ask_status(centre, "DW-2026-1; DROP TABLE", centre.person("priya"))
    assert not _prove(centre, "DW-2099-999999", "123456")


def test_an_objection_names_a_purpose_the_notice_states(centre: Centre) -> None:
    with pytest.raises(UsageError, match="object to"):
        _open(centre, RequestKind.OBJECTION, centre.person("priya"), purpose="anything")
    reference = _open(
        centre,
        RequestKind.OBJECTION,
        centre.person("priya"),
        purpose="marketing.communications.email",
    )
    with centre.runtime.transaction() as session:
        assert service.get_request(session=session, reference=reference).purposes == [
            "marketing.communications.email"
        ]


def test_a_download_link_works_once_and_then_is_gone(centre: Centre) -> None:
    email = centre.person("priya")
    reference = _open(centre, RequestKind.ACCESS, email)
    home = centre.settings.home
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        with pytest.raises(Conflict):
            links.issue_link(
                session=session,
                keyring=centre.keyring(),
                clock=centre.clock,
                home=home,
                request=request,
                proved_at=centre.clock.now(),
            )
    _ready(centre, reference)
    keyring = centre.keyring()
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        proved_at = centre.clock.now()
        token = links.issue_link(
            session=session, keyring=keyring, clock=centre.clock, home=home, request=request,
            proved_at=proved_at,
        )  # fmt: skip
        # One link per proof: a second needs a fresh code.
        with pytest.raises(Conflict, match="fresh code"):
            links.issue_link(
                session=session, keyring=keyring, clock=centre.clock, home=home, request=request,
                proved_at=proved_at,
            )  # fmt: skip
        stored = session.scalars(select(DownloadLink.token_hash)).all()
        assert token not in stored  # only its digest is kept
    with centre.runtime.transaction() as session:
        download = links.redeem_link(
            session=session, keyring=keyring, clock=centre.clock, home=home, token=token
        )
        assert download.content.startswith(b"PK")
    with centre.runtime.transaction() as session, pytest.raises(links.LinkGone):
        links.redeem_link(
            session=session, keyring=keyring, clock=centre.clock, home=home, token=token
        )
    with centre.runtime.transaction() as session, pytest.raises(NotFound):
        links.redeem_link(
            session=session, keyring=keyring, clock=centre.clock, home=home, token=token + "x"
        )


def test_an_expired_download_link_fails(centre: Centre) -> None:
    email = centre.person("priya")
    reference = _open(centre, RequestKind.ACCESS, email)
    _ready(centre, reference)
    keyring = centre.keyring()
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        token = links.issue_link(
            session=session, keyring=keyring, clock=centre.clock, home=centre.settings.home,
            request=request, proved_at=centre.clock.now(),
        )  # fmt: skip
    clock = centre.clock
    assert isinstance(clock, FixedClock)
    later = FixedClock(clock.now() + links.LINK_LASTS + timedelta(seconds=1))
    with centre.runtime.transaction() as session, pytest.raises(links.LinkGone):
        links.redeem_link(
            session=session, keyring=keyring, clock=later, home=centre.settings.home, token=token
        )


def _ready(centre: Centre, reference: str) -> None:
    """The person proves the code, the worker runs the request and staff approve it."""
    from dataward import domains
    from dataward.core import jobs

    assert _prove(centre, reference, centre.last_code(_requester(centre, reference)))
    jobs.run_until_idle(centre.runtime, handlers=domains.job_handlers())
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        assert request.state == RequestState.AWAITING_REVIEW, request.state
        service.approve(session=session, clock=centre.clock, request=request, actor="cli:staff")


def _requester(centre: Centre, reference: str) -> str:
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        found = service.request_identities(
            session=session, keyring=centre.keyring(), request=request
        ).email
        assert found is not None
        return found


def test_my_details_shows_the_persons_own_records_grouped_with_correctable_boxes(
    centre: Centre,
) -> None:
    email = centre.person("priya")
    with centre.runtime.transaction() as session:
        shown = details.read_details(
            session=session,
            keyring=centre.keyring(),
            clock=centre.clock,
            settings=centre.settings,
            site=site(centre.runtime),
            email=email,
        )
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "rights.public.details_viewed")
        ).all()
    assert events
    editable = shown.correctable()
    assert {"crm.contacts.first_name", "crm.contacts.last_name"} <= set(editable)
    assert editable["crm.contacts.first_name"].value == "Priya"
    values = {d.value for g in shown.groups for d in g.details}
    assert email in values
    # Tom's records are not Priya's.
    assert centre.person("tom") not in values
