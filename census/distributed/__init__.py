"""Running pucha on many machines (SPEC §6): the three worker loops (worker.py: crawl, score,
ingest), the crawl processes they start (crawlproc.py), the sweep submitted to them (submit.py,
board.py) and their health probe (health.py).  Kafka for the events is pucha.transport.kafka,
ClickHouse for the store pucha.store.clickhouse, Redis for the crawl frontier crawler.frontier."""
