"""The letters a complainant receives: acknowledgement, updates, outcome, sent by email."""

from __future__ import annotations

from functools import lru_cache

import jinja2
from sqlalchemy.orm import Session

from dataward.complaints.models import Complaint
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.mail import new_message, send_mail
from dataward.people import service as people
from dataward.policy.schema import Policy

SUBJECTS = {
    "acknowledgement": "We have received your complaint",
    "update": "An update on your complaint",
    "outcome": "The outcome of your complaint",
}


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    # Plain text letters: nothing here is HTML, and StrictUndefined catches a missing value.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dataward.complaints", "templates"),
        autoescape=False,  # plain-text email, never rendered as HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def letter_text(
    kind: str, *, complaint: Complaint, policy: Policy, name: str | None, text: str | None = None
) -> str:
    org = policy.organisation
    return (
        _templates()
        .get_template(f"complaints/{kind}.txt")
        .render(
            name=name,
            reference=complaint.id,
            received_on=complaint.received_on,
            text=text or "",
            organisation=org.name,
            contact=org.privacy_contact,
        )
    )


def send_letter(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    policy: Policy,
    complaint: Complaint,
    kind: str,
    text: str | None = None,
) -> bool:
    """Email the letter to the complainant; False when they gave no email address."""
    person = people.get_person(session=session, pseudonym=complaint.person_pseudonym)
    details = people.reveal(session=session, keyring=keyring, person=person)
    if details.email is None:
        return False
    message = new_message(
        settings,
        to=details.email,
        subject=f"{SUBJECTS[kind]} (complaint {complaint.id})",
        now=clock.now(),
    )
    message.set_content(
        letter_text(kind, complaint=complaint, policy=policy, name=details.name, text=text)
    )
    send_mail(settings, message)
    return True
