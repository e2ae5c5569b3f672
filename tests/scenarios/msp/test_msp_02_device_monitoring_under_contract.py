"""msp-02: device monitoring data (PCs, laptops, phones, servers, printers, routers) is processed
under the contract, tied to the client company, and never used for marketing.
"""

from __future__ import annotations

import pytest

from dataward.examples.contents import GeneratedExample, build_example, snapshot
from dataward.policy.schema import LawfulBasis
from dataward.policy.taxonomy import taxonomy_for


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("msp", tmp_path_factory.mktemp("msp"), people=80)


def test_msp_02_monitoring_is_under_the_contract_and_no_marketing_touches_device_data(
    msp: GeneratedExample,
) -> None:
    policy = msp.policy
    taxonomy = taxonomy_for(policy)
    monitoring = [a for a in policy.activities if "user.device.monitoring" in a.categories]
    assert [a.name for a in monitoring] == ["Device monitoring"]
    (activity,) = monitoring
    assert activity.lawful_basis is LawfulBasis.CONTRACT
    assert activity.purpose == "essential.service.operations.device_monitoring"
    assert "user.contact.organization" in activity.categories  # tied to the client company
    assert activity.channels == []
    for other in policy.activities:
        if taxonomy.uses.within(other.purpose, "marketing"):
            assert "rmm" not in other.systems, other.name
            assert not any(taxonomy.categories.within(c, "user.device") for c in other.categories)
            for channel in other.channels:
                assert not set(policy.channels[channel].subjects) - {"customer", "enquirer"}
    # The mailing system holds nothing about devices, so marketing could not use it if it tried.
    mailer = msp.system("mailer")
    assert mailer.dataset is not None
    for collection in mailer.dataset.collections:
        for field in collection.fields:
            assert not any(c.startswith("user.device") for c in field.categories)


def test_msp_02_every_monitored_device_and_alert_belongs_to_a_client_company(
    msp: GeneratedExample,
) -> None:
    rmm = snapshot(msp.system("rmm"), msp.environment)
    crm = snapshot(msp.system("crm"), msp.environment)
    clients = {row["name"] for row in crm["companies"]}
    devices = {row["id"]: row for row in rmm["devices"]}
    assert {d["kind"] for d in devices.values()} == {
        "pc",
        "laptop",
        "phone",
        "server",
        "printer",
        "router",
    }
    assert all(d["client_company"] in clients for d in devices.values())
    assert rmm["alerts"]
    assert all(devices[a["device_id"]]["client_company"] in clients for a in rmm["alerts"])
    # Shared kit (servers, printers, routers) belongs to the company, not to a person.
    shared = [d for d in devices.values() if d["kind"] in ("server", "printer", "router")]
    assert shared and all(d["assigned_user_email"] is None for d in shared)
