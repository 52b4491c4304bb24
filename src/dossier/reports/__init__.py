"""Views of a :class:`~dossier.records.CheckReport`: terminal, JSON, HTML, XLSX.

Every view is a pure function of the report and the catalog (text or bytes out); the
CLI decides where it goes. Shared vocabulary (status names, gaps, coverage per category,
what each problem asks the departments to supply) lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier.records import Catalog, Category, CheckReport, Finding, Standard

STATUS_LABELS = {
    "met": "达标", "partial": "部分达标", "missing": "缺材料", "not_applicable": "不适用",
    "declared": "已承诺", "undeclared": "未承诺", "violated": "违反",
}
GAP_STATUSES = ("violated", "missing", "partial", "undeclared")
VERDICT_OK = "符合申报条件"
VERDICT_REJECTED = "不予推荐"

# What each problem asks a department to supply, for the 任务分解表. {kinds} is the
# standard's material kinds from the catalog.
NEEDS = {
    "no-evidence": "{kinds}",
    "no-usable-evidence": "可读取的材料（重新扫描或另存为 PDF，去掉密码）",
    "too-few-per-year": "评估期内各年份的会议纪要等材料（补足份数，注明日期）",
    "too-few-per-quarter": "评估期内各季度的活动记录等材料（补足份数，注明日期）",
    "unit-too-few-per-year": "各单位评估期内各年份的材料（材料清单“主体”列填写单位名称）",
    "unit-too-few-per-quarter": "各单位评估期内各季度的材料（材料清单“主体”列填写单位名称）",
    "coverage-below": "所列单位的材料（材料清单“主体”列填写单位名称）",
    "roster-missing": "dossier.yaml 中的单位名单（units）",
    "too-few-units": "其他主体的材料（材料清单“主体”列填写名称）",
    "onboarding-late": "入职培训记录（培训台账）",
    "onboarding-missing": "入职培训记录（培训台账）",
    "yearly-training-missing": "年度轮训记录（培训台账）",
    "child-hours-low": "儿童社会工作课程课时证明（培训台账）",
    "hours-missing": "培训台账中的总课时和儿童社会工作课时",
    "register-missing": "台账文件",
    "register-unreadable": "可读取的台账文件",
    "register-no-rows": "台账中相关岗位人员的记录",
    "register-columns": "台账中缺少的列",
    "deadline-exceeded": "解除工作关系的情况说明",
    "period-missing": "dossier.yaml 中的评估期（period）",
    "incident-in-window": "事件处置情况说明（该项违反负面清单，不予推荐）",
    "no-declaration": "承诺书",
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


def need(gap: Gap) -> str:
    """What the responsible departments must supply to close ``gap``."""
    kinds = "、".join(gap.standard.kinds) or "证明材料"
    seen: dict[str, None] = {}
    for p in gap.finding.problems:
        text = NEEDS.get(p.code, "{kinds}").format(kinds=kinds)
        seen.setdefault(text, None)
    return "；".join(seen) or kinds


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
