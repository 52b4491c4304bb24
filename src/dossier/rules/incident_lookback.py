"""``incident_lookback``: an incident registered in dossier.yaml ``incidents`` within
``years`` calendar years before the application date violates the negative-list item."""

from __future__ import annotations

from dossier.records import Catalog, Rule
from dossier.rules.base import Context, Outcome, RuleType, lookback_start

SCHEMA = {
    "description": "申报日期前 years 个自然年内（含两端）发生的事件视为违反",
    "properties": {
        "type": {"const": "incident_lookback"},
        "years": {"type": "integer", "minimum": 1},
    },
    "required": ["type", "years"],
}


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    p = ctx.project
    reference = p.application_date or p.period_end
    years = rule.get("years")
    start = lookback_start(reference, years) if reference else None
    if reference is None:
        out.warn("no-application-date", "dossier.yaml 未填写 application_date（申报日期），所有登记的事件都视为在回溯期内")
    for inc in p.incidents:
        if inc.item != ctx.standard.id:
            continue
        if reference is None or start <= inc.date <= reference:
            happened = f"（{inc.summary}）" if inc.summary else ""
            window = f"申报前{years}年内（{start} 至 {reference}）" if reference else f"申报前{years}年内"
            out.problem("incident-in-window", f"{inc.date} 发生事件{happened}，在{window}，不予推荐",
                        date=inc.date, summary=inc.summary or "", years=years)
            out.violated = True
    return out


def describe(rule: Rule, catalog: Catalog | None = None) -> str:
    return f"申报日期前 {rule.params['years']} 年内（含两端）在 incidents 中登记的事件视为违反，不予推荐"


RULE = RuleType(
    name="incident_lookback", schema=SCHEMA, evaluate=evaluate, describe=describe,
    needs={"incident-in-window": "事件处置情况说明（该项违反负面清单，不予推荐）"})
