"""`pucha sweep`: crawl, probe, check, score and store every registered site (CONTRACT §2).

Embedded (no services configured) everything runs in this process: Scrapy's
own scheduler, the in-process hand-off (pucha.bus.LocalHandOff), the
embedded store.  Each site is scored as soon as its SiteDone is stored, from
what the store holds, so an interrupted sweep resumed with ``--resume``
skips the finished sites and double-counts nothing.  With Redis, Kafka and
ClickHouse configured the same command submits the sweep to the workers
(pucha.distributed).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date

from pucha.registry.records import SiteRecord
from pucha.settings import Settings
from pucha.store.base import SweepInfo


@dataclass
class SweepOptions:
    as_of: date
    sites: list[str] | None = None
    local_workers: int | None = None
    resume: str | None = None
    progress: bool = True


@dataclass
class SweepSummary:
    sweep: str
    as_of: str
    sites: int
    passed: int = 0
    failed: int = 0
    pages: int = 0
    checks: int = 0
    probes: int = 0
    seconds: float = 0.0
    vetoes: dict[str, int] = field(default_factory=dict)

    def add_cards(self, cards) -> "SweepSummary":
        """Count verdicts and vetoes of the sweep's scorecard records."""
        for card in cards:
            if card["verdict"] == "pass":
                self.passed += 1
            else:
                self.failed += 1
            for v in card["vetoes"]:
                self.vetoes[v["rule"]] = self.vetoes.get(v["rule"], 0) + 1
        return self

    def text(self) -> str:
        lines = [f"普查完成 sweep {self.sweep} (监测时间点 {self.as_of}): {self.sites} 个网站, "
                 f"合格 {self.passed}, 不合格 {self.failed}; 页面 {self.pages}, 链接检查 {self.checks}, "
                 f"首页探测 {self.probes}; 用时 {self.seconds:.1f} s"]
        if self.vetoes:
            lines.append("单项否决: " + ", ".join(f"{k} {v}" for k, v in sorted(self.vetoes.items())))
        lines.append(f"pucha report --as-of {self.as_of} --format table")
        return "\n".join(lines)


def select_sites(cfg: Settings, urls: list[str] | None) -> list[SiteRecord]:
    from pucha.cli import UserError
    from pucha.db import ensure_db
    from pucha.registry.loader import load_sites, normalise_url

    ensure_db(cfg.database_url)
    sites = [s for s in load_sites(cfg.database_url) if s.status != "merged"]
    if urls:
        wanted = {normalise_url(u) for u in urls}
        unknown = wanted - {s.home_url for s in sites}
        if unknown:
            raise UserError(f"未登记的网站: {', '.join(sorted(unknown))} (先 pucha registry import)")
        sites = [s for s in sites if s.home_url in wanted]
    if not sites:
        raise UserError("登记库中没有网站: 先运行 pucha registry import PATH")
    return sites


def new_sweep_id(as_of: date) -> str:
    return f"{as_of.isoformat()}T{time.strftime('%H%M%S', time.gmtime())}-{int(time.time() * 1000) % 100000:05d}"


def run_sweep(cfg: Settings, opts: SweepOptions) -> SweepSummary:
    if cfg.distributed:
        from pucha.distributed.submit import run_distributed_sweep

        return run_distributed_sweep(cfg, opts)
    return run_embedded_sweep(cfg, opts)


def run_embedded_sweep(cfg: Settings, opts: SweepOptions) -> SweepSummary:
    from crawler.run import run_crawl
    from pucha.bus import LocalHandOff
    from pucha.progress import SweepProgress
    from pucha.store import open_store
    from scorers.scoring import SiteScorer

    sites = select_sites(cfg, opts.sites)
    store = open_store(cfg)
    sweep = opts.resume or new_sweep_id(opts.as_of)
    skip: set[str] = set()
    if opts.resume:
        info = store.sweep(opts.resume)
        if info is None:
            from pucha.cli import UserError

            raise UserError(f"没有编号为 {opts.resume} 的普查任务")
        skip = store.done_sites(sweep) & {s.home_url for s in sites}
        if hasattr(store, "discard_partial"):
            store.discard_partial(sweep, {s.home_url for s in sites} - skip)
    else:
        store.begin_sweep(SweepInfo(sweep, opts.as_of.isoformat(), time.time(), sites=len(sites),
                                    params=json.dumps({"probe_rounds": cfg.probe_rounds,
                                                       "probe_interval": cfg.probe_interval,
                                                       "probe_timeout": cfg.probe_timeout,
                                                       "link_timeout": cfg.link_timeout})))
    scorer = SiteScorer(store, sweep, {s.home_url: s for s in sites}, opts.as_of, cfg.rulebook)
    handoff = LocalHandOff(store, on_site_done=scorer.score_and_store)
    started = time.monotonic()
    totals = {"sites_done": len(sites), "probes": (len(sites) - len(skip)) * cfg.probe_rounds}
    with SweepProgress(totals, enabled=opts.progress) as bar:
        counts = run_crawl(cfg, [s for s in sites if s.home_url not in skip], sweep=sweep, as_of=opts.as_of,
                           sink=handoff, on_tick=lambda c: bar.update(
                               {**c, "sites_done": c.get("sites_done", 0) + len(skip)}))
    handoff.close()
    for home in skip:  # finished before the interruption: rescore from the store, cheaply
        scorer.score_and_store(home)
    store.finish_sweep(sweep)
    return SweepSummary(sweep, opts.as_of.isoformat(), len(sites), pages=counts.get("pages", 0),
                        checks=counts.get("checks", 0), probes=counts.get("probes", 0),
                        seconds=time.monotonic() - started).add_cards(scorer.cards.values())
