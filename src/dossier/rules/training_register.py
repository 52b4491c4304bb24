"""``training_register``: from a training register (台账), people in ``roles`` got their
onboarding training within ``onboarding_months`` of taking office, a training every year
after (``yearly``), and a share of subject hours (``hours_column`` / ``min_hours_ratio``;
``min_child_hours_ratio`` is the first catalog's spelling for 儿童社会工作课时) (11.2.1/11.2.2)."""

from __future__ import annotations

from fractions import Fraction

from dossier.dates import add_months
from dossier.records import Catalog, Rule
from dossier.registers import TOPIC_HOURS, training_columns
from dossier.rules.base import Context, Outcome, RuleType, as_of, names, percent, period_slices

SCHEMA = {
    "description": "培训台账：入职培训期限、每年轮训、专题课时占比",
    "properties": {
        "type": {"const": "training_register"},
        "register": {"type": "string", "minLength": 1,
                     "description": "台账文件（项目文件夹内的路径），其列名可在指标体系 registers 中定义"},
        "roles": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "onboarding_months": {"type": "integer", "minimum": 1},
        "yearly": {"type": "boolean"},
        "min_child_hours_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                                  "description": "儿童社会工作课时占总课时的最低比例"},
        "hours_column": {"type": "string", "minLength": 1,
                         "description": "专题课时列名（如 食品安全课时），与 min_hours_ratio 一起使用"},
        "min_hours_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                            "description": "专题课时占总课时的最低比例"},
    },
    "required": ["type", "register", "roles"],
}
CHILD_HOURS = "儿童社会工作课时"


def _register_def(rule: Rule, catalog: Catalog | None):
    return (getattr(catalog, "registers", None) or {}).get(rule.get("register"))


def hours_spec(rule: Rule, catalog: Catalog | None = None) -> tuple[str | None, float | None]:
    """(the subject-hours column, the minimum share) or (None, None) when not checked."""
    if rule.get("min_hours_ratio"):
        reg = _register_def(rule, catalog)
        named = rule.get("hours_column") or (reg.hours_column if reg else None)
        return named or CHILD_HOURS, rule.get("min_hours_ratio")
    if rule.get("min_child_hours_ratio"):
        return rule.get("hours_column") or CHILD_HOURS, rule.get("min_child_hours_ratio")
    return None, None


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    rel, roles = rule.get("register"), tuple(rule.get("roles") or ())
    role_text = "、".join(roles)
    reg_def = _register_def(rule, ctx.catalog)
    hours_column, ratio = hours_spec(rule, ctx.catalog)
    reg = ctx.registers.training(rel, reg_def.columns if reg_def else None, hours_column)
    topic = training_columns(reg_def.columns if reg_def else None, hours_column)[TOPIC_HOURS][0]
    if not reg.sheet.found:
        why = reg.sheet.error or f"未找到 {rel}"
        out.problem("register-missing", f"{why}，无法核对{role_text}的入职培训和轮训情况", roles=role_text)
        return out
    if reg.sheet.error:
        out.problem("register-unreadable", f"{rel} 无法读取：{reg.sheet.error}", roles=role_text)
        return out
    rows = reg.of_roles(roles)
    if not rows:
        out.problem("register-no-rows", f"{rel} 中没有岗位为{role_text}的人员", roles=role_text)
        return out
    out.evidence.append(rel)
    ctx.registers.used.setdefault(rel, []).append(ctx.standard.id)

    p = ctx.project
    people: dict[tuple[str, str], list] = {}
    for r in rows:
        people.setdefault((r.name, r.unit), []).append(r)
    ambiguous = {name for name, _ in people if sum(1 for n, _ in people if n == name) > 1}
    months = rule.get("onboarding_months")
    years = period_slices(p.period_start, p.period_end, "year") if p.period_start and p.period_end else []
    if (months or rule.get("yearly")) and not years:
        out.problem("period-missing", "dossier.yaml 未填写评估期 period（start、end），无法核对入职培训和轮训")
    yearly_missing: dict[int, list[str]] = {}
    for (name, unit), recs in people.items():
        who = f"{name}（{unit}）" if name in ambiguous and unit else name
        appointed = min((r.appointed for r in recs if r.appointed), default=None)
        trained = sorted(r.trained for r in recs if r.trained)
        if months and years and appointed and p.period_start <= appointed <= p.period_end:
            deadline = add_months(appointed, months)
            if not any(t <= deadline for t in trained):
                late = [t for t in trained if t > deadline]
                if late:
                    out.problem("onboarding-late", f"{who} {appointed} 任职，{late[0]} 才参加入职培训，超过{months}个月",
                                who=who, appointed=appointed, trained=late[0], months=months)
                elif as_of(p) and deadline >= as_of(p):
                    out.warn("onboarding-pending", f"{who} {appointed} 任职，入职培训期限 {deadline} 尚未到，请按时培训")
                else:
                    out.problem("onboarding-missing", f"{who} {appointed} 任职，未见入职培训记录（应不晚于 {deadline}）",
                                who=who, appointed=appointed, deadline=deadline, months=months)
        if rule.get("yearly"):
            for s in years:
                if appointed and s.year <= appointed.year:
                    continue
                if not any(s.holds(t) for t in trained):
                    yearly_missing.setdefault(s.year, []).append(who)
        if ratio:
            for r in recs:
                if r.trained is None or not (p.period_start and p.period_start <= r.trained <= p.period_end):
                    continue
                course = f"（{r.course}）" if r.course else ""
                if not r.total_hours or r.child_hours is None:
                    out.problem("hours-missing", f"{who} {r.trained} 培训{course}未填写总课时或{topic}，"
                                                 f"无法核对{topic}占比（第{r.row}行）",
                                who=who, trained=r.trained, course=r.course, topic=topic)
                    continue
                share = Fraction(str(r.child_hours)) / Fraction(str(r.total_hours))
                if share < Fraction(str(ratio)):
                    out.problem("child-hours-low", f"{who} {r.trained} 培训{course}{topic} "
                                                   f"{r.child_hours:g}/{r.total_hours:g}（{float(share) * 100:.4g}%），"
                                                   f"需≥{percent(ratio)}",
                                who=who, trained=r.trained, course=r.course, topic=topic,
                                share=f"{float(share) * 100:.4g}%", ratio=percent(ratio))
    for year in sorted(yearly_missing):
        out.problem("yearly-training-missing", f"{names(yearly_missing[year])} {year}年未参加轮训，需每年至少轮训1次",
                    who=names(yearly_missing[year]), year=year)
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    parts = [f"依据 {p['register']} 中岗位为{'、'.join(p['roles'])}的人员"]
    if p.get("onboarding_months"):
        parts.append(f"评估期内新任职的须在任职日期后 {p['onboarding_months']} 个月内参加入职培训")
    if p.get("yearly"):
        parts.append("任职次年起评估期内每个自然年至少轮训 1 次")
    column, ratio = hours_spec(rule, catalog)
    if ratio:
        parts.append(f"每次培训{column}不少于总课时的 {percent(ratio)}")
    return "；".join(parts)


RULE = RuleType(
    name="training_register", schema=SCHEMA, evaluate=evaluate, describe=describe,
    needs={"onboarding-late": "入职培训记录（{register_label}）",
           "onboarding-missing": "入职培训记录（{register_label}）",
           "yearly-training-missing": "年度轮训记录（{register_label}）",
           "child-hours-low": "{topic_short}课程课时证明（{register_label}）",
           "hours-missing": "{register_label}中的总课时和{topic}",
           "register-missing": "台账文件",
           "register-unreadable": "可读取的台账文件",
           "register-no-rows": "台账中相关岗位人员的记录",
           "period-missing": "dossier.yaml 中的评估期（period）"})
