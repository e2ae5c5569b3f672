"""msp-02: device monitoring data (PCs, laptops, phones, servers, printers, routers) is processed
under the contract, tied to the client company, and never used for marketing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios.product import Deployed, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example
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
    tmp_path: Path,
) -> None:
    msp = Deployed("msp", tmp_path, people=20)
    priya = known_people("msp")["priya"]  # a laptop and a phone of her company's, monitored
    devices = msp.returned(priya.email, "rmm", "devices")
    assigned = [d for d in msp.rows("rmm", "devices") if d["assigned_user_email"] == priya.email]
    assert len(devices) == len(assigned) == 2
    (company,) = {d["client_company"] for d in assigned}
    assert {value_of(d, "client_company") for d in devices} == {company}
    (requester,) = msp.returned(priya.email, "ticketing", "requesters")
    assert value_of(requester, "company_name") == company
    alerts = msp.returned(priya.email, "rmm", "alerts")
    assert alerts and {value_of(a, "device_id") for a in alerts} <= {
        value_of(d, "id") for d in devices
    }
    # Why it is held: under the contract only, never for marketing.
    for collection in ("devices", "alerts"):
        reasons = msp.held_for(priya.email, "rmm", collection)
        assert reasons, collection
        for reason in reasons:
            assert reason["lawful_basis"] == LawfulBasis.CONTRACT, reason
            assert "marketing" not in reason["activity"].lower(), reason
