"""Soft 404s: a 200 page that says the page does not exist.

Said in the ``<title>`` (a 404 there, or a not-found phrase), in a heading,
or in a short text on a page with little text.  A 404 mentioned in body text
of an ordinary page is not one.
"""
from __future__ import annotations

import re

from lxml.html import HtmlElement

from .dom import clean, walk

_PHRASE_RE = re.compile(
    r"(?:页面|頁面|网页|網頁|文章|信息|資訊|内容|內容|稿件|栏目|欄目)\s*"
    r"(?:不存在|未找到|找不到|已删除|已刪除|已被删除|已被刪除|不见了|不見了|走丢了|走丟了|无法找到|無法找到)"
    r"|找不到\s*(?:该|該|此|您要的|您要访问的|您要訪問的|您所访问的|您所訪問的)?\s*(?:页面|頁面|网页|網頁)"
    r"|(?:您|你)(?:所)?(?:访问|訪問|请求|請求|查找)的(?:页面|頁面|网页|網頁|资源|資源)(?:不存在|已删除|已刪除)"
    r"|\bnot\s+found\b|\bpage\s+not\s+found\b",
    re.I,
)
_TITLE_404_RE = re.compile(r"(?<![\d.])404(?![\d.])")
_SHORT_PAGE = 1500  # characters of visible text below which a page is "little text"


def is_soft404(doc: HtmlElement) -> bool:
    """Whether the page says it does not exist (see module doc)."""
    for t in doc.iter("title"):
        title = clean(t.text_content())
        if _TITLE_404_RE.search(title) or _PHRASE_RE.search(title):
            return True
        break
    for h in doc.iter("h1", "h2", "h3"):
        if _PHRASE_RE.search(clean(h.text_content())):
            return True
    w = walk(doc)
    if len(w.joined) > _SHORT_PAGE:
        return False
    return any(len(s.text.strip()) <= 80 and _PHRASE_RE.search(s.text) for s in w.segments)
