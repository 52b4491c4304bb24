"""``declaration``: without incidents, a negative-list item still needs a declaration
(a 承诺书): evidence of ``kind``."""

from __future__ import annotations

from dossier.records import Catalog, Rule
from dossier.rules.base import Context, Outcome, RuleType

SCHEMA = {
    "description": "须有 kind 类型的材料（如承诺书）作为声明",
    "properties": {
        "type": {"const": "declaration"},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["type", "kind"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    kind = rule.get("kind")
    if not ctx.usable(kind):
        out.problem("no-declaration", f"未见“{kind}”类材料，需提供{kind}作为声明", kind=kind)
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    return f"无事件时，须有“{rule.params['kind']}”类材料作为声明"


RULE = RuleType(name="declaration", schema=SCHEMA, evaluate=evaluate, describe=describe,
                needs={"no-declaration": "{kind}"})
