"""``count_per_unit_per_period``: every member of a roster (``units``) has at least ``min``
pieces of evidence in every year or quarter of the period (2.1.7: two 会议纪要 per township)."""

from __future__ import annotations

from dossier.records import Catalog, Rule
from dossier.rules.base import (PERIODS, Context, Outcome, RuleType, by_unit, count_text, dated_pool, names,
                                roster_of, slices_or_problem, unit_label, what)

SCHEMA = {
    "description": "名册中每个单位每年（或季度）至少 min 份材料",
    "properties": {
        "type": {"const": "count_per_unit_per_period"},
        "units": {"type": "string", "minLength": 1,
                  "description": "units 中的名册名称（如 townships、communities、schools）"},
        "period": {"enum": ["year", "quarter"]},
        "min": {"type": "integer", "minimum": 1},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["type", "units", "period", "min"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    roster = roster_of(rule, ctx, out)
    slices = slices_or_problem(rule, ctx, out)
    if roster is None or slices is None:
        return out
    per_unit = by_unit(rule, ctx, out, roster, dated_pool(rule, ctx, out))
    code = "unit-too-few-per-year" if rule.get("period") == "year" else "unit-too-few-per-quarter"
    need = rule.get("min")
    for s in slices:
        # Units with the same shortfall share one line: a county has dozens of townships.
        short: dict[int, list[str]] = {}
        for unit in roster:
            n = sum(1 for e in per_unit[unit] if s.holds(e.date))
            if n < need:
                short.setdefault(n, []).append(unit)
        for n in sorted(short):
            out.problem(code, count_text(f"{names(short[n])}{s.label}", n, what(rule), need),
                        units=names(short[n]), period=s.label, count=n, need=need, kind=what(rule))
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    return (f"名册 units.{p['units']} 中每个{unit_label(catalog, p['units'])}{PERIODS[p['period']]}"
            f"至少 {p['min']} 份{what(rule)}（按“主体”列统计）")


RULE = RuleType(
    name="count_per_unit_per_period", schema=SCHEMA, evaluate=evaluate, describe=describe, per_period=True,
    needs={"unit-too-few-per-year": "各单位评估期内各年份的材料（材料清单“主体”列填写单位名称）",
           "unit-too-few-per-quarter": "各单位评估期内各季度的材料（材料清单“主体”列填写单位名称）",
           "roster-missing": "dossier.yaml 中的单位名单（units）",
           "period-missing": "dossier.yaml 中的评估期（period）"})
