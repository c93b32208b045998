"""The generator: deterministic for a seed, covering every family, encoding, date form, pagination and trap."""
from __future__ import annotations

from datetime import date

from pucha_fleet.generate import generate
from pucha_fleet.profiles import DATE_FORMS, DECLARATIONS, ENCODINGS, FAMILIES, PAGINATIONS
from pucha_fleet.site import Net, Site
from pucha_fleet.truth import compute

AS_OF = date(2026, 11, 26)


def _net(profiles) -> Net:
    return Net({p.index: f"http://127.31.{p.index // 200}.{p.index % 200 + 1}:8000" for p in profiles},
               "http://127.31.250.1:8001", "http://127.31.251.1:8002")


def test_same_seed_same_fleet_other_seed_other_fleet():
    a = generate(40, 11, AS_OF, 20)
    assert a == generate(40, 11, AS_OF, 20)
    b = generate(40, 12, AS_OF, 20)
    assert a[:5] != b[:5] or a[31:] != b[31:]  # titles and the random sites differ
    assert [p.purpose for p in a] == [p.purpose for p in b]  # the hand-designed head is the same design


def test_default_fleet_covers_the_profile_space():
    ps = generate(40, 1, AS_OF, 20)
    cols = [c for p in ps for c in p.columns]
    assert {p.family for p in ps} == set(FAMILIES)
    assert {p.encoding for p in ps} == set(ENCODINGS)
    assert {p.declaration for p in ps} == set(DECLARATIONS)
    assert {c.date_form for c in cols if c.items} | {p.home_date_form for p in ps} >= set(DATE_FORMS)
    assert any(c.with_time for c in cols) and any(not c.with_time for c in cols)
    assert {c.pagination for c in cols} >= set(PAGINATIONS)
    assert {p.home_kind for p in ps} == {"normal", "navigation"}
    assert any(p.traditional for p in ps)
    assert any(p.traditional and c.empty_text for p in ps for c in p.columns)  # 暫無資訊
    assert {k for p in ps for k in p.probe_failures.values()} == {"503", "hang", "reset"}
    kinds = {spec.kind for p in ps for spec in p.links}
    assert kinds >= {"internal404", "external404", "nohost", "hang", "loop", "image404", "soft404", "calendar", "bigpage"}
    assert any(p.malformed_articles for p in ps)
    assert {p.robots for p in ps} >= {None, "plain", "delay"}
    assert {c.opens for c in cols} == {"ok", "404", "500"}
    assert {c.empty_text for c in cols if not c.items and not c.letters and not c.guides and c.category != "在线申报查询系统"} >= {"暂无信息", "暂无数据", None}
    assert {c.system_state for c in cols} >= {"ok", "404", "503", "nohost"}
    assert {c.letter_style for c in cols if c.letters} == {"dates", "status"}
    guides = [g for c in cols for g in c.guides]
    assert {g.layout for g in guides} == {"table", "dl", "para"}
    assert {a.state for g in guides for a in g.attachments} == {"ok", "404", "empty"}
    assert any(not g.opens for g in guides)
    assert any(lbl != e for g in guides for e, (lbl, _) in g.elements.items())  # synonyms
    assert any(v == "" for g in guides for _, v in g.elements.values())  # empty labels
    assert {p.site_type for p in ps} == {"门户网站", "部门网站", "其他"}


def test_every_page_renders_in_its_declared_encoding():
    ps = generate(40, 2, AS_OF, 20)
    for p in ps:
        site = Site(p, AS_OF, _net(ps))
        for path, route in site.routes.items():
            body = route.render()
            if isinstance(body, str) and route.ctype == "text/html" and route.status == 200:
                raw = body.encode(p.encoding)  # raises when a character does not exist there
                if p.encoding != "utf-8":
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError:
                        pass
                    else:
                        raise AssertionError(f"site {p.index} {path}: GB-encoded body is valid UTF-8")


def test_scales_to_a_benchmark_fleet_without_changing_any_outcome():
    small = generate(200, 5, AS_OF, 20)
    big = generate(200, 5, AS_OF, 20, pages_per_site=100)
    net = _net(big)
    pages = 0
    for s, b in zip(small, big):
        site = Site(b, AS_OF, net)
        pages += len(site.routes)
        ts, tb = compute(Site(s, AS_OF, net), 20), compute(site, 20)
        assert (ts["verdict"], ts["vetoes"], ts["deductions"]) == (tb["verdict"], tb["vetoes"], tb["deductions"]), b.index
    assert pages >= 20_000
