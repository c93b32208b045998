"""Part 2's main flows in headless Chromium: a site's scorecard with its
evidence and charts, the confirmation of a candidate, a region's table and
its Excel export, and the 通报; screenshots under artifacts/screenshots/.
(The recrawl with its progress runs in the browser in test_portal_recrawl's
HTTP flow; here its page is rendered from a finished job.)"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from portal_client import build_world
from pucha.store import open_store
from results_world import AS_OF, add_owned_site, card, store_sweep
from test_portal_browser import _login, _shot, base_url, browser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
HOME = "http://edu.bjxch.gov.cn/"


@pytest.fixture
def world(app, db_url):
    """build_world plus a scored site of 西城区 (overrides part 1's world fixture for base_url)."""
    w = build_world(db_url)
    site_id, code, _ = add_owned_site(db_url, w.units["xc_edu"], "西城区教育委员会网站", HOME, "北京市西城区")
    add_owned_site(db_url, w.units["dc_edu"], "东城区教育委员会网站", "http://www.bjdch.gov.cn/", "北京市东城区")
    store = open_store(app.state.settings)
    store_sweep(store, [card(HOME, "西城区教育委员会网站", "北京市西城区", "", veto=True, site_code=code),
                        card("http://www.bjdch.gov.cn/", "东城区教育委员会网站", "北京市东城区", "", tenths=25)],
                failed_probes=1)
    store.close()
    w.site_id = site_id
    return w


def test_scorecard_confirmation_table_and_tongbao_in_a_browser(browser, base_url, world, request):
    xc = _login(browser, base_url, "xc")
    xc.goto(f"{base_url}/results/site/{world.site_id}")
    assert "评分表：西城区教育委员会网站" in xc.inner_text("h1")
    assert xc.locator(f"a.evidence-url[href='{HOME}broken-0.html']").count() == 1
    assert "2026-09-01" in xc.inner_text("table.columns")
    chart = xc.locator("#probe-chart svg")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # the chart is drawn, not just present
    assert xc.locator("#probe-chart rect.bar.bad").count() == 1 and xc.locator("#probe-chart rect.bar.ok").count() == 19
    _shot(xc, "20-scorecard", request)

    xc.fill("#candidates input[name=note]", "错字属实")
    xc.click("#candidates button.confirm")
    xc.wait_for_load_state()
    assert "已确认该问题" in xc.inner_text(".flash")
    assert "严重错误" in xc.inner_text("main") and "已确认（xc）" in xc.inner_text("#candidates")
    _shot(xc, "21-confirmed", request)

    bj = _login(browser, base_url, "bj")
    bj.goto(f"{base_url}/results?as_of={AS_OF}")
    rows = bj.inner_text("#regions")
    assert "北京市西城区" in rows and "北京市东城区" in rows
    assert bj.locator("figure.chart svg rect.bar").count() == 2
    _shot(bj, "22-region-table", request)
    with bj.expect_download() as download:
        bj.click("#export")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows[0][0].startswith("全国政府网站普查评分结果")  # the title above the table
    assert next(r for r in rows if r[0] == "部门/地区")[:3] == ["部门/地区", "网站数", "合格"]
    bj.click("#regions a:text(\"北京市西城区\")")
    assert "西城区教育委员会网站" in bj.inner_text("#sites")
    _shot(bj, "23-region-sites", request)

    national = _login(browser, base_url, "national")
    national.goto(f"{base_url}/campaign")
    national.fill("#name", "第一次全国政府网站普查")
    national.fill("#as_of", AS_OF)
    for field, day in (("registration_deadline", "2020-04-25"), ("rectification_deadline", "2099-08-31"),
                       ("spotcheck_deadline", "2099-10-31"), ("summary_deadline", "2099-12-31")):
        national.fill(f"#{field}", day)
    national.click("#new-campaign button")
    national.wait_for_load_state()
    assert "东城区教育委员会" in national.inner_text("#below")
    _shot(national, "24-campaign", request)
    national.click("#tongbao")
    national.wait_for_load_state()
    assert "关于第一次全国政府网站普查情况的通报" in national.inner_text("h1")
    assert "严重错误" in national.inner_text("body")
    _shot(national, "25-tongbao", request)
