"""The portal's result table over 100,000 generated sites, from the embedded
store and from ClickHouse: the region table and one page of a region's
site table through the real routes (in-process client, national office
logged in), beside the bare store queries they stand on.

    .venv/bin/python bench/bench_results_table.py [--sites 100000] [--clickhouse]

Target: each rendered table under a second.  --clickhouse starts a private
clickhouse-server as the tests do (tests/servicekit).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "portal")]

AS_OF = "2026-11-20"
REGIONS = [f"{p}省{c}市" for p in ("河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东",
                                    "河南", "湖北", "湖南", "广东", "海南", "四川")
           for c in ("甲", "乙")]


def cards(n: int, sweep: str) -> list[dict]:
    rng = random.Random(2015)
    out = []
    for i in range(n):
        veto = rng.random() < 0.15
        home = f"http://site{i}.example.gov.cn/"
        out.append({"home_url": home, "name": f"网站{i}", "region": REGIONS[i % len(REGIONS)], "site_code": None,
                    "site_type": "部门网站", "rulebook": "2015", "as_of": AS_OF, "sweep": sweep,
                    "verdict": "fail" if veto else "pass", "total_tenths": rng.randint(0, 120),
                    "fail_above_tenths": 400,
                    "vetoes": [{"rule": "veto.stale_columns", "veto": True, "tenths": 0,
                                "evidence": [{"test": "a", "count": 5, "urls": [home + "gzdt/"]}]}] if veto else [],
                    "deductions": [{"rule": "availability.links", "veto": False, "tenths": 3,
                                    "evidence": [{"url": home + "x.html", "status": 404}]}],
                    "needs_review": []})
    return out


def timed(label: str, fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    print(f"  {label:<52} {best * 1000:8.0f} ms")
    return best, result


def run(settings, label: str, n: int) -> None:
    from portal.app import create_app
    from portal_client import Portal, build_world
    from pucha.db import init_db
    from pucha.store import open_store
    from pucha.store.base import SweepInfo

    db_url = f"sqlite:///{settings.home / 'portal.sqlite3'}"
    init_db(db_url)
    build_world(db_url)
    store = open_store(settings)
    sweep = f"{AS_OF}T000000-00001"
    store.begin_sweep(SweepInfo(sweep, AS_OF, time.time(), sites=n))
    t = time.perf_counter()
    batch = cards(n, sweep)
    for i in range(0, n, 20000):
        store.write_scorecards(sweep, batch[i:i + 20000])
    store.finish_sweep(sweep)
    print(f"{label}: {n} scorecards written in {time.perf_counter() - t:.1f} s")
    app = create_app(settings, db_url=db_url)
    client = Portal(app)
    client.login("national")
    region = REGIONS[0]
    timed("baseline: store.region_table(as_of)", lambda: store.region_table(AS_OF))
    _, page = timed("route GET /results (region table, rendered)", lambda: client.get(f"/results?as_of={AS_OF}"))
    assert page.status_code == 200 and region in page.text, page.text[:500]
    timed(f"baseline: store.scorecards(as_of, region) ({n // len(REGIONS)} sites)",
          lambda: store.scorecards(AS_OF, region))
    _, page = timed("route GET /results/sites?region= (page 1, rendered)",
                    lambda: client.get(f"/results/sites?region={region}&as_of={AS_OF}"))
    assert page.status_code == 200 and f"共 {n // len(REGIONS)} 个网站" in page.text
    timed("route GET /results/export (Excel of the region table)", lambda: client.get(f"/results/export?as_of={AS_OF}"))
    client.close()
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--clickhouse", action="store_true")
    args = parser.parse_args()
    from pucha import settings as pucha_settings

    with tempfile.TemporaryDirectory(prefix="bench-results-") as tmp:
        home = Path(tmp) / "embedded"
        settings = pucha_settings.load(environ={"PUCHA_HOME": str(home)}, config=Path(tmp) / "absent.toml")
        run(settings, "embedded store", args.sites)
        if args.clickhouse:
            from servicekit.clickhouse import ClickHouseServer

            with ClickHouseServer(Path(tmp) / "clickhouse") as server:
                settings = pucha_settings.load(environ={"PUCHA_HOME": str(Path(tmp) / "ch"),
                                                        "PUCHA_CLICKHOUSE_URL": server.url_for("bench")},
                                               config=Path(tmp) / "absent.toml")
                run(settings, "ClickHouse store", args.sites)
    return 0


if __name__ == "__main__":
    sys.exit(main())
