"""The national, provincial and unit views of the results in headless Chromium,
on a desktop and on a 390 px phone: every table readable (it scrolls
sideways inside its box; no cell squeezed to a character a line), chart labels
that never overlap.  Screenshots: artifacts/results-<view>-<width>.png."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal_client import PASSWORD, build_world
from pucha.store import open_store
from results_world import AS_OF, add_owned_site, card, store_sweep
from test_portal_browser import base_url, browser  # noqa: F401  (fixtures)
from test_results_rollup import SITES

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def world(app, db_url):
    """The roll-up fleet: two provinces, a department with its vertical system, cities, counties."""
    w = build_world(db_url)
    cards = []
    for owner, sites in SITES.items():
        for name, home, region, veto, tenths in sites:
            _, code, _ = add_owned_site(db_url, w.units[owner], name, home, region)
            cards.append(card(home, name, region, "", veto=veto, tenths=tenths, site_code=code, candidate=False))
    store = open_store(app.state.settings)
    store_sweep(store, cards)
    store.close()
    return w


def _page(browser, base_url, username: str, width: int):
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    return page


def _overlaps(boxes: list[dict]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes) if i < j
            and a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]]


LINES = """els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);
  const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
  return [e.innerText.trim(), tops.size]; })"""


def _no_squeezed_cells(page) -> None:
    """Every table cell keeps three characters or more on a line (squeezed cells held one)."""
    for text, lines in page.locator("main td, main th").evaluate_all(LINES):
        if len(text) >= 3:
            assert len(text) / max(lines, 1) >= 3, (text, lines)


def _check_readable(page, width: int) -> None:
    # The page itself never scrolls sideways: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    for table in ("#units", "#sites"):
        if page.locator(table).count() == 0:
            continue
        # A cell holding a name keeps it on one line (at least two characters wide, one line high).
        for cell in page.locator(f"{table} td:first-child").all():
            box = cell.bounding_box()
            assert box["width"] >= 2 * 14 and box["height"] < 3 * 14 * 1.6, (table, cell.inner_text(), box)
    _no_squeezed_cells(page)
    for chart in ("#pass-chart", "#veto-chart"):
        if page.locator(chart).count():
            labels = [t.bounding_box() for t in page.locator(f"{chart} svg > text").all()]
            assert not _overlaps([b for b in labels if b]), chart


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("form", list(WIDTHS))
def test_results_views_readable_on_desktop_and_phone(browser, base_url, world, form):
    width = WIDTHS[form]
    ARTIFACTS.mkdir(exist_ok=True)
    for view, username, unit, expect in (("national", "national", "national", "国家税务总局办公厅"),
                                         ("provincial", "bj", "bj", "西城区人民政府办公室"),
                                         ("unit", "xc_edu", "xc_edu", "西城区教委长沙合作办学网站")):
        page = _page(browser, base_url, username, width)
        page.goto(f"{base_url}/results/units/{world.units[unit]}?as_of={AS_OF}")
        assert expect in page.inner_text("main"), view
        _check_readable(page, width)
        page.screenshot(path=str(ARTIFACTS / f"results-{view}-{form}.png"), full_page=True)
        page.context.close()
    # Down to a site's card with its evidence and its probes.
    page = _page(browser, base_url, "xc_edu", width)
    page.goto(f"{base_url}/results/units/{world.units['xc_edu']}?as_of={AS_OF}")
    page.click("#sites a:text('西城区教育委员会网站')")
    assert "栏目不更新" in page.inner_text("main") and page.locator("#probe-chart svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    _no_squeezed_cells(page)
    page.screenshot(path=str(ARTIFACTS / f"results-site-{form}.png"), full_page=True)
    page.context.close()
    # The 0 % units (湖南, 国家税务总局) still show a bar, in red.
    page = _page(browser, base_url, "national", width)
    page.goto(f"{base_url}/results/units/{world.units['national']}?as_of={AS_OF}")
    assert page.locator("#pass-chart rect.bar.bad").count() == 2
    assert page.locator("#pass-chart rect.bar.ok").count() == 1
    page.context.close()
