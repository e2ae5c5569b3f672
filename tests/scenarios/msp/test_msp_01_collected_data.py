"""msp-01: what Northgate collects is in its data map and in its systems, category by category:
contact and company details and role; records of calls, emails, enquiries, feedback, questions
and problem reports; website usage (referrer, device ID, IP, OS, adverts clicked, downloads);
marketing-email opens and clicks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, not_flagged, not_returned, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example

# Each thing the notice says is collected: (system, collection, field, category).
COLLECTED = {
    "contact name": ("crm", "contacts", "last_name", "user.name.last"),
    "contact email": ("crm", "contacts", "email", "user.contact.email"),
    "contact phone": ("crm", "contacts", "phone", "user.contact.phone_number"),
    "company": ("crm", "companies", "name", "user.contact.organization"),
    "role": ("crm", "contacts", "role", "user.job_title"),
    "calls, emails, enquiries, questions": (
        "crm",
        "interactions",
        "summary",
        "user.content.enquiry",
    ),
    "feedback": ("crm", "feedback", "comment", "user.content.feedback"),
    "problem reports": ("ticketing", "tickets", "description", "user.content.support_ticket"),
    "referrer": ("website", "visits", "referrer", "user.behavior.campaign_attribution"),
    "device ID": ("website", "visits", "device_id", "user.device.cookie_id"),
    "IP address": ("website", "visits", "ip_address", "user.device.ip_address"),
    "operating system": (
        "website",
        "visits",
        "operating_system",
        "user.device.operating_system",
    ),
    "adverts clicked": (
        "website",
        "visits",
        "advert_clicked",
        "user.behavior.campaign_attribution",
    ),
    "downloads": ("website", "visits", "downloads", "user.behavior.website_usage"),
    "email opens and clicks": (
        "mailer",
        "email_events",
        "event",
        "user.behavior.marketing_engagement",
    ),
}


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("msp", tmp_path_factory.mktemp("msp"), people=80)


def test_msp_01_every_collected_item_is_a_declared_field_used_by_an_activity(
    msp: GeneratedExample,
) -> None:
    policy = msp.policy
    for item, (system_name, collection_name, field_name, category) in COLLECTED.items():
        system = msp.system(system_name)
        assert system.dataset is not None
        collection = next(c for c in system.dataset.collections if c.name == collection_name)
        field = collection.field(field_name)
        assert field is not None, item
        assert category in field.categories, item
        users = [a for a in policy.activities_for_system(system_name) if category in a.categories]
        # A field's own category may be finer than the activity's (user.name.last under user.name).
        users = users or [
            a
            for a in policy.activities_for_system(system_name)
            if any(category.startswith(f"{c}.") for c in a.categories)
        ]
        assert users, f"no activity says it uses the {item}"


def test_msp_01_the_generated_systems_actually_hold_each_item(tmp_path: Path) -> None:
    msp = Deployed("msp", tmp_path, people=20)
    emails = [person.email for person in known_people("msp").values()]
    # None of the known people downloaded anything: add a visitor who did.
    emails.append(
        next(
            row["visitor_email"]
            for row in msp.rows("website", "visits")
            if row["downloads"] and row["visitor_email"]
        )
    )
    # The companies table is the client's own record, not the contact's (its erasure
    # exemption says so), so a contact's access request returns their company details from
    # the records about them: the helpdesk's requester record names the company.
    asked = COLLECTED | {
        "company": ("ticketing", "requesters", "company_name", "user.contact.organization")
    }
    # The people's access requests, answered from the systems, return every item...
    assert not_returned(msp, emails, asked) == []
    # ...with the values the systems hold (the kinds of record the notice names included).
    contacts = {row["email"] for row in msp.rows("crm", "contacts")}
    assert set(emails) & contacts
    kinds = {
        value_of(record, "kind")
        for email in emails
        for record in msp.returned(email, "crm", "interactions")
    }
    assert kinds <= {row["kind"] for row in msp.rows("crm", "interactions")} and kinds
    # A map that loses the field holding an item is flagged by `dataward check`.
    assert not_flagged(msp, COLLECTED) == []


def test_msp_01_the_notice_lists_every_category_collected(msp: GeneratedExample) -> None:
    from dataward.notice.build import build_notice

    notice = build_notice(msp.loaded)
    told = {c.key for p in notice.purposes for c in p.categories}
    for item, (_, _, _, category) in COLLECTED.items():
        assert category in told or any(category.startswith(f"{k}.") for k in told), item
