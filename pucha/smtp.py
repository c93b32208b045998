"""One way to reach the SMTP server, for every sender (the portal's outbox,
the monitor's alerts): PUCHA_SMTP_HOST/PORT, the transport security
PUCHA_SMTP_SECURITY (none, starttls, ssl), the CA of PUCHA_SMTP_CAFILE and
the login PUCHA_SMTP_USER/PASSWORD.

With STARTTLS or SMTPS the server's certificate and host name are always
checked: a census mail carries the 校验码 of a site, and a connection that
takes any certificate would hand it to whoever answers on the port.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage

from pucha.settings import SMTP_SECURITY, Settings


def tls_context(settings: Settings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.smtp_cafile or None)


def connect(settings: Settings, timeout: float = 15.0) -> smtplib.SMTP:
    """An SMTP connection ready to send (secured and logged in as configured);
    use it as a context manager so it is closed."""
    security = str(settings.smtp_security or "none").strip().lower()
    if security not in SMTP_SECURITY:  # a pucha.toml value is not parsed by the setting
        raise ValueError(f"PUCHA_SMTP_SECURITY={security!r}: not one of {', '.join(SMTP_SECURITY)}")
    if security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                              context=tls_context(settings))
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if security == "starttls":
            smtp.starttls(context=tls_context(settings))
            smtp.ehlo()  # the server's extensions (AUTH) are announced again inside TLS
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def message(settings: Settings, to: Iterable[str], subject: str, body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.smtp_from, ", ".join(to), subject
    email.set_content(body)
    return email


def send(settings: Settings, to: Iterable[str], subject: str, body: str, timeout: float = 15.0) -> dict:
    """Send one message; the recipients the server refused (it went to the others).
    Raises OSError or smtplib.SMTPException when it went to no one."""
    to = list(to)
    with connect(settings, timeout) as smtp:
        return smtp.send_message(message(settings, to, subject, body))
