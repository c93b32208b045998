"""Page understanding: pure functions over a fetched page (no Scrapy, no network).

``understand()`` (page.py) is what the crawler calls on every page; the
modules below it each hold one concern and can be used on their own:
decode (bytes to text), dates, lists (list entries, empty notices),
pagination and dataproxy (further pages), article (publication date),
interaction (consultation letters), guides (service-guide elements, files,
forms), links, soft404.  dom holds the one parse and the shared text walk.
"""
from .article import pub_date
from .dataproxy import DataProxyCall, dataproxy_calls, parse_dataproxy
from .dates import find_date, parse_date
from .decode import decode
from .dom import parse
from .guides import GUIDE_ELEMENTS, file_links, forms_mentioned, guide_elements
from .interaction import letters
from .links import extract_links
from .lists import is_empty_notice, list_items
from .page import PageView, dataproxy_items, understand
from .pagination import next_pages
from .soft404 import is_soft404

__all__ = [
    "DataProxyCall", "GUIDE_ELEMENTS", "PageView", "dataproxy_calls", "dataproxy_items", "decode",
    "extract_links", "file_links", "find_date", "forms_mentioned", "guide_elements",
    "is_empty_notice", "is_soft404", "letters", "list_items", "next_pages", "parse",
    "parse_dataproxy", "parse_date", "pub_date", "understand",
]
