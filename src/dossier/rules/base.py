"""What every rule type shares: the calendar of the period, the registers read once per
check, the :class:`Context` an evaluator sees, the :class:`Outcome` it returns, and the
:class:`RuleType` record that bundles one rule type's schema fragment, evaluator, plain
description and what-to-supply wording (CONTRACT.md §5; issue 13 §2).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from dossier.dates import add_months
from dossier.records import Catalog, Condition, Evidence, ManifestProblem, Problem, Project, Rule, Standard
from dossier.registers import Sheet, TrainingRegister, norm, read_sheet, training_columns, training_records

# --------------------------------------------------------------------------- periods

PERIODS = {"year": "每个自然年", "quarter": "每个季度"}


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
        self._training: dict[tuple, TrainingRegister] = {}
        self._sheets: dict[str, Sheet] = {}
        self.problems: list[ManifestProblem] = []
        self.used: dict[str, list[str]] = {}  # register path → IDs it is evidence for

    def training(self, rel: str, columns: Mapping[str, tuple[str, ...]] | None = None,
                 hours_column: str | None = None) -> TrainingRegister:
        """The register read once per file; its records once per set of header spellings."""
        spellings = training_columns(columns, hours_column)
        key = (rel, tuple(sorted(spellings.items())))
        if key not in self._training:
            sheet = self._sheets.get(rel)
            if sheet is None:
                sheet = self._sheets[rel] = read_sheet(self.root, rel)
            if not sheet.found:
                reg = TrainingRegister(sheet)
            elif sheet.error:
                reg = TrainingRegister(sheet, (), (ManifestProblem(rel, None, sheet.error),))
            else:
                reg = TrainingRegister(sheet, *training_records(sheet, spellings))
            self._training[key] = reg
            self.problems.extend(p for p in reg.problems if p not in self.problems)
        return self._training[key]

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
    catalog: Catalog | None = None

    def unit_label(self, key: str) -> str:
        return unit_label(self.catalog, key)

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
        # facts: the structured values behind the message, worded by documents/problems.yaml.
        self.problems.append(Problem(code, message, facts))

    def warn(self, code: str, message: str) -> None:
        p = Problem(code, message)
        if p not in self.warnings:
            self.warnings.append(p)


Evaluator = Callable[[Rule, Context], Outcome]


@dataclass(frozen=True)
class RuleType:
    """One rule type, self-contained: what a catalog may write (``schema``: the JSON-schema
    fragment for the rule's mapping, ``type`` included), how it is decided (``evaluate``),
    how ``dossier catalog show`` says it (``describe(rule, catalog)``) and what the
    departments must supply when one of its problems appears (``needs``: problem code →
    text, formatted with the rule's parameters plus ``{what}`` = its kind or 材料).
    ``per_period``: it counts dated evidence per year/quarter (undated files are warned)."""

    name: str
    schema: Mapping[str, Any]
    evaluate: Evaluator
    describe: Callable[[Rule, "Catalog | None"], str]
    needs: Mapping[str, str] = field(default_factory=dict)
    per_period: bool = False


_OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
        "eq": operator.eq, "ne": operator.ne}


def fact(project: Project, key: str) -> Any:
    """A project fact for ``applies_when``: ``population`` (a top-level key since the first
    contract), then the ``facts:`` mapping of dossier.yaml, then any other top-level key."""
    if key == "population":
        value = getattr(project, "population", None)
        if value is not None:
            return value
    facts = getattr(project, "facts", None) or {}
    if key in facts:
        return facts[key]
    raw = getattr(project, "raw", None) or {}
    return raw.get(key)


def applies(cond: Condition | None, project: Project) -> bool | None:
    """True/False when the condition can be decided; None when the project lacks the key
    (or states it as a value of the other type: 是/否 against a number)."""
    if cond is None:
        return True
    value = fact(project, cond.key)
    if value is None:
        return None
    if isinstance(cond.value, bool) != isinstance(value, bool):
        return None
    try:
        return bool(_OPS[cond.op](value, cond.value))
    except TypeError:
        return None


# --------------------------------------------------------------------------- helpers


def unit_label(catalog: Catalog | None, key: str) -> str:
    """What a roster's members are called (乡镇（街道）), from the catalog's ``units``;
    a roster the catalog does not describe is called 单位."""
    rosters = getattr(catalog, "units", None) or {}
    spec = rosters.get(key)
    return spec.label if spec is not None and spec.label else "单位"


def percent(ratio: float) -> str:
    return f"{ratio * 100:g}%"


def what(rule: Rule) -> str:
    return rule.get("kind") or "材料"


def names(items: list[str], limit: int = 20) -> str:
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f"等{len(items)}个"


def slices_or_problem(rule: Rule, ctx: Context, out: Outcome) -> list[Slice] | None:
    p = ctx.project
    if not (p.period_start and p.period_end):
        out.problem("period-missing", "dossier.yaml 未填写评估期 period（start、end），无法按年/季度统计")
        return None
    return period_slices(p.period_start, p.period_end, rule.get("period", "year"))


def dated_pool(rule: Rule, ctx: Context, out: Outcome) -> list[Evidence]:
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


def count_text(label: str, n: int, what: str, need: int) -> str:
    have = "没有" if n == 0 else f"仅{n}份"
    return f"{label}{have}{what}，需至少{need}份"


def roster_of(rule: Rule, ctx: Context, out: Outcome) -> tuple[str, ...] | None:
    key = rule.get("units")
    members = ctx.project.units.get(key) if ctx.project.units else None
    if not members:
        out.problem("roster-missing", f"dossier.yaml 未填写 units.{key}（{ctx.unit_label(key)}名单），"
                                      f"无法检查{ctx.unit_label(key)}的材料；请在 units.{key} 中列出全部{ctx.unit_label(key)}",
                    unit_name=ctx.unit_label(key))
        return None
    return members


def by_unit(rule: Rule, ctx: Context, out: Outcome, roster: tuple[str, ...],
             pool: list[Evidence]) -> dict[str, list[Evidence]]:
    """Evidence per roster unit (matched after folding); unknown or blank 主体 are warned about."""
    known = {norm(u): u for u in roster}
    found: dict[str, list[Evidence]] = {u: [] for u in roster}
    key = rule.get("units")
    for e in pool:
        unit = norm(e.unit) or unit_from_path(e.path, known)
        if not unit:
            out.warn("no-unit", f"{e.path} 未填写主体，路径中也没有{ctx.unit_label(key)}名称，无法计入各{ctx.unit_label(key)}的统计"
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


