"""Notice versions through the API and the console: publish, list, read, compare."""

from __future__ import annotations

import yaml
from evidence_web import Console


def _add_activity(console: Console) -> None:
    """The business starts something new: the data map gains an activity."""
    document = yaml.safe_load(console.policy.read_text(encoding="utf-8"))
    document["activities"].append(
        {
            "name": "Newsletter",
            "purpose": "marketing.communications.email",
            "lawful_basis": "consent",
            "subjects": ["customer"],
            "categories": ["user.contact.email"],
            "systems": ["helpdesk"],
        }
    )
    console.policy.write_text(yaml.safe_dump(document), encoding="utf-8")


def test_a_notice_published_through_the_api_appears_in_the_versions_with_a_diff(
    console: Console,
) -> None:
    client = console.client()
    dpo = console.api("dpo")
    first = client.post("/api/v1/notice/versions", headers=dpo)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["number"]) == (True, 1)
    same = client.post("/api/v1/notice/versions", headers=dpo).json()
    assert (same["created"], same["number"]) == (False, 1)

    _add_activity(console)
    second = client.post(
        "/api/v1/notice/versions", json={"effective_on": "2026-03-09"}, headers=dpo
    ).json()
    assert (second["created"], second["number"], second["effective_on"]) == (
        True,
        2,
        "2026-03-09",
    )
    assert any("Newsletter" in change["text"] for change in second["changes"])

    auditor = console.api("auditor")
    listed = client.get("/api/v1/notice/versions", headers=auditor).json()
    assert [(v["number"], v["effective_on"]) for v in listed] == [
        (1, "2026-03-02"),
        (2, "2026-03-09"),
    ]
    diff = client.get("/api/v1/notice/versions/1/diff/2", headers=auditor).json()
    assert diff["old"] == 1 and any("Newsletter" in c["text"] for c in diff["changes"])
    version = client.get("/api/v1/notice/versions/2", headers=auditor).json()
    assert "Newsletter" in version["markdown"]
    assert client.get("/api/v1/notice/versions/3", headers=auditor).status_code == 404

    page = console.browser("auditor").get("/console/data-map/notice/1/diff/2")
    assert page.status_code == 200 and "Newsletter" in page.text


def test_only_dpos_and_admins_publish(console: Console) -> None:
    client = console.client()
    for role in ("staff", "auditor"):
        assert client.post("/api/v1/notice/versions", headers=console.api(role)).status_code == 403
    assert client.get("/api/v1/notice/versions", headers=console.api("staff")).json() == []
    staff = console.browser("staff")
    page = staff.get("/console/data-map/notice")
    assert page.status_code == 200 and "Publish a new version" not in page.text


def test_the_console_publish_form_publishes_and_links_each_version_to_its_changes(
    console: Console,
) -> None:
    admin = console.browser("admin")
    done = console.post_form(
        admin, "/console/data-map/notice", "/console/data-map/notice/publish", {"effective_on": ""}
    )
    assert done.status_code == 303, done.text
    _add_activity(console)
    done = console.post_form(
        admin, "/console/data-map/notice", "/console/data-map/notice/publish", {"effective_on": ""}
    )
    page = admin.get(done.headers["location"]).text
    assert "Version 2 published." in page
    assert 'href="/console/data-map/notice/1/diff/2"' in page
    past = console.post_form(
        admin,
        "/console/data-map/notice",
        "/console/data-map/notice/publish",
        {"effective_on": "someday"},
    )
    assert past.status_code == 422
