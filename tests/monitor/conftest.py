"""Fixtures of the monitor tests: settings in a temporary PUCHA_HOME, a loopback SMTP server."""
from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

from pucha import settings as settings_mod


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append((tuple(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as s:  # aiosmtpd checks readiness by connecting, so it needs a real port up front
        s.bind(("127.0.0.1", 0))
        inbox.port = s.getsockname()[1]  # type: ignore[attr-defined]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)  # type: ignore[attr-defined]
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def make_settings(tmp_path, **env: str) -> settings_mod.Settings:
    environ = {"PUCHA_HOME": str(tmp_path / "home"), "PUCHA_PROBE_TIMEOUT": "1.0", **env}
    return settings_mod.load(environ, config=tmp_path / "absent.toml")
