"""Result stores: events and scorecards, with history per sweep.

``open_store(settings)`` gives the embedded SQLite store in PUCHA_HOME, or
ClickHouse when PUCHA_CLICKHOUSE_URL is set.  Both implement
pucha.store.base.ResultStore.
"""
from __future__ import annotations

from pucha.settings import Settings

from .base import ResultStore, SweepInfo


def open_store(settings: Settings) -> ResultStore:
    if settings.clickhouse_url:
        from .clickhouse import ClickHouseStore

        return ClickHouseStore.from_url(settings.clickhouse_url)
    from .embedded import EmbeddedStore

    return EmbeddedStore(settings.home / "results.sqlite3")


__all__ = ["ResultStore", "SweepInfo", "open_store"]
