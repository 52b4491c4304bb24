"""``register_deadline``: in a register, the date in ``end_column`` falls within
``working_days`` (statutory holidays honoured) or ``days`` after ``start_column``, for the
rows where ``condition_column`` equals ``condition_value`` (3.3.1: 30 working days)."""

from __future__ import annotations

import datetime as dt

from dossier.dates import working_days_after
from dossier.records import Catalog, ManifestProblem, Rule
from dossier.registers import cell_date, column, norm
from dossier.rules.base import Context, Outcome, RuleType, as_of

SCHEMA = {
    "description": "台账：两个日期之间不超过若干工作日（按国家法定节假日安排计算）",
    "properties": {
        "type": {"const": "register_deadline"},
        "register": {"type": "string", "minLength": 1},
        "start_column": {"type": "string"},
        "end_column": {"type": "string"},
        "condition_column": {"type": "string"},
        "condition_value": {"type": "string"},
        "working_days": {"type": "integer", "minimum": 1},
        "days": {"type": "integer", "minimum": 1},
    },
    "required": ["type", "register", "start_column", "end_column"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    rel = rule.get("register")
    sheet = ctx.registers.sheet(rel)
    if not sheet.found:
        why = sheet.error or f"未找到 {rel}"
        out.warn("register-missing", f"{why}，未核对期限（如有相关情况，请建立该台账）")
        return out
    if sheet.error:
        out.problem("register-unreadable", f"{rel} 无法读取：{sheet.error}")
        return out
    start_col, end_col = column(sheet, (rule.get("start_column"),)), column(sheet, (rule.get("end_column"),))
    cond_col = column(sheet, (rule.get("condition_column"),)) if rule.get("condition_column") else None
    absent = [c for c, found in ((rule.get("start_column"), start_col), (rule.get("end_column"), end_col),
                                 (rule.get("condition_column"), cond_col if rule.get("condition_column") else True))
              if not found]
    if absent:
        ctx.registers.add_problem(ManifestProblem(rel, 1, f"缺少表头“{'、'.join(absent)}”，无法核对期限"))
        out.problem("register-columns", f"{rel} 缺少“{'、'.join(absent)}”列，无法核对期限", columns="、".join(absent))
        return out
    wd, days = rule.get("working_days"), rule.get("days")
    limit = f"{wd}个工作日" if wd else f"{days}日"
    name_col = column(sheet, ("姓名",))
    today = as_of(ctx.project)
    for row_no, cells in sheet.rows:
        if cond_col and norm(cells.get(cond_col)) != norm(rule.get("condition_value")):
            continue
        who = f"第{row_no}行" + (f" {norm(cells.get(name_col))}" if name_col and norm(cells.get(name_col)) else "")
        start, end = cell_date(cells.get(start_col)), cell_date(cells.get(end_col))
        bad = [f"{c}“{v}”不是有效日期" for c, v in ((start_col, start), (end_col, end)) if isinstance(v, str)]
        if start is None:
            bad.append(f"{start_col}为空")
        if bad:
            ctx.registers.add_problem(ManifestProblem(rel, row_no, "；".join(bad) + "，已跳过该行"))
            continue
        deadline = working_days_after(start, wd) if wd else start + dt.timedelta(days=days)
        if end is not None:
            if end > deadline:
                out.problem("deadline-exceeded", f"{who}：{start_col} {start}，{end_col} {end}，超过{limit}"
                                                 f"（应不晚于 {deadline}）", start=start, end=end, limit=limit)
        elif today and today > deadline:
            out.problem("deadline-exceeded", f"{who}：{start_col} {start}，未填{end_col}，已超过{limit}"
                                             f"（应不晚于 {deadline}）", start=start, end=None, limit=limit)
        else:
            out.warn("deadline-pending", f"{who}：{start_col} {start}，{end_col}应不晚于 {deadline}")
    return out



def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    p = rule.params
    limit = f"{p['working_days']} 个工作日" if p.get("working_days") else f"{p.get('days')} 日"
    cond = (f"{p['condition_column']}为“{p['condition_value']}”的行，" if p.get("condition_column") else "")
    return f"依据 {p['register']}：{cond}{p['end_column']}须在{p['start_column']}后 {limit}内（按国家法定节假日安排计算工作日）"


RULE = RuleType(
    name="register_deadline", schema=SCHEMA, evaluate=evaluate, describe=describe,
    needs={"deadline-exceeded": "超过期限的情况说明",
           "register-missing": "台账文件",
           "register-unreadable": "可读取的台账文件",
           "register-columns": "台账中缺少的列"})
