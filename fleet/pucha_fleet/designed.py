"""The hand-designed sites at the head of every fleet: each rule on both sides of its boundary.

Each function builds one site and names, in ``purpose``, the boundary it sits
on; the expected outcome is the truth module's to compute, and tests
(tests/fleet/test_truth.py) check the interesting ones by hand.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Callable

from dateutil.relativedelta import relativedelta

from pucha import categories as C
from pucha_fleet.builder import Builder, healthy
from pucha_fleet.profiles import HomeList, ItemSpec


def _probe_rounds(count: int, rounds: int) -> dict[int, str]:
    kinds = ("503", "hang", "reset")
    step = max(rounds // max(count, 1), 1)
    return {1 + i * step: kinds[i % 3] for i in range(count)}


def baseline(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.robots = "plain"


def probes_at_5_percent(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.probe_failures = _probe_rounds(-(-rounds // 20), rounds)  # ceil(rounds/20): failed/total >= 5%


def probes_below_5_percent(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.probe_failures = _probe_rounds((rounds - 1) // 20, rounds)  # the most failures still under 5%
    b.p.probe_failures = {r: "reset" if i % 2 else "503" for i, r in enumerate(b.p.probe_failures)}


def probes_hang_and_reset(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.probe_failures = {1: "hang", min(2, rounds): "reset"}


def home_item_14_days(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    news = b.p.column("xwdt")
    news.items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=14), 20, gap=1)]
    b.home_from("xwdt", 6)
    b.home_from("ghjh", 3)


def home_item_15_days(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=15), 20, gap=1)]
    b.column(C.NEWS, b.series(b.ago(days=14), 5, gap=4))  # a second 工作动态, exactly on the boundary
    b.home_from("xwdt", 8)
    b.home_from("ghjh", 3)


def home_nine_items(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), b.title(), d) for d in
                                b.series(b.ago(days=0), 9, gap=1) + b.series(b.ago(days=20), 10, gap=2)]
    b.home_from("xwdt", 14)
    b.p.home_lists.insert(0, HomeList("头条", "xwdt", [b.p.column("xwdt").items[i].id for i in (0, 2)]))  # repeats
    b.home_from("ghjh", 2)
    b.p.home_date_form = "yearless"
    b.p.traditional = True


def home_ten_items(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    b.home_from("xwdt", 10)
    b.home_from("ghjh", 4)


def navigation_fresh(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    b.p.home_kind = "navigation"
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), b.title(), d) for d in
                                [b.ago(days=2), b.ago(days=6), b.ago(days=13)] + b.series(b.ago(days=20), 10, gap=3)]
    for key, days in (("tzgg", 20), ("zcwj", 30), ("gkqt", 40)):
        b.p.column(key).items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=days), 5, gap=10)]
    b.link("internal404", "column:tzgg")  # a second-level page: 1 point under a navigation homepage
    b.link("image404", b.first_article())  # deeper: 0.1


def navigation_stale(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    b.p.home_kind = "navigation"
    for key, days in (("xwdt", 15), ("tzgg", 20), ("zcwj", 30), ("gkqt", 16), ("rsxx", 25), ("ghjh", 40)):
        b.p.column(key).items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=days), 5, gap=10)]


def calendar_months(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.column("tzgg").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(months=6), 3, gap=30)]
    b.p.column("zcwj").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(months=6, days=1), 3, gap=30)]
    b.p.column("rsxx").items = [ItemSpec(b.new_id(), b.title(), b.ago(years=1))]
    b.p.column("ghjh").items = [ItemSpec(b.new_id(), b.title(), b.ago(years=1, days=1))]
    # Year-less dates whose month-day lies after as_of's: read in as_of's year they would be in the future.
    b.column(C.PERSONNEL, [b.ago(years=1) + timedelta(days=10)], date_form="yearless")
    b.p.column("xwdt").date_form = "yearless"
    b.p.home_lists = [HomeList("要闻", "xwdt", [it.id for it in b.p.column("xwdt").items[:12]])]


def portal_activities(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.column("dczj").items = [ItemSpec(b.new_id(), b.title(), d) for d in
                                b.series(b.ago(days=3), 4, gap=50) + [b.ago(years=1), b.ago(years=1, days=1), b.ago(years=2)]]
    b.p.column("hdft").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=1), 6, gap=60)]


def department_activities(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.column("dczj").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=3), 3, gap=100)]
    b.p.column("hdft").items = [ItemSpec(b.new_id(), b.title(), d) for d in
                                [b.ago(days=30), b.ago(days=200), b.ago(years=1, days=1)]]


def no_interaction(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.robots = "delay"  # a small site, so that honouring Crawl-delay costs little
    b.p.column("xwdt").items = b.p.column("xwdt").items[:12]
    b.p.columns = [c for c in b.p.columns if c.category not in (C.CONSULTATION, C.SURVEY, C.INTERVIEW)]


def _forty(b: Builder) -> None:
    healthy(b, home=False)
    b.p.columns = [c for c in b.p.columns if c.category not in (C.CONSULTATION, C.SURVEY, C.INTERVIEW)]  # 5 + 5
    b.p.column("wsbs").system_state = "404"
    b.column(C.ONLINE_SYSTEMS, system_state="nohost")  # 3 + 3
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=20), 5, gap=5)]  # 3
    b.p.column("tzgg").items = [ItemSpec(b.new_id(), b.title(), b.ago(months=7))]  # 4
    b.p.column("rsxx").items = [ItemSpec(b.new_id(), b.title(), b.ago(months=13))]  # 5
    b.p.column("zcwj").items = [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=1), 12, gap=1)]
    b.home_from("zcwj", 10)
    b.guide(b.p.column("bszn"), layout="dl", missing=("设定依据", "办理时间", "办理流程", "申请条件"))  # 8
    for kind in ("internal404", "external404", "image404", "loop"):  # 4 x 1
        b.link(kind, "home")


def score_40_0(b: Builder, rounds: int) -> None:
    _forty(b)


def score_40_1(b: Builder, rounds: int) -> None:
    _forty(b)
    b.link("nohost", b.first_article(C.POLICIES))  # 0.1 more


def _stale_news_notices(b: Builder, stale_news: int, stale_notices: int) -> None:
    healthy(b, home=False)
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), b.title(), b.ago(days=15))]
    if stale_news > 1:
        b.column(C.NEWS, [b.ago(days=30)])
    b.p.column("tzgg").items = [ItemSpec(b.new_id(), b.title(), b.ago(months=7))]
    if stale_notices > 1:
        b.column(C.NOTICES, [b.ago(months=6, days=1)], date_form="cn")
    else:
        b.column(C.NOTICES, [b.ago(months=6)], date_form="cn")
    b.p.column("zcwj").items = [ItemSpec(b.new_id(), b.title(), b.ago(years=1, days=3))]
    b.column(C.OTHER, b.series(b.ago(days=0), 12, gap=1))
    b.home_from("qtlm", 12)


def stale_a_five(b: Builder, rounds: int) -> None:
    _stale_news_notices(b, 2, 2)


def stale_a_four(b: Builder, rounds: int) -> None:
    _stale_news_notices(b, 2, 1)


def _stale_year(b: Builder, n: int) -> None:
    healthy(b)
    for i in range(n):
        b.column(C.DISCLOSURE_OTHER if i % 2 else C.OTHER, [b.ago(years=1, days=1 + i), b.ago(years=2)])


def stale_b_ten(b: Builder, rounds: int) -> None:
    _stale_year(b, 10)


def stale_b_nine(b: Builder, rounds: int) -> None:
    _stale_year(b, 9)


def _empty(b: Builder, n: int) -> None:
    healthy(b)
    b.column(C.OTHER, empty_text="暂无信息")
    b.column(C.DISCLOSURE_OTHER, empty_text="暂无数据")
    b.column(C.OTHER)
    b.column(C.OTHER, [b.ago(days=3)], opens="404")
    if n >= 5:
        b.column(C.OTHER, [b.ago(days=3)], opens="500")


def empty_c_five(b: Builder, rounds: int) -> None:
    _empty(b, 5)


def empty_c_four(b: Builder, rounds: int) -> None:
    _empty(b, 4)
    b.p.traditional = True  # 暫無資訊, 下一頁


def _letters(b: Builder, rows) -> None:
    healthy(b)
    b.p.column("zxzx").letters = []
    b.letters(b.p.column("zxzx"), rows)


def reply_late(b: Builder, rounds: int) -> None:
    s = b.ago(months=5)
    _letters(b, [(s, s + relativedelta(months=3) + timedelta(days=1), "replied"), (b.ago(days=5), None, None)])


def reply_in_time(b: Builder, rounds: int) -> None:
    s = b.ago(months=5)
    _letters(b, [(s, s + relativedelta(months=3), "replied"), (b.ago(months=3), None, "unreplied"),
                 (b.ago(months=8), None, "replied"), (b.ago(years=1, days=1), None, "unreplied")])
    b.p.column("zxzx").letter_style = "status"


def unreplied_too_long(b: Builder, rounds: int) -> None:
    _letters(b, [(b.ago(months=3, days=1), None, "processing"), (b.ago(days=2), b.ago(days=1), "replied")])
    b.p.column("zxzx").letter_style = "status"


def no_recent_letter(b: Builder, rounds: int) -> None:
    _letters(b, [(b.ago(years=1, days=1), None, "unreplied"), (b.ago(years=2), b.ago(years=2) + timedelta(days=5), "replied")])


def guides(b: Builder, rounds: int) -> None:
    healthy(b)
    col = b.p.column("bszn")
    b.guide(col, layout="para", missing=("设定依据", "办理时间"), synonyms=True)  # 4
    b.guide(col, layout="table", empty=("联系电话",), attachments=("ok", "404", "empty"))  # 2; 2 files; 0.1 link
    b.guide(col, layout="dl", opens=False)  # a broken link (0.1), not a guide


def traps(b: Builder, rounds: int) -> None:
    healthy(b)
    b.link("soft404", "home")
    b.p.text_errors = ["中华人民共合国", "博彩"]  # two candidates for a person; no points until confirmed
    art = b.first_article()
    for kind in ("calendar", "bigpage", "loop", "hang"):
        b.link(kind, art)
    b.link("external404", "column:tzgg")
    b.p.malformed_articles.append(b.p.column("xwdt").items[1].id)


def online_systems(b: Builder, rounds: int) -> None:
    healthy(b)
    b.column(C.ONLINE_SYSTEMS, system_state="503")


def pinned_dataproxy(b: Builder, rounds: int) -> None:
    healthy(b, home=False)
    news = b.p.column("xwdt")
    news.per_page = 5
    news.date_form = "cn_nopad"
    news.items = [ItemSpec(b.new_id(), b.title(), d, pinned=True) for d in b.series(b.ago(years=2), 6, gap=1)] + \
        [ItemSpec(b.new_id(), b.title(), d) for d in b.series(b.ago(days=3), 12, gap=1)]
    b.p.home_lists = [HomeList("工作动态", "xwdt", [it.id for it in news.items[6:18]])]


def pinned_trs(b: Builder, rounds: int) -> None:
    pinned_dataproxy(b, rounds)
    news = b.p.column("xwdt")
    news.pagination = "trs_count"
    news.date_form = "bracket"


def date_forms(b: Builder, rounds: int) -> None:
    healthy(b)
    forms = {"xwdt": ("slash", True), "tzgg": ("dot", False), "zcwj": ("cn", True), "ghjh": ("cn_nopad", False),
             "rsxx": ("bracket", False), "gkqt": ("iso", True), "dczj": ("cn", False), "hdft": ("slash", False)}
    for key, (form, with_time) in forms.items():
        b.p.column(key).date_form, b.p.column(key).with_time = form, with_time
    b.p.home_date_form = "cn"


def article_dates(b: Builder, rounds: int) -> None:
    healthy(b)
    b.p.list_dates = "articles"  # no list shows a date: every entry takes its article's (SPEC §4)


# (purpose, builder, family, encoding, declaration, site type)
DESIGNED: tuple[tuple[str, Callable[[Builder, int], None], str, str, str, str], ...] = (
    ("baseline: passes with no deduction", baseline, "trs", "utf-8", "header", C.PORTAL),
    ("probes: ceil(rounds/20) failures, >= 5%: veto", probes_at_5_percent, "table", "gb2312", "none", C.PORTAL),
    ("probes: the most failures under 5%", probes_below_5_percent, "hanweb", "gbk", "meta", "部门网站"),
    ("probes: one hang past the timeout, one reset connection", probes_hang_and_reset, "modern", "utf-8", "header", C.PORTAL),
    ("homepage: newest item exactly 14 days old", home_item_14_days, "trs", "gbk", "http-equiv", C.PORTAL),
    ("homepage: newest item 15 days old: veto", home_item_15_days, "modern", "utf-8", "meta", C.PORTAL),
    ("homepage: 9 distinct fresh items (a repeated block), year-less dates", home_nine_items, "modern", "utf-8", "header", C.PORTAL),
    ("homepage: 10 fresh items", home_ten_items, "trs", "gb18030", "http-equiv", "部门网站"),
    ("navigation homepage, 3 fresh second-level items, broken link on a second-level page", navigation_fresh, "trs", "gbk", "meta", C.PORTAL),
    ("navigation homepage, nothing fresh: veto", navigation_stale, "table", "gb2312", "http-equiv", "部门网站"),
    ("calendar months: exactly 6 months / 1 year and one day more; year-less across New Year", calendar_months, "modern", "utf-8", "header", C.PORTAL),
    ("portal: 5 surveys within a year (3 points), 6 interviews", portal_activities, "trs", "utf-8", "meta", C.PORTAL),
    ("department: 3 surveys within a year, 2 interviews (3 points)", department_activities, "table", "gbk", "header", "部门网站"),
    ("no interaction columns", no_interaction, "modern", "utf-8", "header", "其他"),
    ("total deduction exactly 40.0: pass", score_40_0, "trs", "utf-8", "header", C.PORTAL),
    ("total deduction 40.1: fail", score_40_1, "trs", "gbk", "header", C.PORTAL),
    ("5 stale 工作动态/通知公告/政策文件: veto with deductions", stale_a_five, "hanweb", "utf-8", "header", C.PORTAL),
    ("4 stale 工作动态/通知公告/政策文件", stale_a_four, "hanweb", "gb18030", "meta", C.PORTAL),
    ("10 list columns without an item in a year: veto", stale_b_ten, "table", "gb2312", "none", "部门网站"),
    ("9 list columns without an item in a year", stale_b_nine, "table", "gbk", "none", "部门网站"),
    ("5 empty list columns (text, blank, 404, 500): veto", empty_c_five, "modern", "utf-8", "header", C.PORTAL),
    ("4 empty list columns", empty_c_four, "trs", "utf-8", "header", C.PORTAL),
    ("letter answered 3 months and a day after: veto", reply_late, "trs", "utf-8", "header", C.PORTAL),
    ("letters answered in time, unanswered exactly 3 months", reply_in_time, "modern", "utf-8", "meta", C.PORTAL),
    ("letter unanswered 3 months and a day: veto", unreplied_too_long, "hanweb", "gbk", "header", C.PORTAL),
    ("no letter within a year", no_recent_letter, "trs", "utf-8", "header", C.PORTAL),
    ("guides: synonyms, missing and empty elements, failed attachments, a dead guide", guides, "modern", "utf-8", "header", C.PORTAL),
    ("traps: soft 404, calendar, 3 MB page, loop, hang, malformed HTML, Crawl-delay", traps, "trs", "utf-8", "header", C.PORTAL),
    ("online systems: one answers 503", online_systems, "hanweb", "utf-8", "http-equiv", C.PORTAL),
    ("Hanweb data proxy: pinned old items first, the newest further on", pinned_dataproxy, "hanweb", "gbk", "meta", C.PORTAL),
    ("TRS var countPage: pinned old items first, the newest on index_1.html", pinned_trs, "trs", "gbk", "none", C.PORTAL),
    ("every date form, with and without a time", date_forms, "table", "gbk", "http-equiv", C.PORTAL),
    ("lists without dates: entries dated by their articles", article_dates, "hanweb", "gbk", "meta", C.PORTAL),
)


def designed(as_of: date, rounds: int, rng: random.Random) -> list:
    out = []
    for i, (purpose, build, family, encoding, declaration, site_type) in enumerate(DESIGNED):
        b = Builder(i, as_of, rng, family=family, encoding=encoding, declaration=declaration,
                    site_type=site_type, purpose=purpose)
        build(b, rounds)
        out.append(b.p)
    return out
