"""The data map's check results: the configured policy's errors and warnings at their place."""

from __future__ import annotations

from evidence_web import Console


def test_a_policy_error_is_shown_at_its_line_with_its_fix(console: Console) -> None:
    client = console.client()
    good = client.get("/api/v1/policy/check", headers=console.api("auditor")).json()
    assert good["ok"] is True and good["errors"] == 0

    text = console.policy.read_text(encoding="utf-8")
    console.policy.write_text(text.replace("lawful_basis: contract", "lawful_basis: because"))
    bad = client.get("/api/v1/policy/check", headers=console.api("auditor")).json()
    assert bad["ok"] is False and bad["errors"] >= 1
    problem = next(p for p in bad["problems"] if "lawful_basis" in p["path"])
    assert problem["severity"] == "error" and problem["line"] > 1

    page = console.browser("staff").get("/console/data-map")
    assert page.status_code == 200
    assert f"line {problem['line']}, column {problem['column']}" in page.text
    assert 'href="/console/data-map/ropa?format=csv"' in page.text


def test_the_data_map_is_not_for_anonymous_visitors_or_source_tokens(console: Console) -> None:
    client = console.client()
    assert client.get("/console/data-map").status_code == 303
    assert client.get("/api/v1/policy/check").status_code == 401
    assert client.get("/api/v1/policy/check", headers=console.api("source")).status_code == 403
