"""The distributed crawl frontier on Redis (scrapy-redis, extended where its users found it short).

- ``scheduler.FrontierScheduler``: scrapy-redis's Scheduler with a queue per
  host (download slot) and hosts served by their next allowed time from one
  sorted set, popped requests *leased* until their callback has finished and
  its events are flushed, a lease that lapses puts the request back, and a
  shared queue that no worker's close flushes (the sweep ends it).
- ``queue.HostQueues``: those queues, each operation one Lua script.
- ``ledger.RedisLedger``: crawler.ledger.Ledger in Redis, so any worker can
  take any request of any site; ``journal`` makes a re-run of a lapsed
  request replay the ledger answers its first run got.
- ``probes.RedisProbeSchedule``: due probe rounds kept in Redis, not in one
  process's reactor.
- ``keys.SweepKeys``: every key of a sweep, and their expiry when it ends.
"""
