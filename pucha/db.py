"""The registry database: engine, sessions, and the schema kept by Alembic.

One database holds the registry and, later, the portal's tables.  It is a
SQLite file in ``PUCHA_HOME`` unless ``PUCHA_DATABASE_URL`` names another
(PostgreSQL through psycopg 3).  Every table is declared on ``Base`` and
created only by the Alembic revisions in ``pucha/migrations/versions``, never
by ``Base.metadata.create_all``: SQLite and PostgreSQL then get the same
schema, and a database made by an older pucha is brought up to date in place.

Adding tables (the portal): declare them on ``Base``, import their module in
``pucha/migrations/env.py``, and add a revision whose ``down_revision`` is the
current head; ``alembic_config(url)`` gives a config for Alembic's commands,
e.g. ``command.revision(alembic_config(url), "portal accounts",
autogenerate=True)`` against a scratch database at the current head.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from pucha import settings as pucha_settings

MIGRATIONS = Path(__file__).with_name("migrations")


class Base(DeclarativeBase):
    """The declarative base of every pucha table (registry and portal)."""


def database_url(settings: pucha_settings.Settings | None = None) -> str:
    """The configured database URL (SPEC §6: SQLite in PUCHA_HOME unless set)."""
    return _with_driver((settings or pucha_settings.load()).database_url)


def _with_driver(url: str) -> str:
    # psycopg 3 is the PostgreSQL driver installed; a bare postgresql:// URL
    # would make SQLAlchemy look for psycopg2, so name the driver for the user.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _resolve(url: str | None) -> str:
    """The URL to use: the one given, or the configured one."""
    return _with_driver(url) if url else database_url()


@functools.lru_cache(maxsize=None)
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked.
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def engine_for(url: str | None = None) -> Engine:
    """The engine of ``url`` (default: the configured database), one per URL."""
    return _engine(_resolve(url))


def dispose_engine(url: str | None = None) -> None:
    """Close the pooled connections of ``url``: before dropping that database,
    and in a forked worker, which must not share its parent's connections."""
    engine_for(url).dispose()


@functools.lru_cache(maxsize=None)
def _sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: objects read in a scope stay readable after it.
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally, rolls back otherwise."""
    session = _sessionmaker(engine_for(url))()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for pucha's migrations; no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", _resolve(url).replace("%", "%%"))
    return config


_ready: set[str] = set()  # databases init_db has brought up to date in this process


def init_db(url: str | None = None) -> None:
    """Bring the schema of ``url`` up to the newest revision (idempotent)."""
    config = alembic_config(url)
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    _ready.add(_resolve(url))


def ensure_db(url: str | None = None) -> None:
    """``init_db`` once per process and database: for callers on every request."""
    if _resolve(url) not in _ready:
        init_db(url)
