"""rules: the calendar behind per-period rules, the look-back window, applicability, and
that every rule type of the catalog vocabulary has an evaluator (no per-ID code)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from dossier import rules
from dossier.records import Condition

D = dt.date


def labels(start, end, unit):
    return [s.label for s in rules.period_slices(start, end, unit)]


def test_years_of_the_period():
    """2020-01-01…2021-09-30 has the years 2020 and 2021 (273 of 365 days), clipped to the
    period. This test ensures that the CONTRACT example period counts both years."""
    slices = rules.period_slices(D(2020, 1, 1), D(2021, 9, 30), "year")
    assert [(s.label, s.first, s.last) for s in slices] == [
        ("2020年", D(2020, 1, 1), D(2020, 12, 31)), ("2021年", D(2021, 1, 1), D(2021, 9, 30))]


@pytest.mark.parametrize("end,expected", [
    (D(2020, 7, 1), ["2020年"]),    # 183 of 366 days (leap year): exactly half counts
    (D(2020, 6, 30), []),           # 182 of 366
])
def test_leap_year_exactly_half(end, expected):
    """A year overlapped by exactly half of its days is a year of the period; one day less
    is not. This test ensures that the half-overlap boundary holds in a leap year."""
    assert labels(D(2020, 1, 1), end, "year") == expected


@pytest.mark.parametrize("start,expected", [(D(2021, 7, 3), []), (D(2021, 7, 2), ["2021年"])])
def test_common_year_half_rounds_up(start, expected):
    """2021 has 365 days: 183 days overlap counts, 182 does not.
    This test ensures that odd-length years need more than 182.5 days."""
    assert labels(start, D(2021, 12, 31), "year") == expected


def test_quarters_of_the_period():
    """2021-02-15…2021-08-15: Q1 overlapped 45 of 90 days (exactly half, counts), Q2 fully,
    Q3 46 of 92 (exactly half, counts). Ending 2021-08-14 drops Q3 (45 of 92).
    This test ensures that quarters use the same half-overlap rule."""
    assert labels(D(2021, 2, 15), D(2021, 8, 15), "quarter") == ["2021年第1季度", "2021年第2季度", "2021年第3季度"]
    assert labels(D(2021, 2, 15), D(2021, 8, 14), "quarter") == ["2021年第1季度", "2021年第2季度"]
    assert labels(D(2020, 10, 1), D(2021, 3, 31), "quarter") == ["2020年第4季度", "2021年第1季度"]


@pytest.mark.parametrize("ref,years,start", [
    (D(2021, 10, 25), 2, D(2019, 10, 25)), (D(2020, 2, 29), 2, D(2018, 2, 28)), (D(2021, 1, 1), 1, D(2020, 1, 1))])
def test_lookback_start(ref, years, start):
    """2 calendar years back from 2021-10-25 is 2019-10-25; 29 February clamps to the 28th.
    This test ensures that the look-back window starts on the right day."""
    assert rules.lookback_start(ref, years) == start


def test_applies_condition():
    """population > 300000: 300000 no, 300001 yes, unknown undecided.
    This test ensures that applies_when is evaluated from the project as data."""
    class P:
        raw = {}
        population = 300000
    cond = Condition("population", "gt", 300000)
    assert rules.applies(cond, P()) is False
    P.population = 300001
    assert rules.applies(cond, P()) is True
    P.population = None
    assert rules.applies(cond, P()) is None
    assert rules.applies(None, P()) is True


def test_every_rule_type_has_an_evaluator():
    """The evaluator registry covers exactly the rule types the catalog schema allows.
    This test ensures that a new rule type in the schema cannot ship without its evaluator."""
    schema = json.loads(resources.files("dossier").joinpath("schemas", "catalog.schema.json").read_text("utf-8"))
    assert set(schema["$defs"]["rule"]["properties"]["type"]["enum"]) == set(rules.EVALUATORS)


def test_no_indicator_ids_in_rule_code():
    """The rule modules and check.py name no indicator ID: behaviour comes from the catalog's data.
    This test ensures that there is no per-ID code."""
    import re

    root = resources.files("dossier")
    modules = ["check.py"] + [f"rules/{p.name}" for p in root.joinpath("rules").iterdir() if p.name.endswith(".py")]
    assert len(modules) > 8
    for module in modules:
        text = root.joinpath(module).read_text("utf-8")
        code = "\n".join(line.split("#")[0] for line in text.splitlines())
        assert not re.search(r"[\"'](\d+\.\d+\.\d+|N\d)[\"']", code), module
