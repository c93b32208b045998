"""The sweep board in Redis: which sweep the crawl workers work on, and what it is.

The submitter (census.distributed.submit) publishes a sweep -- its id, as_of,
the homepage URLs of its sites, its start time (the probe rounds' clock) and
the crawl parameters given on its command line -- and makes it the active
one; every crawl worker reads it from here and the sites' records from the
registry database they share.  Ending the sweep clears ``active`` and expires
the sweep's frontier and ledger keys (crawler.frontier.keys).
"""
from __future__ import annotations

import json
from typing import Any

from crawler.frontier.keys import expire_sweep

# Settings a sweep's command line may change, and so travel with the sweep to every worker.
SWEEP_PARAMS = ("probe_rounds", "probe_interval", "probe_timeout", "link_timeout")


class SweepBoard:
    def __init__(self, client):
        self.client = client
        self.prefix = getattr(client, "pucha_prefix", "pucha:")

    def publish(self, sweep: str, info: dict[str, Any]) -> None:
        p = self.client.pipeline()
        p.hset(self.prefix + "sweeps", sweep, json.dumps(info, ensure_ascii=False))
        p.set(self.prefix + "active", sweep)
        p.execute()

    def active(self) -> dict[str, Any] | None:
        sweep = self.client.get(self.prefix + "active")
        return self.get(sweep.decode()) if sweep else None

    def get(self, sweep: str) -> dict[str, Any] | None:
        raw = self.client.hget(self.prefix + "sweeps", sweep)
        return json.loads(raw) if raw else None

    def end(self, sweep: str) -> None:
        active = self.client.get(self.prefix + "active")
        if active and active.decode() == sweep:
            self.client.delete(self.prefix + "active")
        self.client.hdel(self.prefix + "sweeps", sweep)
        expire_sweep(self.client, self.prefix, sweep)
