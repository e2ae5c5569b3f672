"""voip-02: a web enquiry holds name, organisation, phone/email, address and postcode, the
enquiry text, and the campaign that led to it (last click): no more, no less.
"""

from __future__ import annotations

import pytest

from dataward.examples.contents import GeneratedExample, build_example, snapshot

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


def test_voip_02_generated_enquiries_carry_every_promised_item(voip: GeneratedExample) -> None:
    rows = snapshot(voip.system("website"), voip.environment)["enquiries"]
    assert len(rows) > 20
    for category, field in PROMISED.items():
        filled = [r for r in rows if r[field]]
        # Organisation and phone are optional on the form; the rest are required.
        share = 0.5 if field in ("organisation", "phone") else 1.0
        assert len(filled) >= share * len(rows), (category, field)
    campaigns = {r["campaign"] for r in rows}
    assert len(campaigns) > 2 and "organic" in campaigns
    converted = [r for r in rows if r["became_customer"]]
    assert converted and all(r["customer_number"] for r in converted)
    assert not any(r["customer_number"] for r in rows if not r["became_customer"])
