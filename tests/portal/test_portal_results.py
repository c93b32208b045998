"""Inspection and results over HTTP: region tables and their Excel, a
site's scorecard with its evidence, confirmations and manual deductions
counted in the tables, the self-assessment, and registry drift; on the
embedded store and on ClickHouse."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from portal_client import PASSWORD  # noqa: F401  (accounts of build_world use it)
from pucha.store import open_store
from results_world import AS_OF, SERIOUS, add_owned_site, card, store_sweep

XC_HOME, CS_HOME, DC_HOME = "http://edu.bjxch.gov.cn/", "http://www.changsha.gov.cn/", "http://www.bjdch.gov.cn/"


@pytest.fixture(params=["embedded", pytest.param("clickhouse", marks=pytest.mark.services)])
def store_settings(request, settings):
    """The portal's settings pointing at the embedded store or at a ClickHouse database of the test's own."""
    if request.param == "clickhouse":
        return settings.replace(clickhouse_url=request.getfixturevalue("clickhouse_url"))
    return settings


@pytest.fixture
def results_app(store_settings, db_url):
    from portal.app import create_app

    return create_app(store_settings, db_url=db_url)


@pytest.fixture
def sites(results_app, db_url):
    from portal_client import build_world

    world = build_world(db_url)
    xc = add_owned_site(db_url, world.units["xc_edu"], "西城区教育委员会网站", XC_HOME, "北京市西城区")
    dc = add_owned_site(db_url, world.units["dc_edu"], "东城区教育委员会网站", DC_HOME, "北京市东城区")
    cs = add_owned_site(db_url, world.units["cs_gov"], "长沙市人民政府网站", CS_HOME, "湖南省长沙市")
    store = open_store(results_app.state.settings)
    store_sweep(store, [card(XC_HOME, "西城区教育委员会网站", "北京市西城区", "", veto=True, site_code=xc[1]),
                        card(DC_HOME, "东城区教育委员会网站", "北京市东城区", "", tenths=25),
                        card(CS_HOME, "长沙市人民政府网站", "湖南省长沙市", "", tenths=7, candidate=False)])
    yield {"world": world, "xc": xc, "dc": dc, "cs": cs, "store": store}
    store.close()


@pytest.fixture
def client(results_app):
    from portal_client import Portal

    opened = []

    def login(name: str) -> Portal:
        c = Portal(results_app)
        c.login(name)
        opened.append(c)
        return c

    yield login
    for c in opened:
        c.close()


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S) if "<td" in row]


def test_region_table_per_account_and_its_excel(sites, client):
    national = client("national")
    page = national.get("/results")
    assert page.status_code == 200 and "<svg" in page.text
    rows = {r[0]: r for r in _rows(page.text, "regions")}
    assert set(rows) == {"北京市西城区", "北京市东城区", "湖南省长沙市"}
    assert rows["北京市西城区"][1:5] == ["1", "0", "1", "1.3"]  # sites, passed, failed, average deduction
    assert rows["北京市东城区"][1:5] == ["1", "1", "0", "2.5"]

    beijing = {r[0] for r in _rows(client("bj").get("/results").text, "regions")}
    assert beijing == {"北京市西城区", "北京市东城区"}
    xicheng = client("xc")
    assert {r[0] for r in _rows(xicheng.get("/results").text, "regions")} == {"北京市西城区"}
    other = xicheng.get("/results/sites?region=北京市东城区").text
    assert "东城区教育委员会网站" not in other and "共 0 个网站" in other
    assert client("hn").get(f"/results/site/{sites['xc'][0]}").status_code == 404

    book = load_workbook(io.BytesIO(national.get(f"/results/export?as_of={AS_OF}").content))
    sheet = book["各地区评分结果"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "全国政府网站普查评分结果（按部门/地区）" and values[1][0] == f"监测时间点：{AS_OF}"
    values = values[[v[0] for v in values].index("部门/地区"):]  # below the title, 监测时间点 and unit
    assert values[0][:5] == ["部门/地区", "网站数", "合格", "不合格", "平均扣分"]
    assert any(v[0] == "合计" for v in values) and any(v[0] == "单位负责人：" for v in values)
    assert ["北京市西城区", 1, 0, 1, 1.3] == values[[v[0] for v in values].index("北京市西城区")][:5]
    assert "单项否决：栏目不更新" in values[0]

    sites_book = load_workbook(io.BytesIO(xicheng.get("/results/sites/export?region=北京市西城区").content))
    rows = [[c.value for c in r] for r in sites_book.active.iter_rows()]
    rows = rows[[r[0] for r in rows].index("部门/地区"):]
    assert rows[1][:5] == ["北京市西城区", "西城区教育委员会网站", XC_HOME, sites["xc"][1], "不合格"]
    assert rows[2][0] == "合计：1 个网站"  # one site, then the totals line


def test_scorecard_shows_the_evidence(sites, client):
    page = client("xc_edu").get(f"/results/site/{sites['xc'][0]}").text
    assert f'href="{XC_HOME}broken-0.html"' in page  # the broken link, as a link
    assert "HTTP 状态：404" in page
    deductions = _rows(page, "deductions")
    assert deductions[0][0].startswith("链接可用性") and deductions[0][1] == "1.3"
    assert "栏目不更新" in page and '<td class="newest">2026-09-01</td>' in page
    assert "国务院办工厅" in page and 'id="probe-chart"' in page
    # A reporting unit reads; it does not decide.
    assert "确认</button>" not in page and "/recrawl" not in page
    card_xlsx = load_workbook(io.BytesIO(client("xc").get(f"/results/site/{sites['xc'][0]}/export").content))
    evidence = [[c.value for c in r] for r in card_xlsx["问题证据"].iter_rows()]
    assert any(r[6] == f"{XC_HOME}broken-0.html" for r in evidence)


def test_confirmation_and_manual_deductions_count_in_the_tables(sites, client, db_url):
    dc_id = sites["dc"][0]
    edu = client("dc_edu")
    refused = edu.form(f"/results/site/{dc_id}/decide", {"candidate_id": SERIOUS, "action": "confirm"})
    assert refused.status_code == 403  # a reporting unit cannot confirm its own problems away or in
    dongcheng = client("dc")
    unknown = dongcheng.form(f"/results/site/{dc_id}/decide", {"candidate_id": "ffffffffffffffff", "action": "confirm"})
    assert unknown.status_code == 400 and "没有待确认问题" in unknown.text
    bad = dongcheng.form(f"/results/site/{dc_id}/manual", {"accuracy.basic_info": "three"})
    assert bad.status_code == 400 and "基本信息准确性" in bad.text

    assert dongcheng.form(f"/results/site/{dc_id}/decide",
                          {"candidate_id": SERIOUS, "action": "confirm", "note": "错字属实"}).status_code == 303
    page = dongcheng.get(f"/results/site/{dc_id}").text
    assert '<td id="verdict" class="fail">不合格</td>' in page and "已确认（dc）" in page
    national = client("national")
    rows = {r[0]: r for r in _rows(national.get("/results").text, "regions")}
    assert rows["北京市东城区"][1:4] == ["1", "0", "1"]
    assert "单项否决：严重错误" in national.get("/results").text

    assert dongcheng.form(f"/results/site/{dc_id}/decide", {"candidate_id": SERIOUS, "action": "reject"}).status_code == 303
    assert dongcheng.form(f"/results/site/{dc_id}/manual",
                          {"accuracy.basic_info": "3", "accuracy.service_guide": "2"}).status_code == 303
    page = dongcheng.get(f"/results/site/{dc_id}").text
    assert '<td id="total">7.5</td>' in page and "已否定（dc）" in page  # 2.5 scanned + 3 + 2 by hand
    rows = {r[0]: r for r in _rows(client("bj").get("/results").text, "regions")}
    assert rows["北京市东城区"][1:5] == ["1", "1", "0", "7.5"]
    # The core's report reads the same decisions (pucha report / pucha review share them).
    from census.report import build_report
    from scorers.decision_store import load_decisions

    report = build_report(sites["store"].scorecards(AS_OF), AS_OF, load_decisions(db_url))
    assert {s["home_url"]: s["total_deduction"] for s in report["sites"]}[DC_HOME] == 7.5


def test_self_assessment_by_codes(sites, client):
    site_id, code, check = sites["xc"]
    edu = client("xc_edu")
    wrong = edu.form("/self-assessment", {"site_code": code, "check_code": "WRONG123"})
    assert wrong.status_code == 400 and "不正确" in wrong.text
    assert edu.get(f"/self-assessment/{site_id}").status_code == 404  # not verified yet
    other = client("dc_edu").form("/self-assessment", {"site_code": code, "check_code": check})
    assert other.status_code == 400  # the codes of another unit's site open nothing
    assert client("xc").get("/self-assessment").status_code == 403  # organisation units score, not self-assess

    ok = edu.form("/self-assessment", {"site_code": code, "check_code": check})
    assert ok.status_code == 303 and ok.headers["location"] == f"/self-assessment/{site_id}"
    page = edu.get(f"/self-assessment/{site_id}").text
    assert "栏目不更新" in page and f"{XC_HOME}broken-0.html" in page
    bad = edu.form(f"/self-assessment/{site_id}", {"accuracy.basic_info": "-1", "submit": "1"})
    assert bad.status_code == 400 and "0 到 1000" in bad.text
    assert edu.form(f"/self-assessment/{site_id}", {"accuracy.basic_info": "2", "accuracy.service_guide": "0",
                                                    "note": "已整改栏目", "submit": "1"}).status_code == 303
    assert 'id="submitted"' in edu.get(f"/self-assessment/{site_id}").text
    again = edu.form(f"/self-assessment/{site_id}", {"accuracy.basic_info": "0", "submit": "1"})
    assert again.status_code == 400 and "已提交" in again.text
    above = client("bj").get(f"/results/site/{site_id}").text
    assert "填报单位自查" in above and "基本信息准确性 2 项" in above and "已整改栏目" in above
    # A self-assessment is the unit's own statement: it moves no score.
    assert '<td id="total">1.3</td>' in above


def test_registry_drift_is_shown_to_the_responsible_unit(sites, client):
    store = sites["store"]
    store_sweep(store, [card(XC_HOME, "西城区教育委员会网站", "北京市西城区", "")], final_url="http://www.moved.gov.cn/")
    store_sweep(store, [card(DC_HOME, "东城区教育委员会网站", "北京市东城区", "")], title="某某公司官方网站")
    xicheng = client("xc")
    assert xicheng.form("/drift/scan").status_code == 303
    edu = client("xc_edu")
    page = edu.get("/drift").text
    assert "首页跳转到其他域名" in page and "http://www.moved.gov.cn/" in page
    assert f'href="/manage/sites/{sites["xc"][0]}"' in page and "东城区" not in page
    assert "首页跳转到其他域名" in edu.get(f"/results/site/{sites['xc'][0]}").text
    # The title case, found when the site's card is read; seen by the units above, not by others.
    client("dc_edu").get(f"/results/site/{sites['dc'][0]}")
    beijing = client("bj").get("/drift").text
    assert "首页标题与登记的网站名称不符" in beijing and "某某公司官方网站" in beijing
    assert "某某公司" not in client("hn").get("/drift").text
    # A later sweep that agrees with the registry settles the notice.
    store_sweep(store, [card(XC_HOME, "西城区教育委员会网站", "北京市西城区", "")])
    xicheng.form("/drift/scan")
    assert "moved.gov.cn" not in edu.get("/drift").text
