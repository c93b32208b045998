"""Events per second of the scorers on a million events for 1,000 sites, beside decoding alone (issue 2).

    .venv/bin/python bench/bench_scorer.py [--sites 1000] [--events-per-site 1000] [--seed 1]

Each site gets a realistic stream of its sweep's events (pucha.events):
homepage probes, pages with their links, link checks, list pages of every
registered column, consultation rows, service guides with attachments,
online systems, a text finding and the SiteDone, as JSON lines the way Kafka
carries them.  The passes below run over the same lines, interleaved site by
site so that the machine's load falls on all alike:

- decoding alone, three ways: the previous codec (``json.loads`` +
  ``from_dict``, still pucha's general path), orjson + ``from_dict`` (when
  orjson is installed; it is not a dependency), and pucha.events.from_json
  now (msgspec into the dataclasses);
- scoring: decode, apply to scorers.state.SiteState, score the site with
  scorers.engine.score_site, once with the previous codec (baseline) and
  once with from_json (target >= 100,000 events/s).

Generating the streams is not timed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pucha import categories as C  # noqa: E402
from pucha.events import (AttachmentCheck, GuideElements, InteractionRows, Item, Letter, LinkCheck, Links,  # noqa: E402
                          ListItems, Page, Probe, SiteDone, SystemCheck, TextFinding, from_dict, from_json)
from pucha.registry.records import ColumnRecord, SiteRecord  # noqa: E402
from scorers.engine import score_site  # noqa: E402
from pucha.rulebook import guide_elements, load_rulebook  # noqa: E402
from scorers.state import SiteState  # noqa: E402

AS_OF = date(2026, 11, 26)
SWEEP = "2026-11-26T000000-00001"
GUIDE_ELEMENTS = guide_elements()
# One site's stream by kind, per 1,000 events (a mid-sized county portal's sweep).
MIX = {"probe": 20, "page": 250, "links": 250, "link_check": 300, "list_items": 100,
       "interaction_rows": 10, "guide_elements": 40, "attachment_check": 20, "system_check": 4}


def site_record(i: int, rng: random.Random) -> SiteRecord:
    home = f"http://www{i}.example.gov.cn/"
    cols = []
    for n, cat in enumerate(C.CATEGORIES):
        for k in range(rng.randint(1, 3)):
            cols.append(ColumnRecord(cat, f"{cat}{k}", f"{home}col/{n}_{k}/index.html"))
    return SiteRecord(home, f"第{i}号人民政府", rng.choice(("北京市", "河北省", "四川省")),
                      rng.choice(C.SITE_TYPES), columns=tuple(cols))


def _day(rng: random.Random, stale: bool) -> str:
    days = rng.randint(200, 800) if stale else rng.randint(0, 40)
    return (AS_OF - timedelta(days=days)).isoformat()


def site_stream(site: SiteRecord, rng: random.Random, per_site: int) -> list[str]:
    """About ``per_site`` events of one site's sweep, as JSON lines."""
    scale = per_site / 1000
    n = {k: max(1, round(v * scale)) for k, v in MIX.items()}
    home, sw, ev = site.home_url, SWEEP, []
    stale = rng.random() < 0.2
    for r in range(n["probe"]):
        ok = rng.random() > 0.005
        ev.append(Probe(sw, home, f"r{r:02d}", home, ok, at=1.7e9 + r, status=200 if ok else None,
                        error=None if ok else "timeout", elapsed_ms=rng.randint(20, 900)))
    pages = [home] + [f"{home}art/{rng.randint(0, 10**6)}/t{p}.html" for p in range(n["page"] - 1)]
    for d, url in enumerate(pages):
        ok = rng.random() > 0.03
        ev.append(Page(sw, home, url, ok, status=200 if ok else 404, depth=min(d, 3),
                       role="home" if url == home else "page", title=f"标题{d}",
                       pub_date=_day(rng, stale), size=rng.randint(8000, 90000), at=1.7e9 + d))
    targets = [f"{home}art/{k}.html" for k in range(n["link_check"] - 40)] + \
              [f"http://ext{k}.gov.cn/" for k in range(40)]
    for url in pages[:n["links"]]:
        picked = tuple(rng.sample(targets, 30))
        ev.append(Links(sw, home, url, picked, tuple(rng.choice(("a", "a", "a", "img", "script")) for _ in picked)))
    for t in targets:
        ok = rng.random() > 0.002
        ev.append(LinkCheck(sw, home, t, ok, status=200 if ok else 404, error=None if ok else "http"))
    listed = [c for c in site.columns if c.category not in (C.CONSULTATION, C.GUIDES, C.ONLINE_SYSTEMS)]
    for k in range(n["list_items"]):
        col = listed[k % len(listed)] if k else ColumnRecord("", "", home)
        page_no = k // len(listed) + 1
        items = tuple(Item(f"条目{k}-{j}", f"{col.url}t{k}_{j}.html", _day(rng, stale) if rng.random() > 0.05 else None)
                      for j in range(15))
        ev.append(ListItems(sw, home, col.url or home, f"{col.url or home}?p={page_no}",
                            "home" if not k else "column", page_no=page_no, items=items, status=200))
    consult = site.columns_of(C.CONSULTATION)
    for k in range(n["interaction_rows"]):
        col = consult[k % len(consult)]
        rows = []
        for j in range(10):
            sub = _day(rng, False)
            replied = (date.fromisoformat(sub) + timedelta(days=rng.randint(1, 40))).isoformat()
            rows.append(Letter(f"咨询{k}-{j}", f"{col.url}l{k}_{j}.html", sub,
                               replied if replied <= AS_OF.isoformat() else None, "replied"))
        ev.append(InteractionRows(sw, home, col.url, f"{col.url}?p={k + 1}", page_no=k // len(consult) + 1,
                                  rows=tuple(rows), status=200))
    guides = site.columns_of(C.GUIDES)
    for k in range(n["guide_elements"]):
        g = f"{guides[0].url}g{k}.html"
        ev.append(GuideElements(sw, home, g, guides[k % len(guides)].url,
                                found=tuple(e for e in GUIDE_ELEMENTS if rng.random() > 0.005)))
        if k < n["attachment_check"]:
            ev.append(AttachmentCheck(sw, home, g, f"{home}files/f{k}.doc", rng.random() > 0.01, status=200,
                                      size=rng.randint(0, 50000)))
    for k, col in enumerate(site.columns_of(C.ONLINE_SYSTEMS)[:n["system_check"]]):
        ev.append(SystemCheck(sw, home, col.url, rng.random() > 0.02, status=200))
    ev.append(TextFinding(sw, home, pages[1], "国务院办公厅", "misspelt_name", "……国务院办工厅……", "国务院办公厅"))
    counts: dict[str, int] = {}
    for e in ev:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    ev.append(SiteDone(sw, home, tuple(sorted(counts.items())), pages=len(pages), at=1.7e9 + 999))
    rng.shuffle(ev)  # the bus interleaves a site's kinds; the state must not care
    return [e.to_json() for e in ev]


def previous_codec(line: str):
    """The codec before msgspec: json.loads and from_dict (pucha's general path now)."""
    return from_dict(json.loads(line))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--events-per-site", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.sites < 1 or args.events_per_site < 50:
        raise SystemExit(f"--sites must be >= 1 and --events-per-site >= 50, got {args.sites}, {args.events_per_site}")
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}  cores {os.cpu_count()}  load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (other processes share these cores)", flush=True)
    try:
        import orjson
    except ImportError:
        orjson = None
    decoders = {"json.loads + from_dict (previous)": previous_codec, "from_json (msgspec)": from_json}
    if orjson is not None:
        decoders["orjson.loads + from_dict"] = lambda line: from_dict(orjson.loads(line))
    scorers_ = {"previous codec": previous_codec, "from_json (msgspec)": from_json}
    rng = random.Random(args.seed)
    book = load_rulebook("2015")
    total = 0
    t_decode = dict.fromkeys(decoders, 0.0)
    t_score = dict.fromkeys(scorers_, 0.0)
    verdicts: dict[str, dict[str, int]] = {k: {} for k in scorers_}
    for i in range(args.sites):
        site = site_record(i, rng)
        lines = site_stream(site, rng, args.events_per_site)
        total += len(lines)
        for name, decode in decoders.items():
            t0 = time.perf_counter()
            for line in lines:
                decode(line)
            t_decode[name] += time.perf_counter() - t0
        for name, decode in scorers_.items():
            t0 = time.perf_counter()
            state = SiteState(site.home_url, SWEEP)
            for line in lines:
                state.apply(decode(line))
            card = score_site(site, state, AS_OF, book)
            t_score[name] += time.perf_counter() - t0
            verdicts[name][card.verdict] = verdicts[name].get(card.verdict, 0) + 1
    if verdicts["previous codec"] != verdicts["from_json (msgspec)"]:
        raise SystemExit(f"the codecs gave different cards: {verdicts}")
    print(f"{args.sites} sites, {total} events ({total / args.sites:.0f} per site); cards: "
          + ", ".join(f"{k} {v}" for k, v in sorted(verdicts["from_json (msgspec)"].items())) + " (same with both codecs)")
    if orjson is None:
        print("orjson is not installed: its line is left out (pip install orjson==3.13.0 to compare)")
    base = total / t_decode["json.loads + from_dict (previous)"]
    for name, t in t_decode.items():
        print(f"decode only, {name:36s} {total / t:10.0f} events/s  ({t:.1f} s, {total / t / base:.2f}x previous)")
    base = total / t_score["previous codec"]
    for name, t in t_score.items():
        print(f"decode + SiteState + score_site, {name:20s} {total / t:10.0f} events/s  ({t:.1f} s, "
              f"{total / t / base:.2f}x previous)")
    print(f"decode + apply + score: {total / t_score['from_json (msgspec)']:.0f} events/s (target >= 100000)")


if __name__ == "__main__":
    main()
