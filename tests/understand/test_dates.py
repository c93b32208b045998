"""Dates in every form SPEC §5 lists, and the ones that are not dates."""
import datetime as dt

import pytest

from crawler.understand.dates import find_date, parse_date

AS_OF = dt.date(2026, 11, 26)
D = dt.date(2026, 11, 20)


@pytest.mark.parametrize("text", [
    "2026-11-20", "2026/11/20", "2026.11.20", "2026年11月20日", "[2026-11-20]", "(2026-11-20)",
    "【2026-11-20】", "2026-11-20 09:30", "2026-11-20 09:30:00", "2026年11月20日 09:30",
    "［２０２６－１１－２０］", "２０２６年１１月２０日", "（2026-11-20）", "(11-20)", "11-20", "11月20日",
    "[11-20]", "（11-20）", "11/20", "二〇二六年十一月二十日", " 2026-11-20 ",
])
def test_parse_date_forms(text):
    assert parse_date(text, AS_OF) == D


@pytest.mark.parametrize("text,expected", [
    ("2026年1月5日", dt.date(2026, 1, 5)),
    ("2026-1-5", dt.date(2026, 1, 5)),
    ("2026-01-05", dt.date(2026, 1, 5)),
    ("2007-08-20-23:59:59", dt.date(2007, 8, 20)),
    ("2026/1/05", dt.date(2026, 1, 5)),
])
def test_parse_date_without_leading_zeros_and_odd_times(text, expected):
    assert parse_date(text, AS_OF) == expected


def test_year_less_date_is_the_latest_not_after_as_of():
    assert parse_date("12-30", dt.date(2027, 1, 3)) == dt.date(2026, 12, 30)
    assert parse_date("01-02", dt.date(2027, 1, 3)) == dt.date(2027, 1, 2)
    assert parse_date("11-27", AS_OF) == dt.date(2025, 11, 27)  # tomorrow is last year's
    assert parse_date("11-26", AS_OF) == AS_OF
    assert parse_date("02-29", AS_OF) == dt.date(2024, 2, 29)


def test_year_less_date_without_as_of_is_unknown():
    assert parse_date("11-20", None) is None
    assert parse_date("2026-11-20", None) == D


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026年2月30日", "02-30", "00-10"])
def test_impossible_dates_are_none_not_errors(text):
    assert parse_date(text, AS_OF) is None
    assert find_date(f"发布时间：{text}", AS_OF) is None


@pytest.mark.parametrize("text", ["", "无", "第23号", "1-10月", "2019-2021年", "共3页", "0310-1234567"])
def test_not_dates(text):
    assert parse_date(text, AS_OF) is None
    assert find_date(text, AS_OF) is None


def test_find_date_in_text():
    assert find_date("发布时间：2015-03-11 来源：本站", AS_OF) == dt.date(2015, 3, 11)
    assert find_date("發佈時間：2015年3月11日", AS_OF) == dt.date(2015, 3, 11)
    assert find_date("第1号 2026年11月20日印发 2026-11-21", AS_OF) == D


def test_find_date_year_less_in_prose():
    # 11月30日 after as_of 2026-11-26 is last year's.
    assert find_date("新华社上海11月30日电", AS_OF) == dt.date(2025, 11, 30)
    assert find_date("会议于11月20日召开", AS_OF) == D


def test_dateparser_fallback_for_other_forms():
    assert parse_date("Nov 20, 2026", AS_OF) == D
    assert parse_date("20 November 2026", AS_OF) == D
