"""Fixtures of the portal tests: the app on SQLite and on PostgreSQL, a real
SMTP server (aiosmtpd) on loopback, and a small hierarchy of units with
accounts.  Helpers to drive the app are in portal_client.py.
"""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import text

from pucha import settings as pucha_settings
from pucha.db import dispose_engine, engine_for, init_db
from portal_client import Portal, World, build_world, free_port
from servicekit.postgres import throwaway_database



class Inbox:
    """What the SMTP server received: parsed messages, in order."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def portal_pg_url():
    """A PostgreSQL database for this session's portal tests, dropped afterwards."""
    with throwaway_database("pucha_portal") as url:
        init_db(url)
        yield url


def _truncate(url: str) -> None:
    from pucha.db import Base
    import portal.models  # noqa: F401

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine_for(url).begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        init_db(url)
        yield url
        dispose_engine(url)
        return
    url = request.getfixturevalue("portal_pg_url")
    _truncate(url)
    yield url
    _truncate(url)


@pytest.fixture
def settings(tmp_path, smtp):
    return pucha_settings.load(environ={
        "PUCHA_HOME": str(tmp_path / "home"), "PUCHA_SMTP_HOST": "127.0.0.1",
        "PUCHA_SMTP_PORT": str(smtp.port), "PUCHA_SMTP_FROM": "pucha@census.test",
        "PUCHA_PROBE_TIMEOUT": "3"}, config=tmp_path / "absent.toml")


@pytest.fixture
def app(settings, db_url):
    from portal.app import create_app

    return create_app(settings, db_url=db_url)


@pytest.fixture
def world(app) -> World:
    return build_world(app.state.db_url)


@pytest.fixture
def portal(app):
    """Open a client of the app; each call is a separate browser session."""
    clients = []

    def open_client() -> Portal:
        client = Portal(app)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 at its smallest cost: the same code path (hashes carry their
    parameters), without spending a core on each of the hundreds of hashes."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("portal.security._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
