"""Running pucha on many machines (CONTRACT §6): Kafka for the events (kafka.py), ClickHouse for the store
(pucha.store.clickhouse), Redis for the crawl frontier; the workers and the distributed sweep."""
