"""Kafka topics: one per event kind, ``<prefix>.<kind>``, created by pucha (see the package doc)."""
from __future__ import annotations

from typing import Iterable

from kafka import KafkaAdminClient
from kafka import errors as kafka_errors
from kafka.admin import NewTopic

from pucha.errors import ServiceUnavailable
from pucha.events import KINDS

CONNECT_TIMEOUT_MS = 8000  # how long "Kafka does not answer" takes to say


def topic_name(prefix: str, kind: str) -> str:
    return f"{prefix}.{kind}"


def all_topics(prefix: str, kinds: Iterable[str] | None = None) -> list[str]:
    return [topic_name(prefix, k) for k in sorted(kinds or KINDS)]


def _unavailable(bootstrap: str, exc: BaseException) -> ServiceUnavailable:
    return ServiceUnavailable("Kafka", bootstrap, type(exc).__name__)


def ensure_topics(bootstrap: str, prefix: str = "pucha", partitions: int = 12,
                  kinds: Iterable[str] | None = None) -> list[str]:
    """Create the topics of every event kind that do not exist yet; returns their names."""
    names = all_topics(prefix, kinds)
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, bootstrap_timeout_ms=CONNECT_TIMEOUT_MS,
                                 request_timeout_ms=30000)
    except kafka_errors.KafkaError as exc:
        raise _unavailable(bootstrap, exc) from None
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(n, partitions, 1) for n in names if n not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except kafka_errors.TopicAlreadyExistsError:
                pass  # another worker made them first
    except kafka_errors.KafkaConnectionError as exc:
        raise _unavailable(bootstrap, exc) from None
    finally:
        admin.close()
    return names
