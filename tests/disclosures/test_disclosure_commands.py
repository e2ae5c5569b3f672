"""`dataward disclosures`: no release without an approval by a named role, never one's own."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from people.factories import CliRun, cli_in

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "dataward" / "examples" / "businesses"
MSP = str(EXAMPLES / "msp" / "dataward.yaml")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    run = cli_in(tmp_path / "home", monkeypatch)
    assert run("init").exit_code == 0
    return run


def as_user(name: str) -> dict[str, str]:
    return {"LOGNAME": name, "USER": name}


def _open(cli: CliRun, user: str = "alice") -> int:
    result = cli(
        "disclosures", "open", "--kind", "client_company",
        "--requester", "Harbour Dental Ltd, practice manager",
        "--ground", "controller_instruction",
        "--asked", "the remote sessions on reception PC of a departed receptionist",
        "--ticket", "T-2041", "--email", "former.receptionist@harbour.example", "--json",
        env=as_user(user),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    opened: int = json.loads(result.output)["id"]
    return opened


def test_release_needs_an_approval_by_someone_else_holding_a_named_role(
    cli: CliRun, tmp_path: Path
) -> None:
    number = str(_open(cli))
    package = tmp_path / "sessions.csv"
    package.write_bytes(b"session,device\n1,RECEPTION-PC\n")

    refused = cli("disclosures", "release", number, "--package", str(package), "--what", "log")
    assert refused.exit_code == 1
    assert "has not been approved" in refused.output

    own = cli(
        "disclosures", "approve", number, "-p", MSP, "--note", "ok", "--role", "managing_director",
        env=as_user("alice"),
    )  # fmt: skip
    assert own.exit_code == 1 and "cannot also decide it" in own.output

    no_role = cli(
        "disclosures", "approve", number, "-p", MSP, "--note", "ok", "--role", "engineer",
        env=as_user("bob"),
    )  # fmt: skip
    assert no_role.exit_code == 1 and "no role the policy allows" in no_role.output

    approved = cli(
        "disclosures", "approve", number, "-p", MSP, "--role", "managing_director",
        "--note", "contract clause 7 allows the client to see its own session logs",
        env=as_user("bob"),
    )  # fmt: skip
    assert approved.exit_code == 0, approved.output

    released = cli(
        "disclosures", "release", number, "--package", str(package),
        "--what", "session log of RECEPTION-PC, March", "--json", env=as_user("bob"),
    )  # fmt: skip
    assert released.exit_code == 0, released.output
    shown = json.loads(cli("disclosures", "show", number, "--json").output)
    assert shown["status"] == "released"
    assert shown["package_sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    assert shown["decided_by"] == "cli:bob" and shown["decided_as"] == "managing_director"
    assert shown["tickets"] == ["T-2041"]

    again = cli("disclosures", "release", number, "--package", str(package), "--what", "log")
    assert again.exit_code == 1 and "already released" in again.output


def test_a_refused_disclosure_is_never_released(cli: CliRun, tmp_path: Path) -> None:
    number = str(_open(cli))
    refused = cli(
        "disclosures", "refuse", number, "-p", MSP, "--role", "dpo",
        "--reason", "the requester is not the client's named contact", env=as_user("carol"),
    )  # fmt: skip
    assert refused.exit_code == 0, refused.output
    package = tmp_path / "p.zip"
    package.write_bytes(b"x")
    result = cli("disclosures", "release", number, "--package", str(package), "--what", "x")
    assert result.exit_code == 1 and "it was refused" in result.output


def test_a_one_person_firm_may_approve_its_own(cli: CliRun, tmp_path: Path) -> None:
    data = yaml.safe_load(Path(MSP).read_text(encoding="utf-8"))
    data["disclosures"] = {"approvers": ["owner"], "one_person_firm": True}
    solo = tmp_path / "solo.yaml"
    solo.write_text(yaml.safe_dump(data), encoding="utf-8")
    number = str(_open(cli))
    result = cli(
        "disclosures", "approve", number, "-p", str(solo), "--role", "owner", "--note", "checked",
        env=as_user("alice"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_unknown_grounds_and_kinds_are_explained(cli: CliRun) -> None:
    result = cli(
        "disclosures", "open", "--kind", "police", "--requester", "PC 1", "--asked", "x",
        "--ground", "because",
    )  # fmt: skip
    assert result.exit_code == 2 and "crime_and_taxation" in result.output
    listed = cli("disclosures", "list", "--status", "pending")
    assert listed.exit_code == 2 and "is not a status" in listed.output
