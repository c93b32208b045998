"""One fleet site laid out on the web: which path serves what, and where every link points.

``Site`` turns a profile into a route table (path and query -> ``Route``)
once; the server answers from it, and the truth reads the same link layout
(``planted``, ``nav_paths``) so both agree on which page links where.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from pucha.categories import INTERVIEW, ONLINE_SYSTEMS, ORGANISATION, SURVEY, CONSULTATION
from pucha_fleet.profiles import ColumnSpec, GuideSpec, ItemSpec, Profile
from pucha_fleet.templates import FAMILIES
from pucha_fleet.templates import base as tpl
from pucha_fleet.templates.hanweb import Hanweb

# Categories whose list pages a navigation homepage links to: only pages whose
# dated rows are plain items, so "the second-level pages' items" is unambiguous.
NAV_HOME_CATEGORIES_EXCLUDED = (CONSULTATION, SURVEY, INTERVIEW, ONLINE_SYSTEMS)

# Same-site paths of planted links, by kind; the server recognises the prefixes.
LINK_PATHS = {
    "internal404": "/uploads/missing/{ref}.html",
    "image404": "/images/missing/{ref}.png",
    "hang": "/slow/{ref}.html",
    "loop": "/go/{ref}/a",
    "soft404": "/notice/{ref}.html",
    "bigpage": "/big/{ref}.html",
}
LINK_TEXT = {
    "internal404": "相关文件", "image404": "图片", "external404": "相关链接", "external_ok": "中国政府网",
    "nohost": "原网站", "hang": "统计数据", "loop": "跳转", "soft404": "专题", "calendar": "活动日历",
    "bigpage": "公报全文",
}


@dataclass(frozen=True)
class Net:
    """Where the fleet lives: each site's base URL, the external host, the dead address."""

    sites: dict[int, str]  # profile index -> "http://127.a.b.c:port"
    external: str  # an "external" host: 200 for everything but /gone/...
    dead: str  # an address with nothing listening


@dataclass
class Route:
    status: int = 200
    render: Callable[[], bytes | str] | None = None
    ctype: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)


def fake_bytes(name: str, size: int) -> bytes:
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class Site:
    def __init__(self, profile: Profile, as_of: date, net: Net):
        self.p = profile
        self.as_of = as_of
        self.net = net
        self.base = net.sites[profile.index]
        self.family = FAMILIES[profile.family]
        self.ctx = tpl.Ctx(
            profile=profile, as_of=as_of, planted=self.planted, nav=self.nav_paths(),
            sponsor=self.sponsor, site_code=self.site_code, icp=self.icp,
        )
        self.routes: dict[str, Route] = {}
        self._build()

    # --- registry facts (one place: the export and the pages both read them) ---------------

    @property
    def sponsor(self) -> str:
        base = self.p.name.removesuffix("门户网站").removesuffix("网站")
        return base + "办公厅" if self.p.site_type == "门户网站" else base

    @property
    def site_code(self) -> str:
        return f"{110100 + self.p.index * 7 % 899900:06d}{self.p.index + 1:04d}"

    @property
    def icp(self) -> str:
        return f"京ICP备{10000000 + self.p.index * 7919 % 89999999:08d}号"

    # --- URLs ----------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def column_path(self, col: ColumnSpec) -> str:
        if col.category == ONLINE_SYSTEMS:
            return f"/wsbs/{col.key}/" if col.system_state != "nohost" else f"{self.net.dead}/wsbs/{col.key}/"
        return self.family.column_path(col)

    def column_url(self, col: ColumnSpec) -> str:
        return self.url(self.column_path(col))

    def entry_path(self, col: ColumnSpec, it: ItemSpec) -> str:
        return self.family.article_path(col, it.id, it.date)

    def letter_path(self, col: ColumnSpec, letter_id: int) -> str:
        return f"/hdjl/{col.key}/{letter_id}.html"

    def file_path(self, g: GuideSpec, i: int) -> str:
        a = g.attachments[i]
        return f"/files/bszn/{g.id}_{i + 1}.{a.ext}"

    def link_target(self, kind: str, ref: str) -> str:
        if kind in LINK_PATHS:
            return LINK_PATHS[kind].format(ref=ref)
        if kind == "external404":
            return f"{self.net.external}/gone/{ref}.html"
        if kind == "external_ok":
            return f"{self.net.external}/zw/{ref}.html"
        if kind == "nohost":
            return f"{self.net.dead}/{ref}.html"
        if kind == "calendar":
            return f"/calendar/?month={self.as_of:%Y-%m}"
        raise ValueError(f"unknown link kind {kind!r}")

    def planted(self, place: str) -> list[tuple[str, str, str]]:
        out = []
        for spec in self.p.links:
            if spec.place == place:
                tag = "img" if spec.kind == "image404" else "a"
                out.append((self.link_target(spec.kind, spec.ref), tag, LINK_TEXT[spec.kind]))
        return out

    def nav_columns(self) -> list[ColumnSpec]:
        """The columns the homepage (and every page's menu) links to."""
        excluded = NAV_HOME_CATEGORIES_EXCLUDED if self.p.home_kind == "navigation" else (ONLINE_SYSTEMS,)
        return [c for c in self.p.columns if c.category not in excluded]

    def nav_paths(self) -> list[tuple[str, str]]:
        return [(self.column_path(c), c.name) for c in self.nav_columns()] + [("/about.html", "网站概况")]

    # --- list entries --------------------------------------------------------------------------

    def entries(self, col: ColumnSpec) -> list[ItemSpec]:
        """The rows of a column's list in display order (guides shown as items)."""
        if col.guides:
            return [ItemSpec(g.id, g.title, g.date) for g in col.guides]
        return list(col.items)

    def pages(self, col: ColumnSpec) -> list[list[ItemSpec]]:
        ents = self.entries(col)
        if col.pagination == "dataproxy":
            return [ents]
        per = max(col.per_page, 1)
        return [ents[i:i + per] for i in range(0, len(ents), per)] or [[]]

    # --- the route table -----------------------------------------------------------------------

    def _html(self, render: Callable[[], str], status: int = 200) -> Route:
        return Route(status=status, render=render)

    def _build(self) -> None:
        r = self.routes
        r["/"] = self._html(self.render_home)
        errors = "".join(f"<p>本站坚持以{tpl.esc(t)}为指导，做好信息发布。</p>" for t in self.p.text_errors)
        r["/about.html"] = self._html(lambda: tpl.page(
            self.ctx, "网站概况", f"<p>{tpl.esc(self.p.name)}由{tpl.esc(self.sponsor)}主办。</p>{errors}", place="about"))
        r["/css/style.css"] = Route(render=lambda: "body{font-size:14px}", ctype="text/css")
        r["/js/common.js"] = Route(render=lambda: "function createPageHTML(){}", ctype="application/javascript")
        r["/images/logo.png"] = Route(render=lambda: fake_bytes("logo", 600), ctype="image/png")
        if self.p.family == "hanweb":
            r["/module/jslib/jquery/jquery.js"] = Route(render=lambda: "/* jquery */", ctype="application/javascript")
            r["/module/web/jpage/jpage.js"] = Route(render=lambda: "/* jpage */", ctype="application/javascript")
        if self.p.robots:
            delay = "Crawl-delay: 1\n" if self.p.robots == "delay" else ""
            r["/robots.txt"] = Route(render=lambda: f"User-agent: *\nDisallow: /admin/\n{delay}", ctype="text/plain")
        for col in self.p.columns:
            self._build_column(col)

    def _build_column(self, col: ColumnSpec) -> None:
        r = self.routes
        if col.category == ONLINE_SYSTEMS:
            if col.system_state == "ok":
                r[self.column_path(col)] = self._html(lambda: tpl.page(self.ctx, col.name, f"<h1>{tpl.esc(col.name)}</h1><form><input name='q'></form>"))
            elif col.system_state == "503":
                r[self.column_path(col)] = Route(status=503, render=lambda: "<h1>503 Service Unavailable</h1>")
            return
        if col.opens != "ok":
            if col.opens == "500":
                r[self.column_path(col)] = Route(status=500, render=lambda: "<h1>500 Internal Server Error</h1>")
            return
        if col.category == CONSULTATION:
            r[self.column_path(col)] = self._html(lambda: tpl.page(
                self.ctx, col.name, f"<h2>{tpl.esc(col.name)}</h2>" + tpl.letter_rows(
                    self.ctx, col, lambda lt: self.letter_path(col, lt.id)), place=f"column:{col.key}"))
            for lt in col.letters:
                r[self.letter_path(col, lt.id)] = self._html(lambda lt=lt: tpl.letter_detail(self.ctx, lt))
            return
        pages = self.pages(col)
        link = lambda it: self.entry_path(col, it)  # noqa: E731
        for n, chunk in enumerate(pages, start=1):
            route = self._html(lambda n=n, chunk=chunk: self.family.list_page(self.ctx, col, n, len(pages), chunk, link))
            r[self.family.list_path(col, n)] = route
            if n == 1 and self.p.family == "trs":  # TRS serves the column both as /key/ and /key/index.html
                r[f"/{col.key}/"] = r[f"/{col.key}/index.html"] = route
            if n == 1 and self.p.family == "table":
                r[f"/{col.key}/list.asp?page=1"] = route
        for it in col.items:
            malformed = it.id in self.p.malformed_articles
            r[self.entry_path(col, it)] = self._html(lambda it=it, m=malformed: tpl.article(self.ctx, col, it, malformed=m))
        for g in col.guides:
            if g.opens:
                r[self.family.article_path(col, g.id, g.date)] = self._html(
                    lambda g=g: tpl.guide(self.ctx, g, lambda i, g=g: self.file_path(g, i)))
            for i, a in enumerate(g.attachments):
                path = self.file_path(g, i)
                if a.state == "ok":
                    r[path] = Route(render=lambda path=path: fake_bytes(path, 2048), ctype="application/octet-stream")
                elif a.state == "empty":
                    r[path] = Route(render=lambda: b"", ctype="application/octet-stream")

    def dataproxy(self, columnid: int, start: int, end: int, perpage: int) -> str | None:
        for col in self.p.columns:
            if col.num == columnid and col.pagination == "dataproxy" and col.opens == "ok":
                fam = self.family
                assert isinstance(fam, Hanweb)
                return fam.dataproxy(col, self.entries(col), lambda it: self.entry_path(col, it), start, end, perpage,
                                     hide_dates=self.p.list_dates == "articles")
        return None

    # --- the homepage --------------------------------------------------------------------------

    def home_items(self) -> list[tuple[str, ItemSpec]]:
        """(path, item) of every homepage list row, in order, duplicates included."""
        out = []
        for hl in self.p.home_lists:
            col = self.p.column(hl.column)
            by_id = {it.id: it for it in self.entries(col)}
            out.extend((self.entry_path(col, by_id[i]), by_id[i]) for i in hl.item_ids)
        return out

    def render_home(self) -> str:
        p = self.p
        if p.home_kind == "navigation":
            tiles = "".join(f'<li><a href="{tpl.esc(path)}">{tpl.esc(name)}</a></li>' for path, name in self.nav_paths())
            body = f'<div class="portal-nav"><ul>{tiles}</ul></div>'
        else:
            blocks = []
            for hl in p.home_lists:
                col = p.column(hl.column)
                by_id = {it.id: it for it in self.entries(col)}
                blocks.append(self.family.home_list(
                    self.ctx, hl.title, self.column_path(col), [(self.entry_path(col, by_id[i]), by_id[i]) for i in hl.item_ids]))
            body = "\n".join(blocks)
        return tpl.page(self.ctx, p.name, body, place="home")
