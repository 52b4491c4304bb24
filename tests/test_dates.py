"""Dates as clerks write them, and the calendar arithmetic the rules use."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.dates import add_months, find_dates, fmt_cn, parse_date, working_days_after

D = dt.date(2021, 3, 15)


@pytest.mark.parametrize("text", [
    "2021年3月15日", "2021年03月15日", "2021 年 3 月 15 日", "二〇二一年三月十五日", "二○二一年三月十五日",
    "二O二一年三月十五日", "二0二一年三月十五日", "2021.03.15", "2021.3.15", "2021-03-15", "2021/3/15",
    "２０２１年３月１５日", "２０２１．３．１５",
])
def test_every_written_form_is_a_date(text):
    """Each form CONTRACT §3 lists (and the typists' variants of 〇) reads as 2021-03-15.
    This test ensures that no common spelling of a date is missed."""
    assert find_dates(f"会议于{text}召开") == [(3, D)]


def test_impossible_and_partial_dates_are_not_dates():
    """30 February, month 13, a blank year and a date without a day are not dates.
    This test ensures that form blanks and typos do not invent evidence dates."""
    assert find_dates("2021年2月30日 2021-13-01 ○○○○年一月一日 2021年3月 　年　月　日") == []


def test_dates_in_reading_order_with_offsets():
    """Mixed forms come back in the order they are written, with their offsets.
    This test ensures that "the first date in the text" is really the first."""
    text = "二〇二一年四月八日开会，2021年3月1日发文，2021-05-01实施"
    assert [d for _, d in find_dates(text)] == [dt.date(2021, 4, 8), dt.date(2021, 3, 1), dt.date(2021, 5, 1)]
    assert find_dates(text)[1][0] == text.index("2021年3月1日")


def test_numbers_that_look_like_dates_are_not():
    """Phone numbers and long digit runs are not dates.
    This test ensures that 0771-1234567 or 12021-03-15 are never read as dates."""
    assert find_dates("电话0771-1234567，编号12021-03-155") == []


@pytest.mark.parametrize("value, expected", [
    ("2021-03-15", D), ("2021/3/15", D), ("2021.3.15", D), ("2021年3月15日", D), ("20210315", D),
    (" ２０２１．３．１５ ", D), (dt.datetime(2021, 3, 15, 9, 30), D), (D, D),
    ("", None), (None, None), ("下周一", None), ("2021-02-30", None),
])
def test_parse_date_cells(value, expected):
    """One cell or YAML value is exactly one date, or None.
    This test ensures that the manifest's 日期 column accepts the contract's forms."""
    assert parse_date(value) == expected


def test_add_months_clamps_and_formats():
    """2021-03-01 + 3 months is 2021-06-01; 31 January + 1 month is 28 February.
    This test ensures that the 任职日期 + 3 个月 rule uses calendar months."""
    assert add_months(dt.date(2021, 3, 1), 3) == dt.date(2021, 6, 1)
    assert add_months(dt.date(2021, 1, 31), 1) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2021, 11, 30), 3) == dt.date(2022, 2, 28)
    assert fmt_cn(D) == "2021年3月15日"


def test_working_days_skip_holidays_and_count_makeup_days():
    """Working days follow the official calendar: the 2021 National Day week is skipped and
    the make-up Saturday 2021-10-09 counts.
    This test ensures that deadlines in working days match the government calendar."""
    assert working_days_after(dt.date(2021, 9, 30), 1) == dt.date(2021, 10, 8)
    assert working_days_after(dt.date(2021, 10, 8), 1) == dt.date(2021, 10, 9)
