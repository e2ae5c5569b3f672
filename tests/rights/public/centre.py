"""The msp example business with its privacy centre configured: real sample systems, a real
SMTP server collecting the mail it sends, and settings as `dataward serve` would read them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from pydantic import SecretStr
from scenarios.rights_deploy import Deployment, deploy

from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring, encode_key, new_key
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

from ..request_factories import Inbox, smtp_server

CODE = re.compile(r"code is: (\d{6})")


@dataclass
class Centre:
    runtime: Runtime
    deployment: Deployment
    inbox: Inbox

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    def keyring(self) -> Keyring:
        return Keyring.from_settings(self.settings)

    def mail_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.inbox.messages if m["To"] == address]

    def last_code(self, address: str) -> str:
        for message in reversed(self.mail_to(address)):
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = CODE.search(body.get_content())
            if found:
                return found.group(1)
        raise AssertionError(f"no code was mailed to {address}")

    def person(self, key: str) -> str:
        email: str = self.deployment.known[key].email
        return email


def write_env(path: Path, environ: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in environ.items()), encoding="utf-8")
    return path


@contextmanager
def privacy_centre(runtime: Runtime, folder: Path, business: str = "msp") -> Iterator[Centre]:
    """The runtime's engine and clock, with settings for this business's privacy centre."""
    with (
        deploy(business, folder / "systems", "sqlite") as deployment,
        smtp_server() as (
            inbox,
            port,
        ),
    ):
        settings = Settings(
            home=runtime.settings.home,
            environment="test",
            master_key=SecretStr(encode_key(new_key())),
            policy=policy_path(business),
            systems_env_file=write_env(folder / "systems.env", deployment.environ),
            smtp_host="127.0.0.1",
            smtp_port=port,
            mail_from="privacy@northgate-it.example.com",
        )
        yield Centre(Runtime.on_engine(settings, runtime.engine, runtime.clock), deployment, inbox)
