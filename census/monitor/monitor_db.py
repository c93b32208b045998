"""The monitor's own tables, in the registry database (where the portal reads them).

- ``monitor_checkpoint``: the schedule position of a monitor, one row per
  checkpoint name (one per shard when monitors share the work; checkpoint.py);
- ``monitor_daily``: one row per site and day, the trends (trends.py);
- ``monitor_alert_state`` / ``monitor_alerts``: which veto thresholds a site is
  past, and the alerts sent when it crossed one (alerts.py); the portal
  shows ``monitor_alerts`` as its line per alert.

They are declared on ``pucha.db.Base`` and created by the Alembic revision
``0004_monitor``, like every other table (pucha/db.py).
"""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Engine, Float, Integer, String, Table, Text,
                        UniqueConstraint)

from pucha.db import Base, engine_for, ensure_db

metadata = Base.metadata

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
    # pending (not yet tried) | sending (a process is mailing it) | sent | logged (no SMTP configured)
    # | failed (tried; retried on the next run) | none (no address registered)
    Column("mail", String(10), nullable=False, index=True),
    Column("mail_error", Text),
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("claimed", Float),  # when a process took it for mailing (a dead sender's claim expires)
    Column("detected", Float),  # the monitor clock's time the crossing was seen (a probe, or the day's end)
    Column("created", Float, nullable=False),
    UniqueConstraint("site", "rule", "day", name="uq_monitor_alert"),
)


def monitor_engine(url: str) -> Engine:
    """The engine of the registry database ``url``, its schema (with the monitor's tables) up to date."""
    ensure_db(url)
    return engine_for(url)
