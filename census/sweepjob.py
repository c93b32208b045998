"""What a sweep is, shared by the embedded sweep (census.sweep) and the distributed one
(census.distributed.submit): its options, its summary, its id and the sites it covers."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from pucha.errors import UserError
from pucha.registry.records import SiteRecord
from pucha.settings import Settings


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
    processes: int = 1  # crawl processes of an embedded sweep
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
                 f"首页探测 {self.probes}; 用时 {self.seconds:.1f} s"
                 + (f" ({self.processes} 个抓取进程)" if self.processes > 1 else "")]
        if self.vetoes:
            lines.append("单项否决: " + ", ".join(f"{k} {v}" for k, v in sorted(self.vetoes.items())))
        lines.append(f"pucha report --as-of {self.as_of} --format table")
        return "\n".join(lines)


class SiteSource:
    """The sites a sweep covers (registered, not merged), read from the registry in batches.

    Iterating streams them (pucha.registry.loader.iter_sites, ``batch`` a query) and can be done
    again; ``len`` counts them in the database.  The scorer looks a site up with ``get``: the
    records handed out and not yet ``release``d are kept for it, so a sweep holds the sites in
    flight, not the registry."""

    def __init__(self, database_url: str | None, homes: set[str] | None = None, batch: int | None = None):
        from pucha.registry.loader import BATCH

        self.database_url = database_url
        self.wanted = homes  # None: every site
        self.batch = batch or BATCH
        self.queries = 0  # batches read so far (the bench and the tests look)
        self._live: dict[str, SiteRecord] = {}
        self._len: int | None = None

    def _iter(self, homes: set[str] | None) -> Iterator[SiteRecord]:
        from pucha.registry.loader import iter_sites

        def counted() -> None:
            self.queries += 1

        return iter_sites(self.database_url, exclude_status=("merged",), homes=homes, batch=self.batch,
                          on_query=counted)

    def __iter__(self) -> Iterator[SiteRecord]:
        return self._iter(self.wanted)

    def for_crawl(self, skip: set[str] = frozenset()) -> Iterator[SiteRecord]:
        """The sites to crawl, but ``skip``; each kept for ``get`` until it is released."""
        for record in self._iter(self.wanted):
            if record.home_url not in skip:
                self._live[record.home_url] = record
                yield record

    def __len__(self) -> int:
        if self._len is None:
            from pucha.registry.loader import count_sites

            self._len = (count_sites(self.database_url, exclude_status=("merged",)) if self.wanted is None
                         else len(self.homes()))
        return self._len

    def homes(self) -> set[str]:
        from pucha.registry.loader import site_homes

        homes = site_homes(self.database_url, exclude_status=("merged",))
        return homes if self.wanted is None else homes & self.wanted

    def get(self, home_url: str) -> SiteRecord | None:
        record = self._live.get(home_url)
        if record is None:  # not streamed in this run (a resumed sweep's finished sites): one query
            record = next(self._iter({home_url}), None)
        return record

    def release(self, home_url: str) -> None:
        self._live.pop(home_url, None)


def select_sites(cfg: Settings, urls: list[str] | None, batch: int | None = None) -> SiteSource:
    from pucha.db import ensure_db
    from pucha.registry.loader import normalise_url

    ensure_db(cfg.database_url)
    wanted = {normalise_url(u) for u in urls} if urls else None
    sites = SiteSource(cfg.database_url, wanted, batch)
    if wanted:
        unknown = wanted - sites.homes()
        if unknown:
            raise UserError(f"未登记的网站: {', '.join(sorted(unknown))} (先 pucha registry import)")
    if not len(sites):
        raise UserError("登记库中没有网站: 先运行 pucha registry import PATH")
    return sites


def new_sweep_id(as_of: date) -> str:
    return f"{as_of.isoformat()}T{time.strftime('%H%M%S', time.gmtime())}-{int(time.time() * 1000) % 100000:05d}"
