"""Every email Dataward sends is built by core.mail.new_message, so each carries From, To,
Subject, Date and a Message-ID (mail servers and spam filters judge a message without a Date
or Message-ID harshly, and a complaint alert that lands in spam is a missed legal deadline)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import dataward
from dataward.core.config import Settings
from dataward.core.mail import new_message

SOURCE = Path(dataward.__file__).resolve().parent


def test_the_headers_every_message_carries(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, mail_from="privacy@kestrel.example")
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    message = new_message(settings, to="ann@example.com", subject="Your code", now=now)
    assert message["From"] == "privacy@kestrel.example"
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == "Your code"
    assert parsedate_to_datetime(message["Date"]) == now
    assert message["Message-ID"].endswith("@kestrel.example>")


def test_no_module_but_core_mail_builds_an_email_by_hand() -> None:
    by_hand = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "core" / "mail.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                name = (
                    called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
                )
                if name == "EmailMessage":
                    by_hand.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert by_hand == [], f"build these with core.mail.new_message: {by_hand}"
