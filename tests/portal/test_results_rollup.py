"""Results rolled up the units' tree: the same numbers in the portal's page,
its Excel workbook and /api/v1; a 填报单位 with sites in two regions sees
both; the workbook prints as an office signs it."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from portal_client import Portal, build_world
from pucha.db import session_scope
from pucha.store import open_store
from results_world import AS_OF, add_owned_site, card, store_sweep

SITES = {  # owner: [(name, home, region, veto, tenths)]
    "xc_edu": [("西城区教育委员会网站", "http://edu.bjxch.gov.cn/", "北京市西城区", True, 13),
               ("西城区教委长沙合作办学网站", "http://cs-coop.bjxch.gov.cn/", "湖南省长沙市", False, 25)],
    "dc_edu": [("东城区教育委员会网站", "http://www.bjdch.gov.cn/", "北京市东城区", False, 7)],
    "cs_gov": [("长沙市人民政府网站", "http://www.changsha.gov.cn/", "湖南省长沙市", False, 450)],
    "tax_bj_web": [("国家税务总局北京市税务局网站", "http://beijing.chinatax.gov.cn/", "国家税务总局", True, 10)],
}


@pytest.fixture(params=["embedded", pytest.param("clickhouse", marks=pytest.mark.services)])
def app(request, settings, db_url):
    """The portal on the embedded store, or on a ClickHouse database of the test's own."""
    from portal.app import create_app

    if request.param == "clickhouse":
        settings = settings.replace(clickhouse_url=request.getfixturevalue("clickhouse_url"))
    return create_app(settings, db_url=db_url)


@pytest.fixture
def fleet(app, db_url):
    world = build_world(db_url)
    ids, cards = {}, []
    for owner, sites in SITES.items():
        for name, home, region, veto, tenths in sites:
            sid, code, _ = add_owned_site(db_url, world.units[owner], name, home, region)
            ids[home] = sid
            cards.append(card(home, name, region, "", veto=veto, tenths=tenths, site_code=code, candidate=False))
    store = open_store(app.state.settings)
    store_sweep(store, cards)
    store.close()
    return world, ids


def login(app, name: str) -> Portal:
    c = Portal(app)
    c.login(name)
    return c


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S) if "<td" in row]


def _token(db_url: str, username: str) -> str:
    from portal.api import tokens
    from portal.models import Account
    from sqlalchemy import select

    with session_scope(db_url) as s:
        return tokens.issue(s, s.scalar(select(Account).where(Account.username == username)), "测试")


def test_rollup_agrees_in_portal_excel_and_api(app, fleet, db_url):
    world, _ = fleet
    national = login(app, "national")
    page = national.get(f"/results/units/{world.units['national']}?as_of={AS_OF}")
    assert page.status_code == 200, page.text[:500]
    rows = {r[0]: r for r in _rows(page.text, "units")}
    # 全国 → 两个省 and 国务院部门 (with its vertical system) directly below
    assert set(rows) == {"北京市人民政府办公厅", "湖南省人民政府办公厅", "国家税务总局办公厅", "合计"}
    # name, kind, sites, passed, failed, pass rate, mean deduction, vetoes(栏目不更新)
    assert rows["北京市人民政府办公厅"][2:7] == ["3", "2", "1", "66.7", "1.5"]
    assert rows["湖南省人民政府办公厅"][2:7] == ["1", "0", "1", "0.0", "45.0"]
    assert rows["国家税务总局办公厅"][2:7] == ["1", "0", "1", "0.0", "1.0"]
    assert rows["合计"][2:7] == ["5", "2", "3", "40.0", "10.1"]
    assert 'id="pass-chart"' in page.text and 'id="veto-chart"' in page.text
    # Drill down: the department's vertical system, then its reporting unit, then the site's card.
    tax = national.get(f"/results/units/{world.units['tax']}?as_of={AS_OF}").text
    assert [r[0] for r in _rows(tax, "units")] == ["北京市税务局", "合计"]
    web = national.get(f"/results/units/{world.units['tax_bj_web']}?as_of={AS_OF}").text
    link = re.search(r'href="(/results/site/\d+\?as_of=[^"]+)">国家税务总局北京市税务局网站', web).group(1)
    assert "栏目不更新" in national.get(link).text

    book = load_workbook(io.BytesIO(national.get(f"/results/units/{world.units['national']}/export?as_of={AS_OF}").content))
    sheet = book["各单位评分结果"]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    head = next(i for i, v in enumerate(values) if v[0] == "单位")
    by_name = {str(v[0]).strip("　"): v for v in values[head + 1:] if v[0]}
    assert by_name["北京市人民政府办公厅"][2:7] == [3, 2, 1, 66.7, 1.5]
    assert by_name["湖南省人民政府办公厅"][2:7] == [1, 0, 1, 0.0, 45.0]
    assert by_name["合计"][2:7] == [5, 2, 3, 40.0, 10.1]

    api = Portal(app)
    anonymous = api.get(f"/api/v1/rollup?as_of={AS_OF}")
    assert anonymous.status_code == 404  # no finished campaign: nothing published yet
    doc = api.get(f"/api/v1/rollup?as_of={AS_OF}", headers={"Authorization": f"Bearer {_token(db_url, 'national')}"})
    assert doc.status_code == 200, doc.text
    api_rows = {r["name"]: r for r in doc.json()["rows"]}
    for name, expect in (("北京市人民政府办公厅", [3, 2, 1, 66.7, 1.5]), ("湖南省人民政府办公厅", [1, 0, 1, 0.0, 45.0]),
                         ("全国政府网站普查办公室", [5, 2, 3, 40.0, 10.1])):
        r = api_rows[name]
        assert [r["sites"], r["passed"], r["failed"], r["pass_rate"], r["mean_deduction"]] == expect
    assert api_rows["北京市税务局"]["vetoes"] == {"veto.stale_columns": 1}


def test_reporting_unit_with_sites_in_two_regions_sees_both(app, fleet, db_url):
    world, ids = fleet
    edu = login(app, "xc_edu")
    # The old per-region list cannot hold two regions at once: it sends the unit to its tree.
    assert edu.get("/results/sites").headers["location"] == "/results/units"
    start = edu.get("/results/units")
    assert start.status_code == 303 and start.headers["location"] == f"/results/units/{world.units['xc_edu']}"
    page = edu.get(start.headers["location"])
    assert page.status_code == 200
    names = {r[0] for r in _rows(page.text, "sites")}
    assert names == {"西城区教育委员会网站", "西城区教委长沙合作办学网站"}
    assert edu.get(f"/results/site/{ids['http://cs-coop.bjxch.gov.cn/']}").status_code == 200
    # Not another unit's, not the one above.
    assert edu.get(f"/results/units/{world.units['xc']}").status_code == 404
    assert edu.get(f"/results/site/{ids['http://www.changsha.gov.cn/']}").status_code == 404
    token = _token(db_url, "xc_edu")
    cards = Portal(app).get(f"/api/v1/scorecards?as_of={AS_OF}", headers={"Authorization": f"Bearer {token}"}).json()
    assert {c["home_url"] for c in cards["cards"]} == {"http://edu.bjxch.gov.cn/", "http://cs-coop.bjxch.gov.cn/"}
    assert cards["cards"][0]["deductions"][0]["evidence"]  # with its evidence


def test_workbook_prints_as_an_office_signs_it(app, fleet):
    world, _ = fleet
    bj = login(app, "bj")
    data = bj.get(f"/results/units/{world.units['bj']}/export?as_of={AS_OF}").content
    sheet = load_workbook(io.BytesIO(data))["各单位评分结果"]
    text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert text[0].startswith("全国政府网站普查评分结果汇总") and f"监测时间点：{AS_OF}" in text
    assert "单位：北京市人民政府办公厅" in text
    for words in ("单位负责人：", "审核人：", "填报人：", "联系电话：", "填报日期："):
        assert words in text
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    head = next(r for r in sheet.iter_rows() if r[0].value == "单位")[0].row
    assert sheet.print_title_rows == f"${head}:${head}"  # repeated on every printed page


def test_card_workbook_evidence_reads_as_words(app, fleet):
    _, ids = fleet
    data = login(app, "xc_edu").get(f"/results/site/{ids['http://edu.bjxch.gov.cn/']}/export?as_of={AS_OF}").content
    book = load_workbook(io.BytesIO(data))
    rows = [[c.value for c in r] for r in book["问题证据"].iter_rows()]
    assert rows[2][0] == "单位：西城区教育委员会"
    head = [r[0] for r in rows].index("部门/地区")
    assert rows[head][3:5] == ["一级指标", "二级指标"] and rows[head][7] == "存在的问题"
    links = next(r for r in rows[head:] if r[4] == "链接可用性")
    assert links[3] == "网站可用性" and "HTTP 状态：404" in links[7] and "{" not in links[7]
    stale = next(r for r in rows[head:] if r[4] == "栏目不更新")
    assert "栏目“工作动态”" in stale[7] and "2026-09-01" in stale[7]
    # 附件2's order: the five vetoes first, then the deductions.
    sites = [[c.value for c in r] for r in book["网站评分"].iter_rows()]
    head = next(r for r in sites if r[0] == "部门/地区")
    assert head[8].startswith("站点无法访问") and head[13].startswith("首页可用性")


def test_workbook_time_is_beijing_time():
    import datetime as dt

    import time_machine
    from census.report.layout import made_at

    # 23:30 UTC on 3 December is 07:30 on 4 December in Beijing: the office's date.
    with time_machine.travel(dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.timezone.utc), tick=False):
        assert made_at() == "2026-12-04 07:30"


def test_week_of_probes_a_bar_a_beijing_day():
    import datetime as dt

    from portal.charts import probe_days, probe_week_chart

    # 20 probes a day for 7 days from 23:00 UTC (07:00 next day in Beijing); day 3 fails 2 of 20.
    start = dt.datetime(2026, 11, 13, 23, 0, tzinfo=dt.timezone.utc).timestamp()
    probes = [{"at": start + d * 86400 + k * 1800, "ok": not (d == 2 and k < 2), "elapsed_ms": 100}
              for d in range(7) for k in range(20)]
    days = probe_days(probes)
    assert [r["day"] for r in days] == [f"2026-11-{14 + d}" for d in range(7)]
    assert [r["probes"] for r in days] == [20] * 7 and days[2]["availability"] == 90.0
    svg = str(probe_week_chart(probes))
    assert svg.count('class="bar bad"') == 1 and svg.count('class="bar ok"') == 6
