"""The main flows in a real headless Chromium (Debian's), against the portal
served by uvicorn on loopback; screenshots of the main pages are saved under
artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from portal_client import PASSWORD, served, site_form

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def base_url(app, world):
    with served(app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (bash .ci/run installs it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _shot(page, name: str, request) -> None:
    backend = request.node.callspec.params.get("db_url", "")
    page.screenshot(path=str(SHOTS / f"{name}-{backend}.png"), full_page=True)


def _login(browser, base_url, username, password=PASSWORD):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action='/login'] button")
    return page


def test_register_review_and_publish_in_a_browser(browser, base_url, smtp, request):
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(base_url)
    assert "全国政府网站普查报送系统" in visitor.inner_text("h1")
    _shot(visitor, "01-home", request)

    edu = _login(browser, base_url, "xc_edu")
    assert "工作台" in edu.inner_text("h1")
    _shot(edu, "02-dashboard", request)
    edu.goto(f"{base_url}/registrations/new")
    for field, value in site_form().items():
        if field == "site_type":
            edu.select_option("#site_type", value)
        else:
            edu.fill(f"[name='{field}']", value)
    edu.fill("#leader_email", "not-an-email")
    edu.click("form[action='/registrations'] button")
    assert "不是有效的电子邮箱" in edu.inner_text(".error")
    _shot(edu, "03-form-errors", request)
    edu.fill("#leader_email", "zhangsan@bjxch.gov.cn")
    edu.click("form[action='/registrations'] button")
    assert "草稿" in edu.inner_text("#state")
    edu.click("form[action$='/submit'] button")
    assert "审核中" in edu.inner_text("#state")
    _shot(edu, "04-submitted", request)
    registration = edu.url

    for name in ("xc", "bj"):
        reviewer = _login(browser, base_url, name)
        reviewer.goto(f"{base_url}/review")
        _shot(reviewer, f"05-review-{name}", request)
        reviewer.click("table a[href^='/registrations/']")
        reviewer.click("form[action$='/approve'] button")
        assert "已审核通过" in reviewer.inner_text(".flash")
    edu.goto(registration)
    assert "已通过" in edu.inner_text("#state")
    _shot(edu, "06-approved", request)
    for _ in range(200):  # the portal's outbox sends it in the background, right after the approval
        if smtp.to("zhangsan@bjxch.gov.cn"):
            break
        time.sleep(0.05)
    assert smtp.to("zhangsan@bjxch.gov.cn")
    edu.goto(registration)
    assert "已发送" in edu.inner_text("#mails")

    visitor.goto(f"{base_url}/sites?q=西城区")
    assert "共 1 个网站" in visitor.inner_text("#total")
    _shot(visitor, "07-public-search", request)
    visitor.click("text=西城区教育委员会网站")
    assert "1101020001" in visitor.inner_text("main")
    _shot(visitor, "08-public-site", request)
    visitor.click("text=向普查邮箱反映该网站的问题")
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", visitor.inner_text("label[for=challenge]")).groups())
    visitor.fill("#content", "通知公告栏目长期未更新")
    visitor.fill("#challenge", str(a + b))
    _shot(visitor, "09-mailbox", request)
    visitor.click("form[action='/mailbox'] button")
    tracking = visitor.inner_text("#tracking")
    visitor.click("text=查询办理情况")
    assert "办理中" in visitor.inner_text("#status") and tracking in visitor.inner_text("main")


def test_first_login_forces_a_password_change_in_a_browser(browser, base_url, request):
    province = _login(browser, base_url, "bj")
    province.goto(f"{base_url}/units")
    province.select_option("#kind", "county")
    province.fill("#name", "朝阳区人民政府办公室")
    province.fill("#code", "110105")
    province.fill("#username", "chaoyang")
    province.click("form[action='/units'] button:has-text('创建')")
    one_time = province.inner_text("#one-time-password")
    _shot(province, "10-units", request)
    county = _login(browser, base_url, "chaoyang", one_time)
    assert county.url.endswith("/password")
    _shot(county, "11-first-login", request)
    county.fill("#old_password", one_time)
    county.fill("#new_password", "Census2015xinmima")
    county.fill("#confirm", "Census2015xinmima")
    county.click("form[action='/password'] button")
    assert county.url.endswith("/dashboard") and "朝阳区" in county.inner_text("h1")
