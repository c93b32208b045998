"""The monitor's persisted schedule position: what a restarted monitor resumes from.

The position is a watermark W (every slot due before W is stored) plus the
slots due at or after W that are stored already (a slow probe holds W back
while later ones finish).  It is saved right after each batch of events is
written to the store, so a restart re-probes only slots whose events were
not yet written, and those carry the same event ids anyway (the slot is part
of a Probe's identity): the store keeps one per slot.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .monitor_db import checkpoint as table, monitor_engine


@dataclass
class Position:
    watermark: float
    per_day: int
    done: dict[tuple[str, str], float] = field(default_factory=dict)  # (site, slot name) -> due
    closed_day: date | None = None


class Checkpoint:
    """One named position in the registry database's monitor_checkpoint table."""

    def __init__(self, db_url: str, name: str = "monitor"):
        self.engine = monitor_engine(db_url)
        self.name = name

    def load(self) -> Position | None:
        with self.engine.connect() as c:
            row = c.execute(select(table).where(table.c.name == self.name)).mappings().first()
        if row is None:
            return None
        done = {(site, name): due for site, name, due in json.loads(row["done"])}
        closed = date.fromisoformat(row["closed_day"]) if row["closed_day"] else None
        return Position(row["watermark"], row["per_day"], done, closed)  # type: ignore[arg-type]

    def save(self, pos: Position) -> None:
        values = {"watermark": pos.watermark, "per_day": pos.per_day,
                  "done": json.dumps(sorted([s, n, d] for (s, n), d in pos.done.items()), ensure_ascii=False),
                  "closed_day": pos.closed_day.isoformat() if pos.closed_day else None, "updated": time.time()}
        with self.engine.begin() as c:
            n = c.execute(table.update().where(table.c.name == self.name).values(**values)).rowcount
            if not n:
                c.execute(table.insert().values(name=self.name, **values))
