"""``distinct_units``: the evidence names at least ``min`` different 主体 (10.3.1: two
social organisations)."""

from __future__ import annotations

from dossier.records import Catalog, Rule
from dossier.registers import norm
from dossier.rules.base import Context, Outcome, RuleType

SCHEMA = {
    "description": "材料涉及的不同主体不少于 min 个",
    "properties": {
        "type": {"const": "distinct_units"},
        "min": {"type": "integer", "minimum": 1},
        "label": {"type": "string"},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["type", "min"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    units: dict[str, str] = {}
    for e in ctx.usable(rule.get("kind")):
        if norm(e.unit):
            units.setdefault(norm(e.unit), e.unit.strip())
        else:
            out.warn("no-unit", f"{e.path} 未填写主体，无法计入不同主体的统计（请在材料清单“主体”列填写）")
    label = rule.get("label") or "主体"
    need = rule.get("min")
    if len(units) < need:
        if units:
            msg = f"材料仅涉及{len(units)}个{label}（{'、'.join(units.values())}），需至少{need}个不同的{label}"
        else:
            msg = f"材料未涉及任何{label}（未填写主体），需至少{need}个不同的{label}"
        out.problem("too-few-units", msg, count=len(units), need=need, label=label)
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    return f"材料涉及至少 {p['min']} 个不同的{p.get('label') or '主体'}（按“主体”列统计）"


RULE = RuleType(
    name="distinct_units", schema=SCHEMA, evaluate=evaluate, describe=describe,
    needs={"too-few-units": "其他主体的材料（材料清单“主体”列填写名称）"})
