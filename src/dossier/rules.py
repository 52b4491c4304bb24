"""One evaluator per rule type of the catalog vocabulary (schemas/catalog.schema.json).

Rules are data in the catalog; this module only knows rule *types*. Each evaluator takes
the rule's parameters and a :class:`Context` (the standard, the project, the evidence
assigned to it, the registers) and returns an :class:`Outcome` of problems and warnings
with stable codes and Chinese messages carrying the numbers (CONTRACT.md §5).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

from dossier.catalog.describe import percent, unit_label
from dossier.dates import add_months, working_days_after
from dossier.records import Condition, Evidence, ManifestProblem, Problem, Project, Rule, Standard
from dossier.registers import (Sheet, TrainingRegister, cell_date, column, load_training_register,
                               norm, read_sheet)

# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Slice:
    """One calendar year or quarter "of the period", clipped to the period."""

    label: str  # 2021年 / 2021年第3季度
    year: int
    first: dt.date
    last: dt.date

    def holds(self, day: dt.date | None) -> bool:
        return day is not None and self.first <= day <= self.last


def _calendar_units(start: dt.date, end: dt.date, unit: str) -> Iterable[tuple[str, int, dt.date, dt.date]]:
    if unit == "year":
        for y in range(start.year, end.year + 1):
            yield f"{y}年", y, dt.date(y, 1, 1), dt.date(y, 12, 31)
        return
    y, q = start.year, (start.month - 1) // 3
    while (y, q) <= (end.year, (end.month - 1) // 3):
        first = dt.date(y, 3 * q + 1, 1)
        yield f"{y}年第{q + 1}季度", y, first, add_months(first, 3) - dt.timedelta(days=1)
        y, q = (y + 1, 0) if q == 3 else (y, q + 1)


def period_slices(start: dt.date, end: dt.date, unit: str) -> list[Slice]:
    """Every calendar year (``unit='year'``) or quarter the period overlaps by at least
    half of that year's or quarter's days (exactly half counts)."""
    slices = []
    for label, year, first, last in _calendar_units(start, end, unit):
        lo, hi = max(first, start), min(last, end)
        overlap = (hi - lo).days + 1
        if overlap > 0 and 2 * overlap >= (last - first).days + 1:
            slices.append(Slice(label, year, lo, hi))
    return slices


def as_of(project: Project) -> dt.date | None:
    """The latest day the file could know about: deadlines after it are not yet due."""
    days = [d for d in (project.application_date, project.period_end) if d]
    return max(days) if days else None


def lookback_start(reference: dt.date, years: int) -> dt.date:
    """``years`` calendar years back, both ends inclusive (2021-10-25 → 2019-10-25)."""
    return add_months(reference, -12 * years)


# --------------------------------------------------------------------------- context


class Registers:
    """Registers read once per check and shared by every rule that names them."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._training: dict[str, TrainingRegister] = {}
        self._sheets: dict[str, Sheet] = {}
        self.problems: list[ManifestProblem] = []
        self.used: dict[str, list[str]] = {}  # register path → IDs it is evidence for

    def training(self, rel: str) -> TrainingRegister:
        if rel not in self._training:
            reg = load_training_register(self.root, rel)
            self._training[rel] = reg
            self._sheets.setdefault(rel, reg.sheet)
            self.problems.extend(reg.problems)
        return self._training[rel]

    def sheet(self, rel: str) -> Sheet:
        if rel not in self._sheets:
            sheet = read_sheet(self.root, rel)
            self._sheets[rel] = sheet
            if sheet.found and sheet.error:
                self.problems.append(ManifestProblem(rel, None, sheet.error))
        return self._sheets[rel]

    def add_problem(self, problem: ManifestProblem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def sheets(self) -> dict[str, Sheet]:
        return dict(self._sheets)


@dataclass(frozen=True)
class Context:
    standard: Standard
    project: Project
    evidence: tuple[Evidence, ...]
    registers: Registers

    def usable(self, kind: str | None = None) -> list[Evidence]:
        """Usable evidence; filtered by kind only when the rule names one."""
        return [e for e in self.evidence if e.usable and (not kind or e.kind == kind)]


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # registers that prove the standard
    violated: bool = False

    def problem(self, code: str, message: str, **facts) -> None:
        self.problems.append(Problem(code, message, facts))

    def warn(self, code: str, message: str) -> None:
        p = Problem(code, message)
        if p not in self.warnings:
            self.warnings.append(p)


Evaluator = Callable[[Rule, Context], Outcome]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(type_: str):
    def wrap(fn: Evaluator) -> Evaluator:
        EVALUATORS[type_] = fn
        return fn
    return wrap


def evaluate_rule(rule: Rule, ctx: Context) -> Outcome:
    fn = EVALUATORS.get(rule.type)
    if fn is None:  # the catalog schema forbids this; a newer catalog on an older dossier
        out = Outcome()
        out.warn("unknown-rule", f"不认识的检查规则类型 {rule.type}，已跳过")
        return out
    return fn(rule, ctx)


_OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
        "eq": operator.eq, "ne": operator.ne}


def applies(cond: Condition | None, project: Project) -> bool | None:
    """True/False when the condition can be decided; None when the project lacks the key."""
    if cond is None:
        return True
    value = getattr(project, cond.key, None)
    if value is None:
        value = project.raw.get(cond.key) if project.raw else None
    if value is None:
        return None
    return bool(_OPS[cond.op](value, cond.value))


# --------------------------------------------------------------------------- helpers


def _what(rule: Rule) -> str:
    return rule.get("kind") or "材料"


def _names(names: list[str], limit: int = 20) -> str:
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}个"


def _slices_or_problem(rule: Rule, ctx: Context, out: Outcome) -> list[Slice] | None:
    p = ctx.project
    if not (p.period_start and p.period_end):
        out.problem("period-missing", "dossier.yaml 未填写评估期 period（start、end），无法按年/季度统计")
        return None
    return period_slices(p.period_start, p.period_end, rule.get("period", "year"))


def _dated_pool(rule: Rule, ctx: Context, out: Outcome) -> list[Evidence]:
    """Usable evidence of the rule's kind dated inside the period; the rest is warned about."""
    p = ctx.project
    pool = []
    for e in ctx.usable(rule.get("kind")):
        if e.date is None:
            continue  # listed once by the check as undated
        if p.period_start <= e.date <= p.period_end:
            pool.append(e)
        else:
            out.warn("outside-period", f"{e.path} 的日期 {e.date} 在评估期（{p.period_start} 至 {p.period_end}）之外，"
                                       f"不计入按年/季度的统计")
    return pool


def _count_text(label: str, n: int, what: str, need: int) -> str:
    have = "没有" if n == 0 else f"仅{n}份"
    return f"{label}{have}{what}，需至少{need}份"


def _roster(rule: Rule, ctx: Context, out: Outcome) -> tuple[str, ...] | None:
    key = rule.get("units")
    names = ctx.project.units.get(key) if ctx.project.units else None
    if not names:
        out.problem("roster-missing", f"dossier.yaml 未填写 units.{key}（{unit_label(key)}名单），"
                                      f"无法检查{unit_label(key)}的材料；请在 units.{key} 中列出全部{unit_label(key)}", unit_name=unit_label(key))
        return None
    return names


def _by_unit(rule: Rule, ctx: Context, out: Outcome, roster: tuple[str, ...],
             pool: list[Evidence]) -> dict[str, list[Evidence]]:
    """Evidence per roster unit (matched after folding); unknown or blank 主体 are warned about."""
    known = {norm(u): u for u in roster}
    found: dict[str, list[Evidence]] = {u: [] for u in roster}
    key = rule.get("units")
    for e in pool:
        unit = norm(e.unit) or unit_from_path(e.path, known)
        if not unit:
            out.warn("no-unit", f"{e.path} 未填写主体，路径中也没有{unit_label(key)}名称，无法计入各{unit_label(key)}的统计"
                                f"（请在材料清单“主体”列填写）")
        elif unit not in known:
            out.warn("unit-not-in-roster", f"{e.path} 的主体“{e.unit.strip()}”不在 units.{key} 名单中，未计入")
        else:
            found[known[unit]].append(e)
    return found


def unit_from_path(path: str, known: dict[str, str]) -> str:
    """The one roster name written in a file's folders or name (``材料/10.1.2 工作站/城关镇/牌子.jpg``),
    for files without a 主体; "" when none or several appear (a longer name wins over its part)."""
    folded = norm(path)
    found = [u for u in known if u and u in folded]
    found = [u for u in found if not any(u != v and u in v for v in found)]
    return found[0] if len(found) == 1 else ""


# --------------------------------------------------------------------------- evaluators


@evaluator("count_per_period")
def count_per_period(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    slices = _slices_or_problem(rule, ctx, out)
    if slices is None:
        return out
    pool = _dated_pool(rule, ctx, out)
    code = "too-few-per-year" if rule.get("period") == "year" else "too-few-per-quarter"
    for s in slices:
        n = sum(1 for e in pool if s.holds(e.date))
        if n < rule.get("min"):
            out.problem(code, _count_text(s.label, n, _what(rule), rule.get("min")),
                        period=s.label, count=n, need=rule.get("min"), kind=_what(rule))
    return out


@evaluator("count_per_unit_per_period")
def count_per_unit_per_period(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    roster = _roster(rule, ctx, out)
    slices = _slices_or_problem(rule, ctx, out)
    if roster is None or slices is None:
        return out
    per_unit = _by_unit(rule, ctx, out, roster, _dated_pool(rule, ctx, out))
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
            out.problem(code, _count_text(f"{_names(short[n])}{s.label}", n, _what(rule), need),
                        units=_names(short[n]), period=s.label, count=n, need=need, kind=_what(rule))
    return out


@evaluator("unit_coverage")
def unit_coverage(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    roster = _roster(rule, ctx, out)
    if roster is None:
        return out
    per_unit = _by_unit(rule, ctx, out, roster, ctx.usable(rule.get("kind")))
    lacking = [u for u in roster if not per_unit[u]]
    covered, total = len(roster) - len(lacking), len(roster)
    ratio = Fraction(str(rule.get("min_ratio")))
    if Fraction(covered, total) < ratio:
        label = rule.get("label") or rule.get("kind") or "相关"
        need = "全部" if ratio >= 1 else f"≥{percent(float(ratio))}"
        out.problem("coverage-below", f"{_names(lacking)}未见{label}材料（{covered}/{total}，需{need}）",
                    units=_names(lacking), label=label, covered=covered, total=total,
                    ratio=percent(float(ratio)), unit_name=unit_label(rule.get("units")))
    return out


@evaluator("distinct_units")
def distinct_units(rule: Rule, ctx: Context) -> Outcome:
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


@evaluator("training_register")
def training_register(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    rel, roles = rule.get("register"), tuple(rule.get("roles") or ())
    role_text = "、".join(roles)
    reg = ctx.registers.training(rel)
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
    ratio = rule.get("min_child_hours_ratio")
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
                    out.problem("hours-missing", f"{who} {r.trained} 培训{course}未填写总课时或儿童社会工作课时，"
                                                 f"无法核对儿童社会工作课时占比（第{r.row}行）",
                                who=who, trained=r.trained, course=r.course)
                    continue
                share = Fraction(str(r.child_hours)) / Fraction(str(r.total_hours))
                if share < Fraction(str(ratio)):
                    out.problem("child-hours-low", f"{who} {r.trained} 培训{course}儿童社会工作课时 "
                                                   f"{r.child_hours:g}/{r.total_hours:g}（{float(share) * 100:.4g}%），"
                                                   f"需≥{percent(ratio)}",
                                who=who, trained=r.trained, course=r.course, share=f"{float(share) * 100:.4g}%",
                                ratio=percent(ratio))
    for year in sorted(yearly_missing):
        out.problem("yearly-training-missing", f"{_names(yearly_missing[year])} {year}年未参加轮训，需每年至少轮训1次",
                    who=_names(yearly_missing[year]), year=year)
    return out


@evaluator("register_deadline")
def register_deadline(rule: Rule, ctx: Context) -> Outcome:
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
                                                 f"（应不晚于 {deadline}）",
                            start=start, end=end, start_label=start_col, end_label=end_col, limit=limit)
        elif today and today > deadline:
            out.problem("deadline-exceeded", f"{who}：{start_col} {start}，未填{end_col}，已超过{limit}"
                                             f"（应不晚于 {deadline}）",
                        start=start, end=None, start_label=start_col, end_label=end_col, limit=limit)
        else:
            out.warn("deadline-pending", f"{who}：{start_col} {start}，{end_col}应不晚于 {deadline}")
    return out


@evaluator("incident_lookback")
def incident_lookback(rule: Rule, ctx: Context) -> Outcome:
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
            what = f"（{inc.summary}）" if inc.summary else ""
            window = f"申报前{years}年内（{start} 至 {reference}）" if reference else f"申报前{years}年内"
            out.problem("incident-in-window", f"{inc.date} 发生事件{what}，在{window}，不予推荐",
                        date=inc.date, summary=inc.summary or "", years=years)
            out.violated = True
    return out


@evaluator("declaration")
def declaration(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    kind = rule.get("kind")
    if not ctx.usable(kind):
        out.problem("no-declaration", f"未见“{kind}”类材料，需提供{kind}作为声明", kind=kind)
    return out
