"""Entries shown without a date take the publication date of the article they link to (SPEC §4).

The crawler fetches the article of every undated same-site entry (crawler.spiders.census,
``articles_of_undated``) and reads its date the SPEC §5 way into its Page event; here the
lists' entries are given those dates.  An entry whose article gives no date stays undated
(it counts as not updated, 附件2's note); one whose article pucha could not read (a firewall,
a page it could not get at, an article off the site that it does not fetch) is *unknown*:
the rules do not let it decide against the site (scorers.rules_2015.updates).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pucha.events import Item
from pucha.filelinks import is_file_url
from pucha.scanstatus import UNREADABLE, is_unread

from .state import SiteState
from .windows import parse

# A page with this many dated entries of its own is a list, not an article: its date (a byline
# heuristic may find one) is not an entry's publication date.
LIST_PAGE_DATED = 3


@dataclass
class ArticleDates:
    dated: dict[str, str] = field(default_factory=dict)  # article URL -> its publication date
    read: set[str] = field(default_factory=set)  # URLs whose fetch answered (with or without a date)
    unread: dict[str, str] = field(default_factory=dict)  # URL -> scan status pucha met there
    lists: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, state: SiteState, wanted: set[str]) -> "ArticleDates":
        """What the fetches of ``wanted`` (the undated entries' URLs) said; nothing is read for other URLs,
        since most sites date every entry in their lists and scoring runs on every event."""
        out = cls()
        if not wanted:
            return out
        for ev in state.of("list_items"):
            if ev.page_url in wanted and sum(1 for i in ev.items if parse(i.date)) >= LIST_PAGE_DATED:
                out.lists.add(ev.page_url)
        for page in state.of("page"):
            for url in (page.url, page.final_url):
                if url not in wanted:
                    continue
                if page.ok:
                    out.read.add(url)
                    if page.pub_date and url not in out.lists:
                        out.dated[url] = page.pub_date
                elif is_unread(page.error):
                    out.unread[url] = page.error
                else:  # the site's own failure (404, timeout ...): the entry is simply undated
                    out.read.add(url)
        for check in state.of("link_check"):  # targets not fetched as pages: files, and failures
            target = check.target
            if target not in wanted or target in out.read or target in out.unread:
                continue
            if is_unread(check.error):
                out.unread[target] = check.error
            elif not check.ok or is_file_url(target):  # a broken link, or a file: no article date
                out.read.add(target)
        return out

    def apply(self, items: list[Item]) -> tuple[list[Item], list[str], dict[str, str]]:
        """``items`` with undated entries dated by their articles; the URLs so dated; and the unknown
        ones (URL -> scan status): undated entries whose article pucha could not read or did not fetch."""
        out: list[Item] = []
        by_article: list[str] = []
        unknown: dict[str, str] = {}
        for it in items:
            if parse(it.date) or not it.url:
                out.append(it)
            elif it.url in self.dated:
                out.append(Item(it.title, it.url, self.dated[it.url]))
                by_article.append(it.url)
            else:
                out.append(it)
                if it.url in self.unread:
                    unknown[it.url] = self.unread[it.url]
                elif it.url not in self.read:  # off the site, or past every cap: never fetched
                    unknown[it.url] = UNREADABLE
        return out, by_article, unknown
