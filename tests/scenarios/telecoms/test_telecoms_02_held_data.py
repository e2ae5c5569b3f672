"""telecoms-02: Meridian holds name, home or work address, email, phone, job title, payment and
delivery details, browser/device data and call recordings: in the map, and in its systems.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, not_flagged, not_returned, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example

HELD = {
    "name": ("billing", "accounts", "name", "user.name"),
    "home or work address": ("billing", "accounts", "address", "user.contact.address"),
    "email": ("billing", "accounts", "email", "user.contact.email"),
    "phone": ("billing", "accounts", "phone", "user.contact.phone_number"),
    "job title": ("billing", "accounts", "job_title", "user.job_title"),
    "payment details": ("billing", "payment_methods", "processor_token", "user.payment"),
    "delivery details": ("billing", "orders", "delivery_address", "user.contact.address"),
    "browser data": ("livechat", "chats", "browser", "user.device"),
    "device data": ("web", "sessions", "device_type", "user.device"),
    "call recordings": ("recordings", "calls", "audio_file", "user.content.call_recording"),
}


@pytest.fixture(scope="module")
def telecoms(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("telecoms", tmp_path_factory.mktemp("telecoms"), people=80)


def test_telecoms_02_each_held_item_is_declared_and_used_by_an_activity(
    telecoms: GeneratedExample,
) -> None:
    policy = telecoms.policy
    for item, (system_name, collection, field_name, category) in HELD.items():
        system = telecoms.system(system_name)
        assert system.dataset is not None
        declared = next(c for c in system.dataset.collections if c.name == collection)
        field = declared.field(field_name)
        assert field is not None and category in field.categories, item
        assert any(category in a.categories for a in policy.activities_for_system(system_name)), (
            item
        )


def test_telecoms_02_the_systems_hold_each_item(tmp_path: Path) -> None:
    telecoms = Deployed("telecoms", tmp_path, people=20)
    emails = [person.email for person in known_people("telecoms").values()]
    # The known people's access requests return every item from the system that holds it...
    assert not_returned(telecoms, emails, HELD) == []
    priya = known_people("telecoms")["priya"]
    # ...payment details as the processor's token and the card's last 4 digits, never a number,
    methods = telecoms.returned(priya.email, "billing", "payment_methods")
    assert methods
    for method in methods:
        assert value_of(method, "processor_token").startswith("pm_")
        assert len(value_of(method, "card_last4")) == 4
    # ...and her call recordings as the audio files themselves.
    recordings = [n for n in telecoms.package_files(priya.email) if n.startswith("files/")]
    assert recordings and all(n.endswith(".wav") for n in recordings)
    # A map that loses the field holding an item is flagged by `dataward check`.
    assert not_flagged(telecoms, HELD) == []
