"""``count_per_period``: at least ``min`` pieces of evidence (of ``kind``) in every calendar
year or quarter of the period (2.1.3: two 会议纪要 a year; 4.1.2: one 活动记录 a quarter)."""

from __future__ import annotations

from dossier.records import Catalog, Rule
from dossier.rules.base import (PERIODS, Context, Outcome, RuleType, count_text, dated_pool, slices_or_problem,
                                what)

SCHEMA = {
    "description": "评估期内每个自然年（或季度）至少 min 份材料",
    "properties": {
        "type": {"const": "count_per_period"},
        "period": {"enum": ["year", "quarter"]},
        "min": {"type": "integer", "minimum": 1},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["type", "period", "min"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    slices = slices_or_problem(rule, ctx, out)
    if slices is None:
        return out
    pool = dated_pool(rule, ctx, out)
    code = "too-few-per-year" if rule.get("period") == "year" else "too-few-per-quarter"
    for s in slices:
        n = sum(1 for e in pool if s.holds(e.date))
        if n < rule.get("min"):
            out.problem(code, count_text(s.label, n, what(rule), rule.get("min")),
                        period=s.label, count=n, need=rule.get("min"), kind=what(rule))
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    return f"评估期内{PERIODS[p['period']]}至少 {p['min']} 份{what(rule)}（与评估期重叠不足一半天数的年/季度不计）"


RULE = RuleType(
    name="count_per_period", schema=SCHEMA, evaluate=evaluate, describe=describe, per_period=True,
    needs={"too-few-per-year": "评估期内各年份的{what_etc}（补足份数，注明日期）",
           "too-few-per-quarter": "评估期内各季度的{what_etc}（补足份数，注明日期）",
           "period-missing": "dossier.yaml 中的评估期（period）"})
