"""`./scripts/demo --serve` prints a staff account that really signs in to the console."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from people.factories import CliRun

from dataward.accounts import service
from dataward.accounts.service import SignIn
from dataward.core.console import runtime
from dataward.core.crypto import Keyring
from dataward.examples.demo import _demo_account


def _shown(text: str) -> tuple[str, str, str]:
    email = re.search(r"email:\s+(\S+)", text)
    password = re.search(r"password:\s+(\S+)", text)
    secret = re.search(r"TOTP secret:\s+(\S+)", text)
    assert email and password and secret, text
    return email.group(1), password.group(1), secret.group(1)


def _signs_in(email: str, password: str, secret: str) -> bool:
    rt = runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        first = service.authenticate(
            session=session, keyring=keyring, clock=rt.clock, email=email, password=password
        )
        if first.outcome is not SignIn.NEEDS_CODE or first.user is None:
            return False
        done = service.check_code(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            user_id=first.user.id,
            session_version=first.user.session_version,
            code=pyotp.TOTP(secret).at(rt.clock.now()),
        )
    return done.outcome is SignIn.SIGNED_IN


def test_the_demo_account_is_shown_and_signs_in_and_a_rerun_renews_it(
    cli: CliRun, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _demo_account("support")
    email, password, secret = _shown(capsys.readouterr().out)
    assert email == "dpo@support.example.co.uk"
    assert _signs_in(email, password, secret)
    _demo_account("support")
    _, renewed, new_secret = _shown(capsys.readouterr().out)
    assert renewed != password and new_secret != secret
    assert not _signs_in(email, password, secret)
