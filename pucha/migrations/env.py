"""Alembic environment of pucha, run programmatically by ``pucha.db.init_db``.

``init_db`` hands over an open connection in ``config.attributes``; run by
Alembic's own commands (``pucha.db.alembic_config``) the URL in the config is
used instead.  Modules declaring tables are imported below so that
autogenerate sees them: the portal adds its own import here.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pucha.db import Base
import pucha.registry.model  # noqa: F401  (declares the registry tables)
import portal.models  # noqa: F401  (declares the portal tables)
import pucha.monitor.monitor_db  # noqa: F401  (declares the monitor tables)

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
