"""telecoms-02: Meridian holds name, home or work address, email, phone, job title, payment and
delivery details, browser/device data and call recordings: in the map, and in its systems.
"""

from __future__ import annotations

import wave

import pytest

from dataward.examples.contents import GeneratedExample, build_example, snapshot, system_folder

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


def test_telecoms_02_the_systems_hold_each_item(telecoms: GeneratedExample) -> None:
    contents = {s.name: snapshot(s, telecoms.environment) for s in telecoms.policy.systems}
    for item, (system, collection, field, _) in HELD.items():
        assert any(row[field] for row in contents[system][collection]), item
    accounts = contents["billing"]["accounts"]
    # Business customers give a work address, sole traders their home one.
    assert any(a["company"] for a in accounts) and any(not a["company"] for a in accounts)
    # Payment details are the processor's token and the card's last 4 digits, never a number.
    for method in contents["billing"]["payment_methods"]:
        assert method["processor_token"].startswith("pm_")
        assert len(method["card_last4"]) == 4
    folder = system_folder(telecoms.system("recordings"), telecoms.environment)
    assert folder is not None
    first = contents["recordings"]["calls"][0]["audio_file"]
    with wave.open(str(folder / first)) as audio:
        assert audio.getnframes() > 0
