"""The portal's Alembic revision makes exactly the tables its models declare,
on SQLite and PostgreSQL, and goes down and up again cleanly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import portal.models  # noqa: F401  (declares the portal tables on Base)
from pucha.db import Base, alembic_config, engine_for, init_db


def test_migrations_make_the_portal_schema(db_url):
    with engine_for(db_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert {"portal_unit", "portal_account", "portal_registration", "portal_mailbox"} <= set(
            inspect(connection).get_table_names())


def test_portal_revision_downgrades_to_the_registry_and_back(db_url):
    command.downgrade(alembic_config(db_url), "0001_registry")
    with engine_for(db_url).connect() as connection:
        assert not any(t.startswith("portal_") for t in inspect(connection).get_table_names())
    init_db(db_url)
    with engine_for(db_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
