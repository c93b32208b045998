"""The whole distributed sweep -- crawl workers on the Redis frontier, events on Kafka, stream scorers and
ingest into ClickHouse -- gives the embedded sweep's scorecards, undisturbed and after each fault.

The fleet, its registry (PostgreSQL) and the embedded sweep are the session's
(conftest.py): every run here must reproduce those scorecards (verdict,
vetoes, deductions, needs_review), agree with the fleet's truth, and have
fetched every page the embedded sweep fetched.  Every process a test starts
runs in its own process group and is killed by the ``cluster`` fixture.
"""
from __future__ import annotations

import pytest

from distkit import Cluster, differences, fetched_pages, finish, progress, report_cards, wait_until
from sweepkit import SITES, base_env

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture(scope="module")
def embedded_pages(registry_home, embedded_cards) -> set[tuple[str, str]]:
    from pucha.store.embedded import EmbeddedStore

    store = EmbeddedStore(registry_home / "results.sqlite3")
    try:
        pages = fetched_pages(store, store.sweeps()[-1].sweep)
    finally:
        store.close()
    assert len(pages) > SITES, "the embedded sweep fetched hardly any pages"
    return pages


@pytest.fixture
def cluster(tmp_path):
    """Makes Clusters; every process they started is killed afterwards, also when the test fails."""
    made: list[Cluster] = []

    def make(env: dict[str, str]) -> Cluster:
        made.append(Cluster(env, tmp_path))
        return made[-1]

    yield make
    for c in made:
        c.close()


def dist_env(tmp_path, registry_home, redis_ns, bootstrap: str, prefix: str, clickhouse_url: str) -> dict:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return dict(base_env(registry_home), PUCHA_HOME=str(home),
                PUCHA_REDIS_URL=f"{redis_ns.url}?prefix={redis_ns.prefix}", PUCHA_KAFKA_BOOTSTRAP=bootstrap,
                PUCHA_KAFKA_TOPIC_PREFIX=prefix, PUCHA_KAFKA_PARTITIONS="4", PUCHA_CLICKHOUSE_URL=clickhouse_url,
                PUCHA_FRONTIER_LEASE="3")


def check_like_embedded(env: dict, embedded_cards: dict, embedded_pages: set, fleet) -> None:
    from census.demo import compare_with_truth
    from pucha.store.clickhouse import ClickHouseStore

    cards = report_cards(env)
    assert not differences(cards, embedded_cards)
    agree, diffs = compare_with_truth({"sites": list(cards.values())}, fleet.truth)
    assert agree == SITES, diffs
    store = ClickHouseStore.from_url(env["PUCHA_CLICKHOUSE_URL"])
    try:
        sweeps = store.sweeps()
        assert len(sweeps) == 1 and sweeps[0].status == "done", sweeps
        missing = embedded_pages - fetched_pages(store, sweeps[0].sweep)
    finally:
        store.close()
    assert not missing, f"{len(missing)} pages never fetched: {sorted(missing)[:10]}"


def test_local_workers_give_the_embedded_scorecards(tmp_path, cluster, registry_home, redis_ns, kafka_broker,
                                                   kafka_prefix, clickhouse_url, embedded_cards, embedded_pages,
                                                   fleet):
    env = dist_env(tmp_path, registry_home, redis_ns, kafka_broker.bootstrap, kafka_prefix, clickhouse_url)
    c = cluster(env)
    finish(c, c.sweep(local_workers=2))  # 2 crawl workers, 2 scorers, 1 ingest
    check_like_embedded(env, embedded_cards, embedded_pages, fleet)


def start_workers(c: Cluster) -> dict[str, list]:
    """The issue's cluster: 2 crawl workers, 2 scorers, 1 ingest, each its own `pucha worker`."""
    return {role: [c.worker(role) for _ in range(n)] for role, n in (("crawl", 2), ("score", 2), ("ingest", 1))}


def pages_a_third(env: dict, embedded_pages: set):
    return lambda: progress(env["PUCHA_REDIS_URL"]).get("pages", 0) >= len(embedded_pages) // 3


def test_a_crawl_worker_killed_mid_sweep_loses_nothing(tmp_path, cluster, registry_home, redis_ns, kafka_broker,
                                                      kafka_prefix, clickhouse_url, embedded_cards, embedded_pages,
                                                      fleet):
    env = dist_env(tmp_path, registry_home, redis_ns, kafka_broker.bootstrap, kafka_prefix, clickhouse_url)
    c = cluster(env)
    sweep = c.sweep(local_workers=0)
    workers = start_workers(c)
    wait_until("a third of the pages were fetched", pages_a_third(env, embedded_pages), sweep, c)
    assert progress(env["PUCHA_REDIS_URL"])["sites_done"] < SITES, "the crawl was over before the kill"
    c.kill(workers["crawl"][0])
    c.worker("crawl")  # another takes its place
    finish(c, sweep)
    check_like_embedded(env, embedded_cards, embedded_pages, fleet)


def test_a_scorer_killed_mid_sweep_loses_nothing(tmp_path, cluster, registry_home, redis_ns, kafka_broker,
                                                kafka_prefix, clickhouse_url, embedded_cards, embedded_pages, fleet):
    env = dist_env(tmp_path, registry_home, redis_ns, kafka_broker.bootstrap, kafka_prefix, clickhouse_url)
    c = cluster(env)
    sweep = c.sweep(local_workers=0)
    workers = start_workers(c)
    wait_until("a few sites were done", lambda: progress(env["PUCHA_REDIS_URL"]).get("sites_done", 0) >= 3,
               sweep, c)
    c.kill(workers["score"][0])  # the other scorer takes over its partitions; none replaces it
    finish(c, sweep)
    check_like_embedded(env, embedded_cards, embedded_pages, fleet)


def test_the_broker_restarted_mid_sweep_loses_nothing(tmp_path, cluster, registry_home, redis_ns, kafka_durable,
                                                     kafka_prefix, clickhouse_url, embedded_cards, embedded_pages,
                                                     fleet):
    env = dist_env(tmp_path, registry_home, redis_ns, kafka_durable.bootstrap, kafka_prefix, clickhouse_url)
    c = cluster(env)
    sweep = c.sweep(local_workers=0)
    start_workers(c)
    wait_until("a third of the pages were fetched", pages_a_third(env, embedded_pages), sweep, c)
    kafka_durable.restart(down_for=2.0)  # S3 storage: topics, records and offsets survive
    finish(c, sweep)
    check_like_embedded(env, embedded_cards, embedded_pages, fleet)


def test_clickhouse_restarted_mid_sweep_loses_nothing(tmp_path, cluster, registry_home, redis_ns, kafka_broker,
                                                     kafka_prefix, clickhouse_private, embedded_cards,
                                                     embedded_pages, fleet):
    env = dist_env(tmp_path, registry_home, redis_ns, kafka_broker.bootstrap, kafka_prefix,
                   clickhouse_private.url)
    c = cluster(env)
    sweep = c.sweep(local_workers=0)
    start_workers(c)
    wait_until("a third of the pages were fetched", pages_a_third(env, embedded_pages), sweep, c)
    clickhouse_private.restart(down_for=2.0)
    finish(c, sweep)
    check_like_embedded(env, embedded_cards, embedded_pages, fleet)
