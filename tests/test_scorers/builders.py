"""Small builders of sites and event streams for the scorer tests."""
from __future__ import annotations

from datetime import date, timedelta

from pucha.events import (AttachmentCheck, GuideElements, InteractionRows, Item, Letter, Links, LinkCheck,
                          ListItems, Probe, SystemCheck)
from pucha.registry.records import ColumnRecord, SiteRecord
from scorers.engine import score_site
from scorers.state import SiteState

HOME = "http://gov.test/"
SWEEP = "t"
AS_OF = date(2026, 11, 26)


def site(*columns: tuple[str, str], site_type: str = "门户网站") -> SiteRecord:
    return SiteRecord(HOME, "测试网站", "北京市", site_type,
                      columns=tuple(ColumnRecord(cat, f"{cat}{i}", url) for i, (cat, url) in enumerate(columns)))


def d(days_ago: int, as_of: date = AS_OF) -> str:
    return (as_of - timedelta(days=days_ago)).isoformat()


def probes(total: int, failed: int) -> list[Probe]:
    return [Probe(SWEEP, HOME, str(i + 1), HOME, ok=i >= failed) for i in range(total)]


def home_items(*dates: str | None) -> ListItems:
    return ListItems(SWEEP, HOME, HOME, HOME, "home",
                     items=tuple(Item(f"新闻{i}", f"{HOME}a/{i}.html", dt) for i, dt in enumerate(dates)))


def column(url: str, *dates: str | None, opened: bool = True, page_no: int = 1) -> ListItems:
    page = url if page_no == 1 else f"{url}index_{page_no - 1}.html"
    return ListItems(SWEEP, HOME, url, page, "column", opened=opened, page_no=page_no,
                     items=tuple(Item(f"条目{i}", f"{page}{i}.html", dt) for i, dt in enumerate(dates)))


def letters(url: str, *rows: tuple[str | None, str | None, str | None]) -> InteractionRows:
    return InteractionRows(SWEEP, HOME, url, url,
                           rows=tuple(Letter(f"来信{i}", f"{url}{i}.html", s, r, st) for i, (s, r, st) in enumerate(rows)))


def links(source: str, *targets: str) -> Links:
    return Links(SWEEP, HOME, source, targets=targets, tags=tuple("a" for _ in targets))


def check(target: str, ok: bool, status: int | None = None, soft404: bool = False) -> LinkCheck:
    return LinkCheck(SWEEP, HOME, target, ok=ok, status=status, soft404=soft404)


def guide(url: str, column_url: str, found: tuple[str, ...]) -> GuideElements:
    return GuideElements(SWEEP, HOME, url, column_url, found=found)


def attachment(guide_url: str, target: str, ok: bool, error: str | None = None) -> AttachmentCheck:
    return AttachmentCheck(SWEEP, HOME, guide_url, target, ok=ok, error=error)


def system(url: str, ok: bool) -> SystemCheck:
    return SystemCheck(SWEEP, HOME, url, ok=ok)


def healthy(n_items: int = 10) -> list:
    """A homepage that passes the homepage rules: 20 good probes and n recent items."""
    return probes(20, 0) + [home_items(*[d(i % 10) for i in range(n_items)])]


def score(site_rec: SiteRecord, events: list, as_of: date = AS_OF, decisions=()):
    st = SiteState(HOME, SWEEP)
    st.extend(events)
    return score_site(site_rec, st, as_of, decisions=decisions)


def rules(card) -> dict[str, float]:
    return {f.rule: f.points for f in card.deductions}


def vetoes(card) -> set[str]:
    return {f.rule for f in card.vetoes}
