"""`pucha sweep`: crawl, probe, check, score and store every registered site (SPEC §2).

Embedded (no services configured) everything runs in this process: Scrapy's
own scheduler, the in-process hand-off (pucha.transport.LocalHandOff), the
embedded store.  Each site is scored as soon as its SiteDone is stored, from
what the store holds, so an interrupted sweep resumed with ``--resume``
skips the finished sites and double-counts nothing.  With Redis, Kafka and
ClickHouse configured the same command submits the sweep to the workers
(census.distributed).
"""
from __future__ import annotations

import dataclasses
import json
import time

from pucha.errors import UserError
from pucha.settings import Settings
from pucha.store.base import SweepInfo

from census.sweepjob import SweepOptions, SweepSummary, new_sweep_id, select_sites


def run_sweep(cfg: Settings, opts: SweepOptions) -> SweepSummary:
    if cfg.distributed:
        from census.distributed.submit import run_distributed_sweep

        return run_distributed_sweep(cfg, opts)
    return run_embedded_sweep(cfg, opts)


def run_embedded_sweep(cfg: Settings, opts: SweepOptions) -> SweepSummary:
    from crawler.run import run_crawl
    from census import metrics
    from census.crawlpool import crawl_in_processes, processes_for
    from pucha.transport import LocalHandOff
    from census.progress import SweepProgress
    from pucha.store import open_store
    from scorers.scoring import SiteScorer

    sites = select_sites(cfg, opts.sites, cfg.registry_batch)  # a SiteSource: streamed from the registry, never held whole
    n_sites = len(sites)
    store = open_store(cfg)
    sweep = opts.resume or new_sweep_id(opts.as_of)
    skip: set[str] = set()
    if opts.resume:
        info = store.sweep(opts.resume)
        if info is None:
            raise UserError(f"没有编号为 {opts.resume} 的普查任务")
        homes = sites.homes()
        skip = store.done_sites(sweep) & homes
        store.discard_partial(sweep, homes - skip)
    else:
        store.begin_sweep(SweepInfo(sweep, opts.as_of.isoformat(), time.time(), sites=n_sites,
                                    params=json.dumps({"probe_rounds": cfg.probe_rounds,
                                                       "probe_interval": cfg.probe_interval,
                                                       "probe_timeout": cfg.probe_timeout,
                                                       "link_timeout": cfg.link_timeout})))
    measured = metrics.serve(cfg)
    scorer = SiteScorer(metrics.CountingStore(store, "sweep") if measured else store, sweep, sites, opts.as_of,
                        cfg.rulebook)
    summary = SweepSummary(sweep, opts.as_of.isoformat(), n_sites)

    def site_done(home: str) -> None:
        # Scored, counted and let go: neither the record nor the card stays for the whole sweep.
        scorer.score_and_store(home)
        sites.release(home)
        card = scorer.cards.pop(home, None)
        if card is not None:
            summary.add_cards([card])

    handoff = LocalHandOff(store, on_site_done=site_done)
    sink = metrics.CountingSink(handoff) if measured else handoff
    started = time.monotonic()
    totals = {"sites_done": n_sites, "probes": (n_sites - len(skip)) * cfg.probe_rounds}
    n = processes_for(cfg, n_sites - len(skip))
    with SweepProgress(totals, enabled=opts.progress) as bar:
        tick = lambda c: bar.update({**c, "sites_done": c.get("sites_done", 0) + len(skip)})  # noqa: E731
        if n > 1:  # each crawl process streams its share of the registry itself
            counts = crawl_in_processes(cfg, n, sites.wanted, skip, sweep=sweep, as_of=opts.as_of, sink=sink,
                                        on_tick=tick)
        else:
            counts = run_crawl(cfg, sites.for_crawl(skip), sweep=sweep, as_of=opts.as_of, sink=sink, on_tick=tick,
                               extra_settings={"EXTENSIONS": metrics.EXTENSIONS} if measured else None)
    handoff.close()
    for home in skip:  # finished before the interruption: rescore from the store, cheaply
        site_done(home)
    store.finish_sweep(sweep)
    return dataclasses.replace(summary, pages=counts.get("pages", 0), checks=counts.get("checks", 0),
                               probes=counts.get("probes", 0), seconds=time.monotonic() - started, processes=n)
