"""``unit_coverage``: at least ``min_ratio`` of a roster's members have evidence (主体)
(5.2.2: every school; 10.1.2: half of the townships have a 工作站)."""

from __future__ import annotations

from fractions import Fraction

from dossier.records import Catalog, Rule
from dossier.rules.base import Context, Outcome, RuleType, by_unit, names, percent, roster_of, unit_label, what

SCHEMA = {
    "description": "名册中有材料的单位占比不低于 min_ratio",
    "properties": {
        "type": {"const": "unit_coverage"},
        "units": {"type": "string", "minLength": 1,
                  "description": "units 中的名册名称（如 townships、communities、schools）"},
        "min_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "label": {"type": "string"},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["type", "units", "min_ratio"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    roster = roster_of(rule, ctx, out)
    if roster is None:
        return out
    per_unit = by_unit(rule, ctx, out, roster, ctx.usable(rule.get("kind")))
    lacking = [u for u in roster if not per_unit[u]]
    covered, total = len(roster) - len(lacking), len(roster)
    ratio = Fraction(str(rule.get("min_ratio")))
    if Fraction(covered, total) < ratio:
        label = rule.get("label") or rule.get("kind") or "相关"
        need = "全部" if ratio >= 1 else f"≥{percent(float(ratio))}"
        out.problem("coverage-below", f"{names(lacking)}未见{label}材料（{covered}/{total}，需{need}）",
                    units=names(lacking), label=label, covered=covered, total=total)
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    label = p.get("label") or what(rule)
    members = unit_label(catalog, p["units"])
    if p["min_ratio"] >= 1:
        return f"名册 units.{p['units']} 中每个{members}都有{label}材料（按“主体”列统计）"
    return f"名册 units.{p['units']} 中不少于 {percent(p['min_ratio'])} 的{members}有{label}材料（按“主体”列统计）"


RULE = RuleType(
    name="unit_coverage", schema=SCHEMA, evaluate=evaluate, describe=describe,
    needs={"coverage-below": "所列单位的材料（材料清单“主体”列填写单位名称）",
           "roster-missing": "dossier.yaml 中的单位名单（units）"})
