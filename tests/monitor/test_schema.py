"""The monitor's tables are made by their Alembic revision (0004_monitor), exactly as declared,
on SQLite and PostgreSQL, and the revision goes down and up again cleanly."""
from __future__ import annotations


import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from pucha.db import Base, alembic_config, dispose_engine, engine_for, init_db
from servicekit.postgres import throwaway_database
from census.monitor.monitor_db import monitor_engine

TABLES = {"monitor_checkpoint", "monitor_daily", "monitor_alert_state", "monitor_alerts"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        yield url
        dispose_engine(url)
        return
    with throwaway_database("pucha_monitor") as url:
        yield url


def test_one_head_and_the_monitor_revision_makes_the_declared_tables(empty_url):
    script = ScriptDirectory.from_config(alembic_config(empty_url))
    assert len(script.get_heads()) == 1, script.get_heads()
    engine = monitor_engine(empty_url)  # what the monitor calls: it migrates, it does not create_all
    with engine.connect() as connection:
        assert TABLES <= set(inspect(connection).get_table_names())
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_monitor_revision_downgrades_and_upgrades(empty_url):
    init_db(empty_url)
    down = ScriptDirectory.from_config(alembic_config(empty_url)).get_revision("0004_monitor").down_revision
    command.downgrade(alembic_config(empty_url), down)
    with engine_for(empty_url).connect() as connection:
        assert not TABLES & set(inspect(connection).get_table_names())
    init_db(empty_url)
    with engine_for(empty_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
