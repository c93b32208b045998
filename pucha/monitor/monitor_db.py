"""The monitor's own tables, in the registry database (where the portal reads them).

- ``monitor_checkpoint``: the schedule position of a monitor (see checkpoint.py);
- ``monitor_daily``: one row per site and day, the trends (see trends.py);
- ``monitor_alert_state`` / ``monitor_alerts``: which veto thresholds a site is
  past, and the alerts sent when it crossed one (see alerts.py); the portal
  shows ``monitor_alerts`` as its line per alert.

They live on their own MetaData and are created here with ``create_all``
rather than by an Alembic revision, so that the monitor does not fork the
migration chain while the portal adds its first revision; moving them into
a revision is a matter of copying these definitions.
"""
from __future__ import annotations

import functools

from sqlalchemy import (Boolean, Column, Engine, Float, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

from pucha.db import engine_for

metadata = MetaData()

checkpoint = Table(
    "monitor_checkpoint", metadata,
    Column("name", String(100), primary_key=True),
    Column("watermark", Float, nullable=False),  # every slot due before it is stored
    Column("done", Text, nullable=False, default="[]"),  # slots at or after it already stored
    Column("per_day", Integer, nullable=False),
    Column("closed_day", String(10)),  # the newest day closed (scored, trends, alerts)
    Column("updated", Float, nullable=False),
)

daily = Table(
    "monitor_daily", metadata,
    Column("site", String(1000), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("region", String(200), nullable=False, index=True),
    Column("probes", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("new_items", Integer, nullable=False),  # homepage items first seen that day
    Column("dated_items", Integer, nullable=False),  # homepage items whose date is that day
    Column("newest_date", String(10)),  # newest item date seen on the homepage up to that day
    Column("window_probes", Integer, nullable=False),  # the 7 days ending that day
    Column("window_failed", Integer, nullable=False),
    Column("verdict", String(10)),
)

alert_state = Table(
    "monitor_alert_state", metadata,
    Column("site", String(1000), primary_key=True),
    Column("rule", String(100), primary_key=True),
    Column("active", Boolean, nullable=False),
    Column("since", String(10), nullable=False),
)

alerts = Table(
    "monitor_alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(1000), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("region", String(200), nullable=False, index=True),
    Column("rule", String(100), nullable=False),
    Column("day", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("recipients", Text, nullable=False),
    Column("mail", String(10), nullable=False),  # sent | logged (no SMTP configured) | failed | none
    Column("mail_error", Text),
    Column("created", Float, nullable=False),
    UniqueConstraint("site", "rule", "day", name="uq_monitor_alert"),
)


@functools.lru_cache(maxsize=None)
def _created(url: str) -> Engine:
    engine = engine_for(url)
    metadata.create_all(engine, checkfirst=True)
    return engine


def monitor_engine(url: str) -> Engine:
    """The engine of the registry database ``url``, with the monitor's tables present."""
    return _created(url)
