"""Views of a :class:`~dossier.records.CheckReport`: terminal, JSON, HTML, XLSX.

Every view is a pure function of the report and the catalog (text or bytes out); the
CLI decides where it goes. Shared vocabulary (status names, gaps, coverage per category,
what each problem asks the departments to supply) lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier import wording
from dossier.records import Catalog, Category, CheckReport, Finding, Standard

# The clerk's words for each status, from wording.yaml (one source with build and documents).
STATUS_LABELS = wording.status_labels()
GAP_STATUSES = ("violated", "missing", "partial", "undeclared")
VERDICT_OK = "符合申报条件"
VERDICT_REJECTED = "不予推荐"

# What a problem raised by the check itself (not by a rule) asks the departments to supply;
# rule problems are worded by their rule type (dossier.rules) or the catalog's ``supply``.
# {kinds} is the standard's ``supply`` or its material kinds.
NEEDS = {
    "no-evidence": "{kinds}",
    "no-usable-evidence": "可读取的材料（重新扫描或另存为 PDF，去掉密码）",
    "no-declaration": "{kinds}",
}


@dataclass(frozen=True)
class Gap:
    standard: Standard
    finding: Finding
    category: str  # "2 组织领导" or the negative list's name


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def verdict(report: CheckReport) -> str:
    return VERDICT_OK if report.eligible else VERDICT_REJECTED


def violated(report: CheckReport) -> list[Finding]:
    return [f for f in report.findings if f.status == "violated"]


def category_name(catalog: Catalog, std: Standard) -> str:
    if std.negative:
        return catalog.negative_name
    cat = catalog.category(std.category_id)
    return f"{cat.id} {cat.name}" if cat else std.category_id


def coverage(report: CheckReport, catalog: Catalog) -> list[tuple[Category, int, int]]:
    """(category, met, applicable standards) per category, in catalog order."""
    rows = []
    for cat in catalog.categories:
        met = applicable = 0
        for std in cat.standards:
            f = report.finding(std.id)
            if f is None or f.status == "not_applicable":
                continue
            applicable += 1
            met += f.status == "met"
        rows.append((cat, met, applicable))
    return rows


def gaps(report: CheckReport, catalog: Catalog) -> list[Gap]:
    """Findings that need work, in catalog order (violated items are also named by the verdict)."""
    out = []
    for std in catalog.items():
        f = report.finding(std.id)
        if f is not None and f.status in GAP_STATUSES:
            out.append(Gap(std, f, category_name(catalog, std)))
    return out


def departments(catalog: Catalog) -> list[str]:
    """Every department named by the catalog, in order of first appearance."""
    seen: dict[str, None] = {}
    for std in catalog.items():
        for d in std.departments:
            seen.setdefault(d, None)
    return list(seen)


def need(gap: Gap, catalog: Catalog | None = None) -> str:
    """What the responsible departments must supply to close ``gap``: per problem, the
    wording of the rule that raised it (the rule's ``supply``, the catalog's ``supply``
    table, the rule type's default), else the check's own."""
    from dossier.rules import TYPES, need_text

    std = gap.standard
    kinds = std.supply or "、".join(std.kinds) or "证明材料"
    table = getattr(catalog, "supply", None) or {}
    seen: dict[str, None] = {}
    for p in gap.finding.problems:
        text = None
        for rule in std.rules:
            own = rule.get("supply")
            rule_type = TYPES.get(rule.type)
            if (isinstance(own, dict) and p.code in own) or (rule_type and p.code in rule_type.needs):
                text = need_text(rule, p.code, catalog)
                break
        if text is None:
            text = table.get(p.code) or NEEDS.get(p.code, "{kinds}")
            text = text.replace("{kinds}", kinds)
        seen.setdefault(text, None)
    return "；".join(seen) or kinds


def score(report: CheckReport, catalog: Catalog) -> dict[str, float] | None:
    """The scheme's points (分值): all standards, those met, those not applicable; None
    when the catalog gives no scores. Partial and missing standards score nothing."""
    if not catalog.scored:
        return None
    total = met = na = 0.0
    for std in catalog.standards:
        points = std.score or 0
        total += points
        f = report.finding(std.id)
        if f is not None and f.status == "met":
            met += points
        elif f is not None and f.status == "not_applicable":
            na += points
    return {"total": _num(total), "met": _num(met), "not_applicable": _num(na)}


def _num(x: float) -> float:
    return int(x) if float(x).is_integer() else round(x, 2)


def points(x: float) -> str:
    return f"{_num(x):g}"


def unreadable(report: CheckReport):
    return [f for f in report.files if f.status != "ok"]


UNASSIGNED_TITLE = "未分配到任何指标的文件（未计入，也不会装订）"
UNASSIGNED_HINT = "请在材料清单中填写指标编号，或把文件放进以指标编号开头的文件夹；确不需要的可移出材料文件夹"
DUPLICATES_TITLE = "内容相同的副本（只计一份，只装订一份）"


def unassigned(report: CheckReport):
    """Files assigned to no standard: every one named, so none is silently left out of the packet."""
    return list(report.unassigned)


def duplicate_line(f) -> str:
    return f"{f.path}：与 {f.duplicate_of} 内容完全相同，只按 {f.duplicate_of} 计（不重复计入、不重复装订）"
