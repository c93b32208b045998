"""Alembic environment of pucha, run programmatically by ``pucha.db.init_db``.

``init_db`` hands over an open connection in ``config.attributes``; run by
Alembic's own commands (``pucha.db.alembic_config``) the URL in the config is
used instead.  The modules declaring tables are the ``pucha.tables`` entry
points (pyproject.toml): the core's registry, the monitor's days, the portal's
accounts and filings.  They are loaded by name so that autogenerate sees every
table while the core imports nothing above it.
"""
from __future__ import annotations

from importlib import metadata

from alembic import context
from sqlalchemy import create_engine

from pucha.db import Base

for _tables in metadata.entry_points(group="pucha.tables"):
    _tables.load()

target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
