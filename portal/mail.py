"""The portal's mail (site codes and their recovery) as a decision builds it.

A decision does not send: it puts its ``Outgoing`` messages in the outbox in
its own transaction (portal.outbox.enqueue), and the outbox's sender mails
them over SMTP (pucha.smtp) once committed, retrying while the server is
down.  So a message never announces what was rolled back, and a committed
decision never loses its mail.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    to: tuple[str, ...]
    subject: str
    body: str
