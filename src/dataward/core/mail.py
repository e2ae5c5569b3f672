"""Sending email through the configured SMTP server (DATAWARD_SMTP_*), for every domain."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from dataward.core.config import Settings
from dataward.core.errors import ConnectorError

SMTP_TIMEOUT_SECONDS = 30
SMTP_FIX = (
    "check DATAWARD_SMTP_HOST, DATAWARD_SMTP_PORT, DATAWARD_SMTP_STARTTLS and the SMTP credentials"
)


def new_message(settings: Settings, *, to: str, subject: str, now: datetime) -> EmailMessage:
    """A message from DATAWARD_MAIL_FROM with the headers every Dataward email carries."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    return message


def send_mail(settings: Settings, message: EmailMessage, *, fix: str = SMTP_FIX) -> None:
    """Hand the message to the SMTP server; a failure is a ConnectorError naming the server."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                smtp.login(settings.smtp_username, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ConnectorError(
            f"could not send email through {where}: {exc}", system="mail", fix=fix
        ) from exc
