"""Text messages to a phone number, for verification codes: through an email-to-SMS gateway or
an HTTP gateway, whichever the settings name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx

from dataward.core.clock import Clock, SystemClock
from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError, ConnectorError
from dataward.core.mail import new_message
from dataward.rights.verification import send_mail

HTTP_TIMEOUT_SECONDS = 30

NOT_CONFIGURED = (
    "phone identities need DATAWARD_SMS_EMAIL_DOMAIN or DATAWARD_SMS_HTTP_URL set, to send a"
    " code by SMS"
)
CALL_BACK_INSTEAD = (
    "set one of them, or staff can verify by call-back with `dataward rights verify REFERENCE"
    " --identity phone --by-call-back --evidence TEXT`"
)


class SmsTransport(Protocol):
    def send(self, to_e164: str, text: str) -> None: ...


@dataclass(frozen=True)
class EmailToSmsGateway:
    """Gateways that turn an email to <number>@<domain> into a text to that number."""

    settings: Settings
    domain: str
    clock: Clock = field(default_factory=SystemClock)

    def send(self, to_e164: str, text: str) -> None:
        # Such gateways take the international number's digits, without the plus.
        message = new_message(
            self.settings,
            to=f"{to_e164.lstrip('+')}@{self.domain}",
            subject="Verification code",
            now=self.clock.now(),
        )
        message.set_content(text + "\n")
        send_mail(self.settings, message)


@dataclass(frozen=True)
class HttpSmsGateway:
    """An SMS provider's HTTP API: a JSON POST of the number and the text, with a bearer token."""

    url: str
    token: str

    def send(self, to_e164: str, text: str) -> None:
        try:
            answer = httpx.post(
                self.url,
                json={"to": to_e164, "text": text},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=HTTP_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise ConnectorError(
                f"could not reach the SMS gateway at {self.url}: {exc}",
                system="sms",
                fix="check DATAWARD_SMS_HTTP_URL, or verify the phone by call-back",
            ) from exc
        if answer.status_code >= 300:
            raise ConnectorError(
                f"the SMS gateway at {self.url} refused the message (HTTP {answer.status_code})",
                system="sms",
                fix="check DATAWARD_SMS_HTTP_TOKEN and the gateway's account",
            )


def sms_transport(settings: Settings, clock: Clock | None = None) -> SmsTransport:
    """The gateway the settings configure; a clear error when there is none."""
    if settings.sms_http_url and settings.sms_email_domain:
        raise ConfigurationError(
            "both DATAWARD_SMS_HTTP_URL and DATAWARD_SMS_EMAIL_DOMAIN are set",
            fix="keep the one gateway codes should go through",
        )
    if settings.sms_http_url:
        if settings.sms_http_token is None:
            raise ConfigurationError(
                "DATAWARD_SMS_HTTP_URL is set without DATAWARD_SMS_HTTP_TOKEN",
                fix="set the gateway's bearer token in DATAWARD_SMS_HTTP_TOKEN",
            )
        return HttpSmsGateway(settings.sms_http_url, settings.sms_http_token.get_secret_value())
    if settings.sms_email_domain:
        domain = settings.sms_email_domain.strip().lstrip("@")
        return EmailToSmsGateway(settings, domain, clock or SystemClock())
    raise ConfigurationError(NOT_CONFIGURED, fix=CALL_BACK_INSTEAD)
