"""Dates as clerks write them: ``2021-03-15``, ``2021/3/15``, ``2021.3.15``, ``2021年3月15日``,
``二〇二一年三月十五日``; and calendar arithmetic the rules need (months, quarters, working days)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

# Typists write the zero of a year in many ways: 〇, ○, 零, a Latin or Cyrillic O, even 0.
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "О": 0, "O": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_NUMERIC = re.compile(
    r"(?<!\d)(\d{4})\s*(?:(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|([-/.])(\d{1,2})\5(\d{1,2}))(?!\d)")
_CN_CHARS = "〇○零ＯОO0０一二三四五六七八九"
_CHINESE = re.compile(rf"([{_CN_CHARS}]{{4}})年([{_CN_CHARS}十]{{1,3}})月([{_CN_CHARS}十]{{1,3}})日")


def _cn_number(s: str) -> int | None:
    """十五 → 15, 二十 → 20, 三十一 → 31, 九 → 9."""
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGITS.get(head, None) if head else 1
        ones = _CN_DIGITS.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    return None


def make_date(y: int, m: int, d: int) -> dt.date | None:
    """The date, or None when it does not exist (2021-02-30)."""
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, dt.date]]:
    """Every real date in ``text`` as (offset, date), in reading order. Impossible dates are skipped."""
    found: list[tuple[int, dt.date]] = []
    text = text.translate(_FULLWIDTH)  # one character for one: offsets stay true
    for m in _NUMERIC.finditer(text):
        y = int(m.group(1))
        if m.group(2):
            mo, d = int(m.group(3)), int(m.group(4))
        else:
            mo, d = int(m.group(6)), int(m.group(7))
        date = make_date(y, mo, d)
        if date and 1900 <= y <= 2100:
            found.append((m.start(), date))
    for m in _CHINESE.finditer(text):
        if not any(c in "一二三四五六七八九" for c in m.group(1)):
            continue  # "0000年" or "OOOO年" is a blank, not a year
        y = "".join(str(_CN_DIGITS[c]) for c in m.group(1))
        mo, d = _cn_number(m.group(2)), _cn_number(m.group(3))
        if mo and d:
            date = make_date(int(y), mo, d)
            if date:
                found.append((m.start(), date))
    found.sort(key=lambda t: t[0])
    return found


def parse_date(value) -> dt.date | None:
    """One date written alone (a cell, a YAML value). None when it is not exactly one date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip().translate(_FULLWIDTH)
    if not s:
        return None
    if re.fullmatch(r"\d{8}", s):
        return make_date(int(s[:4]), int(s[4:6]), int(s[6:]))
    found = find_dates(s)
    if len(found) == 1 and found[0][0] == 0:
        return found[0][1]
    return None


# Excel stores dates as days since 1899-12-30; a bare whole number in this range in a date
# cell is such a serial that lost its date format (1954…2119).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000


def cell_date(value) -> dt.date | None:
    """A spreadsheet date cell: a real date cell, an Excel serial that lost its format,
    ``20210315`` typed as a number, or text :func:`parse_date` accepts."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer():
            return None
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return parse_date(str(int(value)))
    return parse_date(value)


_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "／": "/", "－": "-"})


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the day is clamped to the month's end (2021-01-31 + 1 → 2021-02-28)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def fmt_cn(day: dt.date | None) -> str:
    """2021年10月25日 (Arabic numerals, as GB/T 9704-2012 wants for 成文日期)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def working_days_after(start: dt.date, count: int) -> dt.date:
    """The date ``count`` official working days after ``start`` (Chinese holiday calendar,
    including the make-up working weekends)."""
    import chinese_calendar

    day, left = start, count
    while left > 0:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day
