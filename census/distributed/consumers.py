"""The two consumer roles wired to their transport: Kafka in, the configured store out.

The roles themselves (scorers.stream.run_scorer, ingest.kafka_to_store.run_ingest) take any
EventSource and ResultStore; here the application picks Kafka and the store of the settings.
``python -m census.distributed.consumers score|ingest`` runs one until SIGTERM/SIGINT (tests
kill it with SIGKILL), with no service check around it, unlike ``pucha worker``.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading

from census import metrics
from pucha.logjson import use_json_logs
from pucha import settings as settings_mod
from pucha.errors import ServiceUnavailable
from pucha.settings import Settings
from pucha.store import open_store
from pucha.transport.kafka import KafkaSource


def _wired(settings: Settings, group: str, role: str):
    """The role's source and store, counted for /metrics when PUCHA_METRICS_PORT is set."""
    source, store = KafkaSource.from_settings(settings, group), open_store(settings)
    if metrics.serve(settings):
        return metrics.MeasuredSource(source, role), metrics.CountingStore(store, role)
    return source, store


def score_from_kafka(settings: Settings, stop: threading.Event | None = None, **kw):
    from scorers.stream import GROUP, run_scorer

    return run_scorer(settings, *_wired(settings, GROUP, "score"), stop, **kw)


def ingest_from_kafka(settings: Settings, stop: threading.Event | None = None, **kw):
    from ingest.kafka_to_store import GROUP, run_ingest

    return run_ingest(*_wired(settings, GROUP, "ingest"), stop, **kw)


def main(argv: list[str] | None = None) -> int:
    role = (argv if argv is not None else sys.argv[1:] or ["score"])[0]
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    use_json_logs(settings_mod.load().log_format == "json")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        if role == "score":
            stats = score_from_kafka(settings_mod.load(), stop)
            print(f"scorer: {stats.events} events, {stats.scored} sites scored ({stats.from_store} from the store)",
                  flush=True)
        elif role == "ingest":
            stats = ingest_from_kafka(settings_mod.load(), stop)
            print(f"ingest: {stats.rows} events stored in {stats.batches} batches", flush=True)
        else:
            print(f"unknown role {role!r}: score or ingest", file=sys.stderr)
            return 2
    except ServiceUnavailable as exc:
        print(exc, flush=True)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
