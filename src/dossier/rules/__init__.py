"""Rule types of the catalog vocabulary: one module per type, registered in one place.

Each module of this package defines ``RULE = RuleType(...)``: its JSON-schema fragment, its
evaluator, its plain description and what-to-supply wording. :func:`register` is the one
registry; every module here is registered on import, so adding a rule type is adding one
module (plus its test) — the catalog schema's rule part is assembled from the fragments
(:func:`schema_defs`), ``dossier catalog show`` describes it and the reports ask for it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Mapping

from dossier.records import Catalog, Condition, Problem, Rule
from dossier.rules.base import (PERIODS, Context, Evaluator, Outcome, Registers, RuleType, Slice, applies,  # noqa: F401
                                as_of, fact, lookback_start, names, percent, period_slices, unit_from_path,
                                unit_label, what)

TYPES: dict[str, RuleType] = {}
# Kept for callers of the first version: rule type → evaluator.
EVALUATORS: dict[str, Evaluator] = {}


def register(rule_type: RuleType) -> RuleType:
    """Add (or replace) a rule type; the catalog schema and every view pick it up."""
    TYPES[rule_type.name] = rule_type
    EVALUATORS[rule_type.name] = rule_type.evaluate
    return rule_type


def unregister(name: str) -> None:
    TYPES.pop(name, None)
    EVALUATORS.pop(name, None)


def _discover() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(getattr(module, "RULE", None), RuleType):
            register(module.RULE)


_discover()
BUILTIN = tuple(TYPES)


def evaluate_rule(rule: Rule, ctx: Context) -> Outcome:
    rule_type = TYPES.get(rule.type)
    if rule_type is None:  # the catalog schema forbids this; a newer catalog on an older dossier
        out = Outcome()
        out.warn("unknown-rule", f"不认识的检查规则类型 {rule.type}，已跳过")
        return out
    return rule_type.evaluate(rule, ctx)


def per_period(rule: Rule) -> bool:
    rule_type = TYPES.get(rule.type)
    return bool(rule_type and rule_type.per_period)


def describe_rule(rule: Rule, catalog: Catalog | None = None) -> str:
    rule_type = TYPES.get(rule.type)
    return rule_type.describe(rule, catalog) if rule_type else rule.type


OPS = {"gt": "大于", "ge": "不少于", "lt": "小于", "le": "不超过", "eq": "等于", "ne": "不等于"}


def describe_condition(cond: Condition, catalog: Catalog | None = None) -> str:
    facts = getattr(catalog, "facts", None) or {}
    spec = facts.get(cond.key)
    label = spec.label if spec is not None and spec.label else ("常住人口" if cond.key == "population" else cond.key)
    if isinstance(cond.value, bool):
        yes = (cond.op == "eq") == cond.value
        return f"仅当{label}为“{'是' if yes else '否'}”时适用"
    value = f"{cond.value:,}" if isinstance(cond.value, (int, float)) else str(cond.value)
    return f"仅当{label}{OPS.get(cond.op, cond.op)} {value} 时适用"


class _Vars(dict):
    def __missing__(self, key: str) -> str:  # a template naming an absent parameter stays readable
        return ""


def need_text(rule: Rule, code: str, catalog: Catalog | None = None) -> str | None:
    """What the departments must supply for ``code`` raised by ``rule``: the rule's own
    ``supply`` (text, or code → text), the catalog's ``supply`` table, then the rule type's."""
    own = rule.get("supply")
    if isinstance(own, str):
        return own
    if isinstance(own, Mapping) and code in own:
        return own[code]
    table = getattr(catalog, "supply", None) or {}
    rule_type = TYPES.get(rule.type)
    template = table.get(code) or (rule_type.needs.get(code) if rule_type else None)
    if template is None:
        return None
    return template.format_map(_vars(rule, catalog))


def _vars(rule: Rule, catalog: Catalog | None) -> _Vars:
    p = rule.params
    v = _Vars({k: ("、".join(map(str, x)) if isinstance(x, (list, tuple)) else x) for k, x in p.items()})
    kind = p.get("kind")
    v["what"] = kind or "材料"
    v["what_etc"] = f"{kind}等材料" if kind else "材料"
    if p.get("units"):
        v["label"] = unit_label(catalog, p["units"])
    if p.get("register"):
        reg = (getattr(catalog, "registers", None) or {}).get(p["register"])
        stem = str(p["register"]).rsplit("/", 1)[-1].rsplit(".", 1)[0]
        v["register_label"] = reg.label if reg is not None and reg.label else stem
    if rule.type == "training_register" or p.get("hours_column"):
        from dossier.rules.training_register import hours_spec

        column = hours_spec(rule, catalog)[0] or p.get("hours_column") or "专题课时"
        v["topic"] = column
        v["topic_short"] = column.removesuffix("课时") or column
    return v


# --------------------------------------------------------------------------- schema

SUPPLY_SCHEMA = {
    "description": "该规则不满足时，任务分解表“需补充”栏的文字（整条规则一句，或按问题代码分别写）",
    "oneOf": [{"type": "string", "minLength": 1},
              {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}],
}


def schema_defs() -> dict[str, Any]:
    """The catalog schema's ``$defs`` for rules, assembled from every registered fragment."""
    defs: dict[str, Any] = {}
    rule = {"type": "object", "required": ["type"],
            "properties": {"type": {"enum": list(TYPES), "description": "规则类型"}},
            "allOf": []}
    for name, rt in TYPES.items():
        fragment = {"type": "object", **{k: v for k, v in rt.schema.items()}}
        fragment["properties"] = {**rt.schema["properties"], "supply": SUPPLY_SCHEMA}
        fragment["additionalProperties"] = False
        defs[f"rule_{name}"] = fragment
        rule["allOf"].append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                              "then": {"$ref": f"#/$defs/rule_{name}"}})
    defs["rule"] = rule
    return defs


def problem_need(problem: Problem) -> str | None:
    return getattr(problem, "need", None) or None
