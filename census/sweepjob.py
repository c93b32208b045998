"""What a sweep is, shared by the embedded sweep (census.sweep) and the distributed one
(census.distributed.submit): its options, its summary, its id and the sites it covers."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

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


def select_sites(cfg: Settings, urls: list[str] | None) -> list[SiteRecord]:
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
