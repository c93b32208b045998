"""crawler.render without a browser: which sites and requests, and the settings scrapy-playwright gets."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler import render
from crawler.settings import scrapy_settings
from pucha import settings


def _cfg(**env: str):
    return settings.load({"PUCHA_CONFIG": "", **env}, config="/nonexistent.toml")


def test_render_sites_are_homepages_or_hosts():
    cfg = _cfg(PUCHA_RENDER_SITES=" http://www.a.gov.cn/ , b.gov.cn,c.gov.cn:8080/x")
    assert render.render_hosts(cfg.render_sites) == {"www.a.gov.cn", "b.gov.cn", "c.gov.cn:8080"}
    assert render.always_rendered(cfg, "http://www.a.gov.cn/") and render.always_rendered(cfg, "https://b.gov.cn/")
    assert not render.always_rendered(cfg, "http://www.d.gov.cn/")
    off = _cfg(PUCHA_RENDER="off", PUCHA_RENDER_SITES="www.a.gov.cn")
    assert not render.enabled(off) and not render.always_rendered(off, "http://www.a.gov.cn/")


def test_a_rendered_page_fetches_only_from_its_own_host_and_no_images():
    def req(url, kind="script", nav=False, page="http://www.a.gov.cn/list/"):
        return SimpleNamespace(url=url, resource_type=kind, is_navigation_request=lambda: nav,
                               frame=SimpleNamespace(page=SimpleNamespace(url=page)))
    assert not render.abort_request(req("http://www.a.gov.cn/list/", "document", nav=True, page="about:blank"))
    assert not render.abort_request(req("http://www.a.gov.cn/api/list", "fetch"))
    assert render.abort_request(req("http://hm.baidu.com/hm.js"))
    assert render.abort_request(req("http://www.a.gov.cn/logo.png", "image"))
    assert render.abort_request(req("http://www.a.gov.cn/f.woff", "font"))


def test_scrapy_playwright_gets_the_system_browser_and_the_census_handler_stays():
    s = scrapy_settings(_cfg(PUCHA_BROWSER="/opt/chromium", PUCHA_RENDER_TIMEOUT="5"))
    assert s["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/opt/chromium"
    assert s["PLAYWRIGHT_LAUNCH_OPTIONS"]["headless"] is True
    assert s["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] == 5000
    assert s["DOWNLOAD_HANDLERS"]["http"] == "crawler.handlers.CensusDownloadHandler"
    assert "TWISTED_REACTOR" not in s  # Scrapy's default, the asyncio reactor scrapy-playwright needs
    meta = render.page_meta(_cfg(PUCHA_RENDER_TIMEOUT="5"))
    assert meta["playwright"] and meta["playwright_page_methods"][0].args == (5000,)


def test_a_render_mode_typo_is_an_error_not_a_silent_off():
    assert _cfg().render == "auto" and _cfg(PUCHA_RENDER=" OFF ").render == "off"
    with pytest.raises(settings.ConfigError, match="PUCHA_RENDER"):
        _cfg(PUCHA_RENDER="sometimes")
