"""Fixtures of the registry tests: a registry database on SQLite and on
PostgreSQL (a throwaway database on 127.0.0.1:5432, made for the session and
dropped after).  Sample data and helpers are in registry_samples.py.
"""
from __future__ import annotations


import pytest

from pucha.db import dispose_engine, init_db, session_scope
from pucha.registry.model import Column, Decision, Site, SiteHistory
from servicekit.postgres import throwaway_database



@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    with throwaway_database("pucha_registry") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request, tmp_path):
    """An empty registry database at the newest schema, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        init_db(url)
        yield url
        dispose_engine(url)
        return
    url = request.getfixturevalue("pg_url")
    init_db(url)
    _empty(url)
    yield url
    _empty(url)


def _empty(url: str) -> None:
    with session_scope(url) as session:
        for table in (Decision, SiteHistory, Column, Site):
            session.execute(table.__table__.delete())
