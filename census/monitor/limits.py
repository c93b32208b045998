"""The monitor's numbers and names, asked of the rulebook (pucha/rulebooks/<id>.toml), never kept here.

The week of probes, its 5% and the 14-day update window are veto.unreachable's and
veto.not_updated's parameters; the names in alerts are the rules' titles.
"""
from __future__ import annotations

from dataclasses import dataclass

from pucha.rulebook import Rulebook, load_rulebook

WATCHED = ("veto.unreachable", "veto.not_updated")  # the vetoes the monitor alerts on


@dataclass(frozen=True)
class Limits:
    days: int  # the week of probes (附件2: 监测1周)
    percent: float  # failed probes reaching this share of the week's veto the site
    per_day: int  # the fewest probes a day (每天间隔性访问20次以上)
    update_window: str  # veto.not_updated's window, e.g. "14d"
    titles: dict[str, str]  # rule id -> title, for the watched vetoes

    @property
    def share(self) -> float:
        return self.percent / 100.0


def limits(book: Rulebook | str | None = None) -> Limits:
    book = book if isinstance(book, Rulebook) else load_rulebook(book or "2015")
    probes, updates = book.rule("veto.unreachable"), book.rule("veto.not_updated")
    return Limits(int(probes.params["monitor_days"]), float(probes.params["percent"]),
                  int(probes.params["probes_per_day"]), str(updates.params["window"]),
                  {r: book.rule(r).title for r in WATCHED})
