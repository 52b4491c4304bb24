"""Rules and conditions in plain Chinese, for ``dossier catalog show`` and the reports."""

from __future__ import annotations

from dossier.records import Condition, Rule

PERIODS = {"year": "每个自然年", "quarter": "每个季度"}
UNIT_NAMES = {"townships": "乡镇（街道）", "communities": "村（社区）", "schools": "中小学"}
OPS = {"gt": "大于", "ge": "不少于", "lt": "小于", "le": "不超过", "eq": "等于", "ne": "不等于"}
KEYS = {"population": "常住人口"}


def unit_label(units: str) -> str:
    return UNIT_NAMES.get(units, units)


def percent(ratio: float) -> str:
    return f"{ratio * 100:g}%"


def describe_rule(rule: Rule) -> str:
    p = rule.params
    kind = p.get("kind")
    what = kind or "材料"
    t = rule.type
    if t == "count_per_period":
        return f"评估期内{PERIODS[p['period']]}至少 {p['min']} 份{what}（与评估期重叠不足一半天数的年/季度不计）"
    if t == "count_per_unit_per_period":
        return f"名册 units.{p['units']} 中每个{unit_label(p['units'])}{PERIODS[p['period']]}至少 {p['min']} 份{what}（按“主体”列统计）"
    if t == "unit_coverage":
        label = p.get("label") or what
        if p["min_ratio"] >= 1:
            return f"名册 units.{p['units']} 中每个{unit_label(p['units'])}都有{label}材料（按“主体”列统计）"
        return f"名册 units.{p['units']} 中不少于 {percent(p['min_ratio'])} 的{unit_label(p['units'])}有{label}材料（按“主体”列统计）"
    if t == "distinct_units":
        return f"材料涉及至少 {p['min']} 个不同的{p.get('label') or '主体'}（按“主体”列统计）"
    if t == "training_register":
        parts = [f"依据 {p['register']} 中岗位为{'、'.join(p['roles'])}的人员"]
        if p.get("onboarding_months"):
            parts.append(f"评估期内新任职的须在任职日期后 {p['onboarding_months']} 个月内参加入职培训")
        if p.get("yearly"):
            parts.append("任职次年起评估期内每个自然年至少轮训 1 次")
        if p.get("min_child_hours_ratio"):
            parts.append(f"每次培训儿童社会工作课时不少于总课时的 {percent(p['min_child_hours_ratio'])}")
        return "；".join(parts)
    if t == "register_deadline":
        limit = f"{p['working_days']} 个工作日" if p.get("working_days") else f"{p.get('days')} 日"
        cond = (f"{p['condition_column']}为“{p['condition_value']}”的行，" if p.get("condition_column") else "")
        return f"依据 {p['register']}：{cond}{p['end_column']}须在{p['start_column']}后 {limit}内（按国家法定节假日安排计算工作日）"
    if t == "incident_lookback":
        return f"申报日期前 {p['years']} 年内（含两端）在 incidents 中登记的事件视为违反，不予推荐"
    if t == "declaration":
        return f"无事件时，须有“{p['kind']}”类材料作为声明"
    return t


def describe_condition(cond: Condition) -> str:
    return f"仅当{KEYS.get(cond.key, cond.key)}{OPS.get(cond.op, cond.op)} {cond.value:,} 时适用"
