"""voip-01: website and social visitors, complainants, enquirers, customers, job applicants and
employees are each a kind of person in the data map, each with activities of their own, and
the sample systems hold records of every kind.
"""

from __future__ import annotations

import pytest

from dataward.examples import known_people
from dataward.examples.contents import (
    GeneratedExample,
    build_example,
    identity_holdings,
    snapshot,
)
from dataward.notice.build import build_notice

# The promise's groups, as subject keys, and a collection holding each group's records.
GROUPS = {
    "visitors": ({"website_visitor", "social_media_follower"}, ("website", "visits")),
    "complainants": ({"complainant"}, ("crm", "complaints")),
    "enquirers": ({"enquirer"}, ("website", "enquiries")),
    "customers": ({"customer"}, ("crm", "customers")),
    "job applicants": ({"job_applicant"}, ("hr", "applicants")),
    "employees": ({"employee"}, ("hr", "employees")),
}


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("voip"), people=80)


def test_voip_01_each_kind_of_person_has_activities_of_its_own(voip: GeneratedExample) -> None:
    policy = voip.policy
    declared = {s.key for s in policy.subjects}
    assert declared == set().union(*(keys for keys, _ in GROUPS.values()))
    for group, (keys, _) in GROUPS.items():
        own = [a.name for a in policy.activities if set(a.subjects) <= keys]
        assert own, f"{group} have no activity of their own"
    assert {a.name for a in policy.activities if a.subjects == ["complainant"]} == {
        "Complaint handling"
    }
    assert {a.name for a in policy.activities if a.subjects == ["job_applicant"]} == {"Recruitment"}


def test_voip_01_the_notice_addresses_each_kind_of_person(voip: GeneratedExample) -> None:
    audiences = {a.key: a for a in build_notice(voip.loaded).audiences}
    for keys, _ in GROUPS.values():
        for key in keys:
            assert audiences[key].activities, key


def test_voip_01_the_systems_hold_records_of_every_kind_of_person(
    voip: GeneratedExample,
) -> None:
    rows = {s.name: snapshot(s, voip.environment) for s in voip.policy.systems}
    for group, (_, (system, collection)) in GROUPS.items():
        assert rows[system][collection], group
    sources = {v["source"] for v in rows["website"]["visits"]}
    assert sources == {"web", "social"}
    # A known person of each kind, where the policy says their records are.
    people = known_people("voip")
    expected = {
        "gareth": {"website"},
        "priya": {"website", "crm", "dialler", "recordings"},
        "marek": {"hr"},
        "james": {"hr"},
    }
    for key, systems in expected.items():
        found = {
            s.name
            for s in voip.policy.systems
            if identity_holdings(s, voip.environment, people[key].identity_values())
        }
        assert found == systems, key
