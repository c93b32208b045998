"""Sending the portal's mail (site codes, password notices) over SMTP.

Mail is sent after the transaction that decided it has committed, so a
message never announces what was rolled back.  Without PUCHA_SMTP_HOST the
message is logged instead (a test or a laptop).
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from pucha.settings import Settings

log = logging.getLogger("portal.mail")


@dataclass(frozen=True)
class Outgoing:
    to: tuple[str, ...]
    subject: str
    body: str


def send(settings: Settings, messages: list[Outgoing]) -> list[str]:
    """Send each message; the problems (in Chinese), empty when all went."""
    problems: list[str] = []
    for message in messages:
        if not settings.smtp_host:
            log.warning("PUCHA_SMTP_HOST unset, not sent: to %s: %s", ", ".join(message.to), message.subject)
            continue
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = settings.smtp_from, ", ".join(message.to), message.subject
        email.set_content(message.body)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail to %s failed: %s", message.to, exc)
            problems.append(f"邮件“{message.subject}”未能发送至 {'、'.join(message.to)}（{exc}）")
    return problems
