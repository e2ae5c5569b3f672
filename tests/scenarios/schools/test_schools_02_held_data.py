"""schools-02: Thistle holds staff name, email and phone; school name and address; billing
address; number of devices and students; network configuration. The map says so, the CRM has
exactly those fields, and every school's record carries them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, not_flagged, not_returned

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example

HELD = {
    "staff name": ("staff_contacts", "name", "user.name"),
    "staff email": ("staff_contacts", "email", "user.contact.email"),
    "staff phone": ("staff_contacts", "phone", "user.contact.phone_number"),
    "school name": ("schools", "name", "user.contact.organization.school"),
    "school address": ("schools", "address", "user.contact.organization.school"),
    "billing address": ("schools", "billing_address", "user.contact.address"),
    "number of devices": ("schools", "device_count", "user.contact.organization.school"),
    "number of students": ("schools", "student_count", "user.contact.organization.school"),
    "network configuration": ("schools", "network_configuration", "system.network_configuration"),
}


@pytest.fixture(scope="module")
def schools(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("schools", tmp_path_factory.mktemp("schools"), people=60)


def test_schools_02_the_map_declares_each_held_item_under_the_consented_activity(
    schools: GeneratedExample,
) -> None:
    (activity,) = [a for a in schools.policy.activities if a.name == "School accounts and contacts"]
    crm = schools.system("crm")
    assert crm.dataset is not None
    collections = {c.name: c for c in crm.dataset.collections}
    for item, (collection, field_name, category) in HELD.items():
        field = collections[collection].field(field_name)
        assert field is not None and field.categories == [category], item
        assert category in activity.categories, item
    # Nothing else about schools or their staff is kept in those two collections.
    for collection in ("schools", "staff_contacts"):
        personal = {
            f.name
            for f in collections[collection].fields
            if not all(c == "system.operations" for c in f.categories)
        }
        assert personal == {f for c, f, _ in HELD.values() if c == collection}, collection


def test_schools_02_every_school_and_contact_record_carries_the_held_items(
    tmp_path: Path,
) -> None:
    schools = Deployed("schools", tmp_path, people=20)
    emails = [person.email for person in known_people("schools").values()]
    items = {
        label: ("crm", collection, field, category)
        for label, (collection, field, category) in HELD.items()
    }
    staff = {label: item for label, item in items.items() if item[1] == "staff_contacts"}
    # The staff contacts' access requests return what is held on them from the CRM.
    assert staff and not_returned(schools, emails, staff) == []
    # The school's own record is the school's, not a person's, so no access request returns
    # it; `systems test` proves the CRM really has every column the map declares for it, and
    # the CRM holds a value in each for every school.
    tested = schools.run(
        "systems", "test", "-p", str(schools.policy), "--env-file", str(schools.env_file)
    )
    assert any(line.startswith("ok") and "crm" in line for line in tested.output.splitlines())
    rows = schools.rows("crm", "schools")
    for label, (_, collection, field, _) in items.items():
        if collection == "schools":
            assert all(row[field] not in (None, "") for row in rows), label
    assert all(r["device_count"] > 0 and "VLAN" in r["network_configuration"] for r in rows)
    # A map that loses one of them is flagged by `dataward check`.
    assert not_flagged(schools, items) == []
