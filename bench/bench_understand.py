"""Pages per second of understand() over the real pages, beside a bare lxml parse.

    .venv/bin/python bench/bench_understand.py [--rounds N]

Both run in the same process on the same bytes, so the ratio says what
understanding costs over parsing alone on this machine, whatever its load.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import lxml.html

from crawler.understand import understand

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "real-pages" / "pages"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    bodies = [p.read_bytes() for p in sorted(PAGES.glob("*.html"))]
    if not bodies:
        raise SystemExit(f"no pages under {PAGES.resolve()}")
    as_of = dt.date(2026, 11, 26)
    n = len(bodies) * args.rounds
    kb = sum(len(b) for b in bodies) / len(bodies) / 1024

    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for b in bodies:
            lxml.html.fromstring(b)
    bare = n / (time.perf_counter() - t0)

    roles = ("home", "column", "page", "guide", "consultation")
    t0 = time.perf_counter()
    for r in range(args.rounds):
        for i, b in enumerate(bodies):
            understand(b, "http://www.example.gov.cn/col/index.html", None, as_of, roles[(r + i) % len(roles)])
    full = n / (time.perf_counter() - t0)

    print(f"{len(bodies)} real pages (mean {kb:.0f} KB), {args.rounds} rounds")
    print(f"lxml.html.fromstring: {bare:8.1f} pages/s  ({1000 / bare:.2f} ms/page)")
    print(f"understand():         {full:8.1f} pages/s  ({1000 / full:.2f} ms/page)")
    print(f"ratio understand/parse: {full / bare:.3f}")


if __name__ == "__main__":
    main()
