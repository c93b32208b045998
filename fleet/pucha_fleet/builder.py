"""Building profiles by hand: dates relative to as_of, columns, a healthy baseline site.

``Builder`` hands out unique item ids and keeps the wording plausible; the
hand-designed sites (pucha_fleet.designed) and the random ones
(pucha_fleet.generate) both start from ``healthy`` and change what they test.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from pucha import categories as C
from pucha_fleet.guides import ELEMENTS, LABELS, content
from pucha_fleet.profiles import (AttachmentSpec, ColumnSpec, GuideSpec, HomeList, ItemSpec, LetterSpec,
                                  LinkSpec, Profile)

CITIES = ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市",
          "丽水市", "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "合肥市", "芜湖市", "福州市",
          "厦门市", "南昌市", "济南市", "青岛市", "郑州市", "武汉市", "长沙市", "广州市", "南宁市", "成都市")
PROVINCE = {"杭州市": "浙江省", "宁波市": "浙江省", "温州市": "浙江省", "嘉兴市": "浙江省", "湖州市": "浙江省",
            "绍兴市": "浙江省", "金华市": "浙江省", "衢州市": "浙江省", "舟山市": "浙江省", "台州市": "浙江省",
            "丽水市": "浙江省", "南京市": "江苏省", "无锡市": "江苏省", "徐州市": "江苏省", "常州市": "江苏省",
            "苏州市": "江苏省", "南通市": "江苏省", "合肥市": "安徽省", "芜湖市": "安徽省", "福州市": "福建省",
            "厦门市": "福建省", "南昌市": "江西省", "济南市": "山东省", "青岛市": "山东省", "郑州市": "河南省",
            "武汉市": "湖北省", "长沙市": "湖南省", "广州市": "广东省", "南宁市": "广西壮族自治区", "成都市": "四川省"}
DEPARTMENTS = ("教育局", "民政局", "财政局", "司法局", "商务局", "统计局", "审计局", "卫生健康委员会", "文化广电旅游局",
               "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "市场监督管理局")
TOPICS = ("安全生产", "乡村振兴", "营商环境", "防汛抗旱", "垃圾分类", "文明城市创建", "疫情防控", "民生实事",
          "招商引资", "河长制", "数字政府", "优化服务", "环境整治", "就业创业", "老旧小区改造", "养老服务")
VERBS = ("召开", "部署", "推进", "开展", "举行", "启动", "专题研究", "督查")
KEYS = {C.ORGANISATION: "jgzn", C.NEWS: "xwdt", C.NOTICES: "tzgg", C.POLICIES: "zcwj", C.PLANS: "ghjh",
        C.PERSONNEL: "rsxx", C.DISCLOSURE_OTHER: "gkqt", C.CONSULTATION: "zxzx", C.SURVEY: "dczj",
        C.INTERVIEW: "hdft", C.INTERACTION_OTHER: "hyqt", C.GUIDES: "bszn", C.ONLINE_SYSTEMS: "wsbs", C.OTHER: "qtlm"}
NAMES = {C.ORGANISATION: "机构职能", C.NEWS: "工作动态", C.NOTICES: "通知公告", C.POLICIES: "政策文件",
         C.PLANS: "规划计划", C.PERSONNEL: "人事信息", C.DISCLOSURE_OTHER: "统计信息", C.CONSULTATION: "咨询投诉",
         C.SURVEY: "征集调查", C.INTERVIEW: "在线访谈", C.INTERACTION_OTHER: "回应关切", C.GUIDES: "办事指南",
         C.ONLINE_SYSTEMS: "网上办事大厅", C.OTHER: "专题专栏"}
DEFAULT_PAGINATION = {"trs": "trs_create", "hanweb": "dataproxy", "table": "query", "modern": "next"}


class Builder:
    """Builds one profile; ``ago`` and friends give dates relative to as_of."""

    def __init__(self, index: int, as_of: date, rng: random.Random, *, family: str = "trs", encoding: str = "utf-8",
                 declaration: str = "header", site_type: str = C.PORTAL, purpose: str = "random"):
        self.as_of = as_of
        self.rng = rng
        self._next_id = index * 100_000 + 1
        self._n_cols = 0
        city = CITIES[index % len(CITIES)]
        region = f"{PROVINCE[city]}{city}"
        if site_type == C.PORTAL:
            name = f"{city}人民政府门户网站" if index < len(CITIES) else f"{city}第{index // len(CITIES) + 1}区人民政府门户网站"
        else:
            dept = DEPARTMENTS[index % len(DEPARTMENTS)]
            name = f"{city}{dept}网站" if index < len(CITIES) * 2 else f"{city}{dept}（{index}）网站"
        self.p = Profile(index=index, name=name, region=region, site_type=site_type, family=family,
                         encoding=encoding, declaration=declaration, purpose=purpose)

    # --- dates ---------------------------------------------------------------------------------

    def ago(self, days: int = 0, months: int = 0, years: int = 0) -> date:
        return self.as_of - relativedelta(days=days, months=months, years=years)

    def series(self, newest: date, n: int, gap: int = 3) -> list[date]:
        return [newest - timedelta(days=gap * i) for i in range(n)]

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def title(self) -> str:
        city = self.p.region[-3:]
        return f"{city}{self.rng.choice(VERBS)}{self.rng.choice(TOPICS)}工作"

    # --- columns -------------------------------------------------------------------------------

    def column(self, category: str, dates: list[date | None] | None = None, *, name: str | None = None,
               **kw) -> ColumnSpec:
        same = len(self.p.columns_of(category))
        self._n_cols += 1
        key = KEYS[category] + (str(same + 1) if same else "")
        kw.setdefault("pagination", DEFAULT_PAGINATION[self.p.family])
        col = ColumnSpec(key=key, num=1000 + self._n_cols + self.p.index * 50, category=category,
                         name=name or (NAMES[category] + (f"（{same + 1}）" if same else "")), **kw)
        for d in dates or []:
            col.items.append(ItemSpec(self.new_id(), self.title(), d))
        self.p.columns.append(col)
        return col

    def letters(self, col: ColumnSpec, rows: list[tuple[date, date | None, str | None]]) -> None:
        for submitted, replied, status in rows:
            col.letters.append(LetterSpec(self.new_id(), f"关于{self.rng.choice(TOPICS)}的咨询", submitted, replied, status))

    def guide(self, col: ColumnSpec, *, layout: str = "table", missing: tuple[str, ...] = (), empty: tuple[str, ...] = (),
              synonyms: bool = False, attachments: tuple[str, ...] = ("ok",), opens: bool = True,
              when: date | None = None) -> GuideSpec:
        gid = self.new_id()
        title = f"{self.rng.choice(TOPICS)}事项办事指南"
        elements = {}
        for e in ELEMENTS:
            if e in missing:
                continue
            label = LABELS[e][1 if synonyms and len(LABELS[e]) > 1 else 0]
            elements[e] = (label, "" if e in empty else content(e, title, gid))
        files = [AttachmentSpec(f"申请表{i + 1}", ("doc", "xls", "pdf", "docx")[i % 4], s) for i, s in enumerate(attachments)]
        g = GuideSpec(gid, title, layout, elements, files, opens, when or self.ago(days=30))
        col.guides.append(g)
        return g

    def link(self, kind: str, place: str = "home") -> None:
        self.p.links.append(LinkSpec(kind, place, f"{kind}{self.p.index}_{len(self.p.links) + 1}"))

    def home_from(self, key: str, n: int, title: str | None = None) -> None:
        col = self.p.column(key)
        ids = [e.id for e in (col.items or [ItemSpec(g.id, g.title, g.date) for g in col.guides])][:n]
        self.p.home_lists.append(HomeList(title or col.name, key, ids))

    def first_article(self, category: str = C.NEWS) -> str:
        return f"article:{self.p.columns_of(category)[0].items[0].id}"


def healthy(b: Builder, *, home: bool = True) -> Builder:
    """A site that passes with no deduction: every column fresh, every element present."""
    b.column(C.ORGANISATION, [None, None, None])
    b.column(C.NEWS, b.series(b.ago(days=1), 24, gap=1))
    b.column(C.NOTICES, b.series(b.ago(days=5), 12, gap=9))
    b.column(C.POLICIES, b.series(b.ago(days=10), 10, gap=20))
    b.column(C.PLANS, b.series(b.ago(days=40), 4, gap=60))
    b.column(C.PERSONNEL, b.series(b.ago(days=20), 6, gap=30))
    b.column(C.DISCLOSURE_OTHER, b.series(b.ago(days=15), 6, gap=25))
    consult = b.column(C.CONSULTATION)
    b.letters(consult, [(b.ago(days=10), None, "processing"), (b.ago(days=40), b.ago(days=30), "replied"),
                        (b.ago(months=5), b.ago(months=4), None), (b.ago(months=14), None, "unreplied")])
    b.column(C.SURVEY, b.series(b.ago(days=12), 7, gap=40))
    b.column(C.INTERVIEW, b.series(b.ago(days=8), 7, gap=45))
    guides = b.column(C.GUIDES)
    b.guide(guides, layout="table")
    b.guide(guides, layout="dl", synonyms=True, attachments=("ok", "ok"))
    b.guide(guides, layout="para")
    b.column(C.ONLINE_SYSTEMS)
    if home:
        b.home_from("xwdt", 10, "要闻动态")
        b.home_from("tzgg", 5)
        b.home_from("zcwj", 5)
    b.p.links.append(LinkSpec("external_ok", "home", "gov"))
    return b
