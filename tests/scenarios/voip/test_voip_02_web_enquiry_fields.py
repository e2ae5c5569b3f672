"""voip-02: a web enquiry holds name, organisation, phone/email, address and postcode, the
enquiry text, and the campaign that led to it (last click): no more, no less.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, not_flagged, not_returned, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example

PROMISED = {
    "user.name": "name",
    "user.contact.organization": "organisation",
    "user.contact.phone_number": "phone",
    "user.contact.email": "email",
    "user.contact.address.street": "address",
    "user.contact.address.postal_code": "postcode",
    "user.content.enquiry": "message",
    "user.behavior.campaign_attribution": "campaign",
}
# Added by us, not asked on the form: the customer number once an enquirer buys.
ADDED_BY_US = {"user.unique_id": "customer_number"}


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("voip"), people=80)


def test_voip_02_the_web_enquiry_activity_names_exactly_the_promised_data(
    voip: GeneratedExample,
) -> None:
    (activity,) = [a for a in voip.policy.activities if a.name == "Web enquiries"]
    assert set(activity.categories) == set(PROMISED) | set(ADDED_BY_US)
    assert activity.subjects == ["enquirer"]
    assert activity.source == "the enquiry form on our website"
    website = voip.system("website")
    assert website.dataset is not None
    enquiries = next(c for c in website.dataset.collections if c.name == "enquiries")
    personal = {
        f.name: f.categories
        for f in enquiries.fields
        if not all(c.startswith("system.") for c in f.categories)
    }
    assert personal == {field: [category] for category, field in (PROMISED | ADDED_BY_US).items()}


def test_voip_02_generated_enquiries_carry_every_promised_item(tmp_path: Path) -> None:
    voip = Deployed("voip", tmp_path, people=20)
    people = known_people("voip")
    emails = [person.email for person in people.values()]
    items = {
        field: ("website", "enquiries", field, category) for category, field in PROMISED.items()
    }
    # The enquirers' access requests return every promised item from the website's enquiries...
    assert not_returned(voip, emails, items) == []
    # ...as the form stored them.
    aisha = people["aisha"]  # enquired 11 months ago
    (returned,) = voip.returned(aisha.email, "website", "enquiries")
    (stored,) = [r for r in voip.rows("website", "enquiries") if r["email"] == aisha.email]
    for field in PROMISED.values():
        assert value_of(returned, field) == stored[field], field
    # A map that loses one of them is flagged by `dataward check`.
    assert not_flagged(voip, items) == []
