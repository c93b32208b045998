"""generate(): the fleet's profiles, deterministic for a seed.

The first sites are the hand-designed ones (pucha_fleet.designed); the rest
are drawn from the profile space.  ``pages_per_site`` lengthens the columns
with items over a year old, which changes no rule's outcome, so a benchmark
fleet keeps the same truths as the small one.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from pucha import categories as C
from pucha_fleet.builder import Builder, healthy
from pucha_fleet.designed import designed
from pucha_fleet.profiles import DATE_FORMS, ItemSpec, Profile

ENCODINGS_BY_FAMILY = {"trs": ("utf-8", "gbk"), "hanweb": ("utf-8", "gbk", "gb18030"),
                       "table": ("gb2312", "gbk", "gb18030"), "modern": ("utf-8",)}
LIST_SCALABLE = (C.NEWS, C.NOTICES, C.POLICIES, C.OTHER, C.DISCLOSURE_OTHER)


def generate(n_sites: int, seed: int, as_of: date, rounds: int, pages_per_site: int | None = None) -> list[Profile]:
    """``n_sites`` profiles: the hand-designed ones first, then random ones."""
    if n_sites < 0:
        raise ValueError(f"n_sites must not be negative, not {n_sites}")
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, not {rounds}")
    rng = random.Random(seed)
    profiles = designed(as_of, rounds, rng)[:n_sites]
    while len(profiles) < n_sites:
        profiles.append(random_site(len(profiles), as_of, rounds, rng))
    for p in profiles:
        if pages_per_site:
            lengthen(p, as_of, pages_per_site, rng)
        settle(p, as_of)
    return profiles


def random_site(i: int, as_of: date, rounds: int, rng: random.Random) -> Profile:
    family = rng.choice(("trs", "hanweb", "table", "modern"))
    encoding = rng.choice(ENCODINGS_BY_FAMILY[family])
    declaration = rng.choice(("none", "http-equiv", "header") if family == "table" else ("header", "meta", "http-equiv", "none"))
    site_type = rng.choices((C.PORTAL, "部门网站", "其他"), (4, 5, 1))[0]
    b = Builder(i, as_of, rng, family=family, encoding=encoding, declaration=declaration, site_type=site_type)
    healthy(b, home=False)
    p = b.p
    for col in p.columns:
        if col.items and col.category in (C.NEWS, C.NOTICES, C.POLICIES, C.PLANS, C.PERSONNEL, C.DISCLOSURE_OTHER):
            roll = rng.random()
            if roll < 0.2:  # stale by a little or by a lot
                shift = rng.choice((timedelta(days=rng.randint(10, 60)), relativedelta(months=rng.randint(6, 14))))
                for it in col.items:
                    it.date = it.date - shift if it.date else None
        col.date_form = rng.choice(DATE_FORMS)
        col.with_time = rng.random() < 0.3
        col.per_page = rng.choice((10, 15, 20))
    if rng.random() < 0.3:
        b.column(rng.choice((C.NEWS, C.NOTICES)), b.series(b.ago(days=rng.randint(0, 200)), rng.randint(1, 8), gap=7))
    if rng.random() < 0.2:
        b.column(C.OTHER, empty_text=rng.choice(("暂无信息", "暂无数据", None)))
    if rng.random() < 0.05:
        b.column(C.OTHER, [b.ago(days=2)], opens=rng.choice(("404", "500")))
    if rng.random() < 0.1:
        news = p.column("xwdt")
        news.items[:0] = [ItemSpec(b.new_id(), b.title(), b.ago(years=2), pinned=True) for _ in range(2)]
    consult = p.column("zxzx")
    consult.letter_style = rng.choice(("dates", "status"))
    consult.letters = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.random()
        if kind < 0.6:  # answered within the month, mostly
            sub = b.ago(days=rng.randint(0, 500))
            b.letters(consult, [(sub, min(sub + timedelta(days=rng.randint(1, 30)), as_of), "replied")])
        elif kind < 0.8:  # still open, mostly recent
            b.letters(consult, [(b.ago(days=rng.randint(0, 60)), None, rng.choice(("unreplied", "processing", None)))])
        elif kind < 0.95:
            b.letters(consult, [(b.ago(days=rng.randint(0, 500)), None, "replied")])
        else:  # answered late
            sub = b.ago(days=rng.randint(100, 300))
            b.letters(consult, [(sub, sub + timedelta(days=95), "replied")])
    for key in ("dczj", "hdft"):
        col = p.column(key)
        col.items = [ItemSpec(b.new_id(), b.title(), b.ago(days=rng.randint(0, 500))) for _ in range(rng.randint(0, 8))]
        col.items.sort(key=lambda it: it.date, reverse=True)
    if rng.random() < 0.15:
        dropped = rng.choice((C.CONSULTATION, C.SURVEY, C.INTERVIEW))
        p.columns = [c for c in p.columns if c.category != dropped]
    guides = p.column("bszn")
    for _ in range(rng.randint(0, 2)):
        b.guide(guides, layout=rng.choice(("table", "dl", "para")), synonyms=rng.random() < 0.5,
                missing=tuple(rng.sample(("设定依据", "办理时间", "联系电话", "办理流程"), rng.randint(0, 2))),
                attachments=tuple(rng.choice(("ok", "ok", "404", "empty")) for _ in range(rng.randint(0, 2))),
                opens=rng.random() > 0.1)
    if rng.random() < 0.1:
        p.column("wsbs").system_state = rng.choice(("404", "503", "nohost"))
    if rng.random() < 0.25:
        p.probe_failures = {r: rng.choice(("503", "hang", "reset")) for r in rng.sample(range(1, rounds + 1), min(rounds, rng.randint(1, 2)))}
    if family != "hanweb" and rng.random() < 0.15:
        p.home_kind = "navigation"
        # Pinned old items would push fresh ones to page 2, where "the second-level page's items" is unclear.
        for col in p.columns:
            col.items = [it for it in col.items if not it.pinned]
    else:
        b.home_from("xwdt", rng.randint(6, 12))
        b.home_from("tzgg", 5)
        b.home_from("zcwj", 5)
    p.home_date_form = rng.choice(DATE_FORMS)
    places = ["home", "about", "column:xwdt", b.first_article()]
    for _ in range(rng.randint(0, 3)):
        b.link(rng.choice(("internal404", "external404", "nohost", "loop", "image404")), rng.choice(places))
    if rng.random() < 0.1:
        b.link("soft404", rng.choice(places))
    if rng.random() < 0.1:
        b.link(rng.choice(("calendar", "bigpage")), b.first_article())
    p.traditional = encoding != "gb2312" and rng.random() < 0.15
    p.robots = rng.choice((None, None, "plain"))
    return p


def lengthen(p: Profile, as_of: date, pages_per_site: int, rng: random.Random) -> None:
    """Append items over a year old to the list columns until the site has about ``pages_per_site`` pages."""
    cols = [c for c in p.columns if c.category in LIST_SCALABLE and c.items and c.opens == "ok"]
    if not cols:
        return
    pages = sum(c.n_entries + c.n_entries // max(c.per_page, 1) + 1 for c in p.columns)
    old = as_of - relativedelta(years=1, days=30)
    k = 0
    next_id = max([it.id for c in p.columns for it in c.items] + [x.id for c in p.columns for x in c.letters]
                  + [g.id for c in p.columns for g in c.guides]) + 1
    while pages < pages_per_site:
        col = cols[k % len(cols)]
        col.items.append(ItemSpec(next_id, f"{p.region[-3:]}历史信息第{next_id % 100000}号", old - timedelta(days=k)))
        next_id += 1
        k += 1
        pages += 1 + (1 if len(col.items) % max(col.per_page, 1) == 0 else 0)


def yearless_ok(dates, as_of: date) -> bool:
    """(MM-DD) reads as the latest such date not after as_of: right only inside (as_of - 1 year, as_of]."""
    floor = as_of - relativedelta(years=1)
    return all(d is None or (floor < d <= as_of and (d.month, d.day) != (2, 29)) for d in dates)


def settle(p: Profile, as_of: date) -> None:
    """Make the profile renderable as the truth reads it (year-less dates only where unambiguous)."""
    if p.encoding == "gb2312":
        p.traditional = False  # GB2312 has no Traditional characters
    for col in p.columns:
        dates = [it.date for it in col.items] + [g.date for g in col.guides]
        if col.date_form == "yearless" and not yearless_ok(dates, as_of):
            col.date_form = "iso"
    if p.home_date_form == "yearless":
        shown = [it.date for hl in p.home_lists for it in (p.column(hl.column).items + [ItemSpec(g.id, g.title, g.date) for g in p.column(hl.column).guides]) if it.id in hl.item_ids]
        if not yearless_ok(shown, as_of):
            p.home_date_form = "iso"
