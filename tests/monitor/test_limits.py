"""The monitor's week, threshold and names come from the rulebook, not from the monitor's code."""
from __future__ import annotations

from datetime import date, timedelta

from census.monitor import alerts
from census.monitor.limits import limits
from census.monitor.watch import FailureWindow
from crawler.understand.guides import GUIDE_ELEMENTS
from pucha.rulebook import RULEBOOK_DIR, guide_elements, load_rulebook
from pucha_fleet.guides import ELEMENTS

HOME, DAY0 = "http://a.gov.test/", date(2026, 11, 20)


def _book(tmp_path, percent: int, days: int):
    src = (RULEBOOK_DIR / "2015.toml").read_text("utf-8")
    src = src.replace("params = { percent = 5, monitor_days = 7, probes_per_day = 20 }",
                      f"params = {{ percent = {percent}, monitor_days = {days}, probes_per_day = 20 }}")
    path = tmp_path / "other.toml"
    path.write_text(src.replace('id = "2015"', 'id = "other"', 1), encoding="utf-8")
    return load_rulebook("other", str(path))


def test_the_2015_limits_are_the_tables():
    lim = limits()
    assert (lim.days, lim.percent, lim.per_day, lim.update_window) == (7, 5.0, 20, "14d")
    assert lim.titles == {"veto.unreachable": "站点无法访问", "veto.not_updated": "网站不更新"}


def test_a_rulebook_with_another_threshold_moves_the_alert(tmp_path):
    book = _book(tmp_path, percent=10, days=3)
    w = FailureWindow(per_day=20, rules=limits(book))
    for d in range(2):
        for _ in range(20):
            w.note(HOME, DAY0 + timedelta(days=d), True, 0.0)
    day3 = DAY0 + timedelta(days=2)
    told = [w.note(HOME, day3, False, float(k)) for k in range(20)]
    # 3 days of at most 60 probes: the 6th failure is the first that is 10% of it for sure.
    assert [k for k, x in enumerate(told) if x is not None][0] == 5


def test_alert_text_names_the_rulebooks_numbers():
    text = alerts.message_text("某网站", HOME, "某省", "veto.unreachable", DAY0,
                               [{"probes": 140, "failed": 7, "failed_percent": 5.0}])
    assert "近 7 天" in text and "5% 的单项否决标准" in text and "站点无法访问" in text


def test_the_guide_reader_and_the_fleet_look_for_the_rulebooks_elements():
    assert GUIDE_ELEMENTS == ELEMENTS == guide_elements() == tuple(
        load_rulebook().rule("service.guide").params["elements"])
    assert len(GUIDE_ELEMENTS) == 8
