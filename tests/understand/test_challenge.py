"""Firewall challenges are recognised, plain cookie scripts are passable, real pages are never challenges.

The challenge pages here are written for the tests after the published ones the markers come from
(crawler/understand/challenge.toml names them): the same status, the same kind of script, the same
words, not their bytes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.understand.challenge import read_challenge

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-pages"


def html(body: str, title: str = "", head: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>").encode("utf-8")


PLAIN_412 = html("<script>document.cookie=\"waf_ok=7f3a9c; path=/\";location.reload();</script>")
# 加速乐's first stage: the value is computed by JavaScript arithmetic, not written out.
JSL_521 = (b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
           b"+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+((1+[2])/[2]+'')+('|')+('-');"
           b"location.href=location.pathname+location.search</script>")
# 瑞数-style: a 412 page that only loads and runs an obfuscated script.
RS_412 = html("<script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=81234;$_ts.cd='qhxx';</script>"
              "<script src='/Xk2bQ/c.FxJzG50F.js' r='m'></script>")
BLOCK_200 = html("<div><h1>您的请求带有不合法参数，已被网站管理员设置拦截！</h1><p>可能原因：您提交的内容包含危险的攻击请求</p>"
                 "<p>如何解决：1）检查提交内容；2）普通网站访客，请联系网站管理员</p></div>", "网站防火墙")
CHUANGYU_403 = html("<p>当前访问疑似黑客攻击，已被网站管理员设置为拦截</p><img src='/ks_waf_error.png'>", "创宇盾")
CHECKING_200 = html("<p>安全检查中……请稍候</p><script src='/js/check.js'></script>", "安全检查")
WZWS_493 = html("<p>&nbsp;</p><script src='/wzws-waf-cgi/check.js'></script>")


@pytest.mark.parametrize("status,body,passable,cookies", [
    (412, PLAIN_412, True, {"waf_ok": "7f3a9c"}),
    (202, html("<script>document.cookie='yjs_use_ob=0; path=/'; window.location.href=window.location.href"
               "</script>"), True, {"yjs_use_ob": "0"}),
    (200, html("<script>document.cookie=('acw')+('_ok=1');location.replace(location.href)</script>"), True,
     {"acw_ok": "1"}),
    (521, JSL_521, False, {}),
    (412, RS_412, False, {}),
    (200, BLOCK_200, False, {}),
    (403, CHUANGYU_403, False, {}),
    (200, CHECKING_200, False, {}),
    (493, WZWS_493, False, {}),
])
def test_challenges_are_recognised(status, body, passable, cookies):
    found = read_challenge(status, body)
    assert found is not None
    assert found.passable is passable and found.cookies == cookies
    assert found.status == status and f"HTTP {status}" in found.reason


def test_cookies_set_by_the_challenges_header_are_kept_for_the_reload():
    found = read_challenge(412, PLAIN_412, None, [b"__sid=abc; Path=/; HttpOnly"])
    assert found.cookies == {"__sid": "abc", "waf_ok": "7f3a9c"}


def test_gbk_block_page_is_read_in_its_encoding():
    body = "<html><head><meta charset='gbk'><title>拦截</title></head><body>访问被拦截</body></html>".encode("gbk")
    assert read_challenge(200, body) is not None


def test_rate_limit_is_not_the_sites_failure():
    found = read_challenge(429, b"Too Many Requests")
    assert found is not None and not found.passable and "429" in found.reason


@pytest.mark.parametrize("status,body", [
    (200, html("<ul>" + "".join(f"<li><a href='/a{i}.html'>新闻{i}</a></li>" for i in range(40)) + "</ul>", "首页")),
    # A real article that quotes a firewall's words is long: it is a page, not a challenge.
    (200, html("<p>本网站部署了网站防火墙，" + "保障政务信息安全。" * 120 + "</p>", "关于加强网络安全的通知")),
    # A homepage that forwards by script (common on these sites) sets no cookie: not a challenge.
    (200, html("<script>window.location.href='/xxgk/index.html';</script>")),
    (404, html("<p>页面不存在</p>", "404")),
    (202, b""),
    (412, html("<p>Precondition Failed</p>")),
    (302, html("<script>document.cookie='a=1';location.reload()</script>")),
])
def test_real_answers_are_not_challenges(status, body):
    assert read_challenge(status, body) is None


def test_none_of_the_labelled_real_pages_is_a_challenge():
    samples = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))["samples"]
    assert samples
    for s in samples:
        assert read_challenge(200, (REAL / s["file"]).read_bytes()) is None, s["file"]
