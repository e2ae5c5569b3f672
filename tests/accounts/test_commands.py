"""`dataward users` and `dataward tokens` as an operator runs them."""

from __future__ import annotations

import json

from people.factories import CliRun


def test_users_add_shows_the_password_and_totp_once_and_list_shows_the_account(
    cli: CliRun,
) -> None:
    added = cli("users", "add", "ann@example.co.uk", "--role", "admin", "--name", "Ann", "--json")
    assert added.exit_code == 0, added.output
    made = json.loads(added.output)
    assert len(made["password"]) >= 20
    assert made["totp_uri"].startswith("otpauth://totp/Dataward:ann%40example.co.uk?secret=")
    staff = cli("users", "add", "bo@example.co.uk", "--role", "staff", "--job-role", "hr_lead")
    assert staff.exit_code == 0, staff.output
    assert "initial password (shown once):" in staff.output
    assert "TOTP" not in staff.output
    listed = json.loads(cli("users", "list", "--json").output)
    assert [(a["email"], a["role"], a["two_factor"], a["job_roles"]) for a in listed] == [
        ("ann@example.co.uk", "admin", True, []),
        ("bo@example.co.uk", "staff", False, ["hr_lead"]),
    ]
    assert made["password"] not in cli("users", "list").output


def test_users_disable_and_reset_password(cli: CliRun) -> None:
    cli("users", "add", "bo@example.co.uk", "--role", "staff")
    reset = json.loads(cli("users", "reset-password", "bo@example.co.uk", "--json").output)
    assert len(reset["password"]) >= 20
    disabled = cli("users", "disable", "BO@example.co.uk")
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    assert json.loads(cli("users", "list", "--json").output)[0]["status"] == "disabled"


def test_users_commands_refuse_bad_input_in_one_sentence(cli: CliRun) -> None:
    bad_role = cli("users", "add", "a@example.co.uk", "--role", "root")
    assert bad_role.exit_code == 2
    assert "unknown role 'root'" in bad_role.output and "Traceback" not in bad_role.output
    source = cli("users", "add", "a@example.co.uk", "--role", "source")
    assert source.exit_code == 2 and "use one of: admin, dpo, staff, auditor" in source.output
    missing = cli("users", "disable", "nobody@example.co.uk")
    assert missing.exit_code == 1 and "no account has that email address" in missing.output
    bad_email = cli("users", "add", "not-an-address", "--role", "staff")
    assert bad_email.exit_code == 2 and "not a valid email address" in bad_email.output


def test_tokens_create_list_revoke(cli: CliRun) -> None:
    created = cli("tokens", "create", "--role", "auditor", "--name", "evidence-export", "--json")
    assert created.exit_code == 0, created.output
    token = json.loads(created.output)["token"]
    assert token.startswith("dw_")
    listed = cli("tokens", "list", "--json")
    rows = json.loads(listed.output)
    assert [(r["name"], r["role"], r["status"]) for r in rows] == [
        ("evidence-export", "auditor", "active")
    ]
    assert token not in listed.output
    assert cli("tokens", "revoke", "evidence-export").exit_code == 0
    assert json.loads(cli("tokens", "list", "--json").output)[0]["status"] == "revoked"
    again = cli("tokens", "revoke", "evidence-export")
    assert again.exit_code == 1 and "no active token named" in again.output
    expiry = cli("tokens", "create", "--role", "staff", "--name", "x", "--expires-in-days", "0")
    assert expiry.exit_code == 2
