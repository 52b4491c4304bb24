"""``dossier check``: decide every standard's status from the evidence (CONTRACT.md §5).

:func:`evaluate` is pure over the records (plus the register files it reads);
:func:`run_check` loads a project folder and evaluates it. Rules are evaluated by
:mod:`dossier.rules`; the views of the result live in :mod:`dossier.reports`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from dossier import ids
from dossier import project as project_lib
from dossier.errors import ConfigError
from dossier.records import (Assignment, Catalog, CheckReport, Evidence, EvidenceFile, FileReport, Finding,
                             ManifestProblem, Problem, Project, Standard)
from dossier.rules import Context, Outcome, Registers, applies, evaluate_rule, per_period

# A file assigned twice to one standard counts once; its facts come from the most
# explicit assignment (a manifest row states them, a name or register only implies them).
_SOURCE_RANK = {"manifest": 0, "name": 1, "register": 2}


def merge_evidence(item_id: str, assigned: Iterable[Assignment], files: dict[str, EvidenceFile],
                   catalog: Catalog | None = None) -> list[Evidence]:
    """One :class:`Evidence` per file assigned to ``item_id``; manifest columns override the file.
    With ``catalog``, a file's inferred kind is the scheme's (:meth:`Catalog.kind_of`)."""
    by_path: dict[str, list[Assignment]] = {}
    for a in assigned:
        by_path.setdefault(a.path, []).append(a)
    merged = []
    for path, group in by_path.items():
        group.sort(key=lambda a: _SOURCE_RANK.get(a.source, 9))
        f = files.get(path)

        def pick(attr: str, fallback=None):
            for a in group:
                value = getattr(a, attr)
                if value not in (None, ""):
                    return value
            return fallback

        title = pick("title", f.title if f and f.title else Path(path).stem)
        inferred = f.kind if f else ""
        if f is not None and catalog is not None and catalog.custom_kinds:
            inferred = catalog.kind_of(title, inferred, f.format, f.text)
        merged.append(Evidence(
            path=path, indicator=item_id,
            title=title,
            kind=pick("kind", inferred),
            date=pick("date", f.date if f else None),
            unit=pick("unit"),
            source=group[0].source,
            usable=bool(f and f.ok),
            doc_number=f.doc_number if f else "",
        ))
    return merged


def _check_incidents(catalog: Catalog, project: Project) -> None:
    negatives = {s.id for s in catalog.negative_items}
    for i, inc in enumerate(project.incidents):
        if inc.item not in negatives:
            valid = "、".join(sorted(negatives, key=ids.sort_key)) or "（无）"
            raise ConfigError(f"incidents 第{i + 1}项的 item {inc.item} 不是指标体系 {catalog.id} 的负面清单项；"
                              f"有效的是：{valid}", path=str(project.config_path), key=f"incidents[{i}].item")


def _evidence_warnings(std: Standard, evidence: list[Evidence], files: dict[str, EvidenceFile],
                       sealed_kinds: tuple[str, ...] = ()) -> list[Problem]:
    counts_by_period = any(per_period(r) for r in std.rules)
    warnings = []
    for e in evidence:
        f = files.get(e.path)
        # Only pages that were looked at (scans and photos) can show a seal's absence.
        if e.usable and e.kind in sealed_kinds and f is not None and f.seal is False:
            warnings.append(Problem("unsealed", f"{e.path} 未见公章（{e.kind}应加盖公章）"))
        if e.usable and e.date is None:
            tail = "，仅计入“有材料”，不计入按年/季度的统计" if counts_by_period else ""
            warnings.append(Problem("undated-evidence", f"{e.path} 未找到日期{tail}（可在材料清单“日期”列填写）"))
        if e.path not in files:
            warnings.append(Problem("file-not-indexed", f"{e.path} 不在材料索引中，未计入"))
    return warnings


def _copy_warnings(assigned: Iterable[Assignment]) -> tuple[Problem, ...]:
    """One warning per identical copy assigned to a standard: counted once, bound as the original."""
    copies: dict[str, set[str]] = {}
    for a in assigned:
        if a.copy:
            copies.setdefault(a.path, set()).add(a.copy)
    return tuple(Problem("duplicate-content", f"{'、'.join(sorted(dups))} 与 {path} 内容完全相同，只计一份，"
                                              f"装订 {path}")
                 for path, dups in sorted(copies.items()))


def evaluate_item(std: Standard, project: Project, evidence: list[Evidence], registers: Registers,
                  files: dict[str, EvidenceFile], catalog: Catalog | None = None) -> Finding:
    """The status of one standard or negative-list item, with its problems and warnings."""
    ctx = Context(std, project, tuple(evidence), registers, catalog)
    paths = [e.path for e in evidence]
    applicable = applies(std.applies_when, project)
    if applicable is False:
        return Finding(std.id, "not_applicable", tuple(paths))
    total = Outcome()
    if applicable is None:
        total.warn("condition-unknown", f"dossier.yaml 未填写 {std.applies_when.key}，无法判断是否适用，按适用检查")
    for rule in std.rules:
        o = evaluate_rule(rule, ctx)
        total.problems += o.problems
        for w in o.warnings:
            total.warn(w.code, w.message)
        total.evidence += [p for p in o.evidence if p not in paths and p not in total.evidence]
        total.violated |= o.violated
    for w in _evidence_warnings(std, evidence, files, catalog.sealed_kinds if catalog else ("承诺书",)):
        total.warn(w.code, w.message)
    all_paths = tuple(paths + total.evidence)
    usable = any(e.usable for e in evidence) or bool(total.evidence)

    if std.negative:
        if total.violated:
            status = "violated"
            problems = [p for p in total.problems if p.code == "incident-in-window"]
        else:
            problems = list(total.problems)
            if not usable and not any(p.code == "no-declaration" for p in problems):
                problems.append(Problem("no-declaration", f"未见声明材料（{'、'.join(std.kinds) or '承诺书'}）",
                                        {"kind": "、".join(std.kinds) or "承诺书"}))
            status = "undeclared" if problems else "declared"
        return Finding(std.id, status, all_paths, tuple(problems), tuple(total.warnings))

    problems = list(total.problems)
    if not all_paths:
        status = "missing"
        kinds = std.supply or "、".join(std.kinds) or "证明材料"
        problems.insert(0, Problem("no-evidence", f"未见证明材料（应提供{kinds}）", {"kinds": kinds}))
    elif not usable:
        status = "partial"
        problems.insert(0, Problem("no-usable-evidence", f"已分配的{len(paths)}份材料都无法读取：{'、'.join(paths)}",
                                   {"count": len(paths)}))
    else:
        status = "partial" if problems else "met"
    return Finding(std.id, status, all_paths, tuple(problems), tuple(total.warnings))


def group_assignments(assignments: Iterable[Assignment]) -> dict[str, list[Assignment]]:
    """Assignments per standard ID (as the clerk typed it, normalised)."""
    assigned: dict[str, list[Assignment]] = {}
    for a in assignments:
        assigned.setdefault(ids.normalize(a.indicator), []).append(a)
    return assigned


def evidence_per_standard(catalog: Catalog, files: Iterable[EvidenceFile],
                          assignments: Iterable[Assignment]) -> dict[str, list[Evidence]]:
    """Every item's evidence, merged once (the check, the documents and the binder read it)."""
    by_path = files if isinstance(files, dict) else {f.path: f for f in files}
    assigned = group_assignments(assignments)
    return {std.id: merge_evidence(std.id, assigned.get(std.id, ()), by_path, catalog) for std in catalog.items()}


def evaluate(catalog: Catalog, project: Project, files: Iterable[EvidenceFile], assignments: Iterable[Assignment],
             manifest_problems: Iterable[ManifestProblem], *, registers_root: Path,
             duplicates: Mapping[str, str] | None = None,
             evidence: dict[str, list[Evidence]] | None = None) -> CheckReport:
    """Every standard and negative-list item of ``catalog``, in catalog order. ``evidence``
    (from :func:`evidence_per_standard`, e.g. a session's) is computed here when not given.

    ``duplicates`` maps identical copies to the file they count as (see
    :func:`dossier.assign.collapse_copies`): each standard warns about the copies assigned to
    it, and the copies are listed as such rather than as unassigned.

    Raises ConfigError when ``incidents`` names an item the catalog does not have."""
    duplicates = dict(duplicates or {})
    _check_incidents(catalog, project)
    files = list(files)
    by_path = {f.path: f for f in files}
    assigned = group_assignments(assignments)
    if evidence is None:
        evidence = {std.id: merge_evidence(std.id, assigned.get(std.id, ()), by_path, catalog) for std in catalog.items()}
    registers = Registers(registers_root)

    findings = []
    for std in catalog.items():
        finding = evaluate_item(std, project, evidence.get(std.id, []), registers, by_path, catalog)
        copies = _copy_warnings(assigned.get(std.id, ()))
        if copies:
            finding = replace(finding, warnings=finding.warnings + copies)
        findings.append(finding)

    order = {item_id: i for i, item_id in enumerate(catalog.ids())}
    ids_of: dict[str, set[str]] = {}
    for f in findings:
        for path in f.evidence:
            ids_of.setdefault(path, set()).add(f.id)
    reports = []
    narrative = (project.narrative_file or "").replace("\\", "/").removeprefix("./")
    for f in files:
        assigned_ids = tuple(sorted(ids_of.get(f.path, ()), key=lambda i: order.get(i, 10**6)))
        used_as = "申报表“基本情况”" if f.path == narrative and not assigned_ids else None
        reports.append(FileReport(f.path, "ok" if f.ok else "error", f.error or "", assigned_ids,
                                  duplicates.get(f.path), used_as))
    # A register proving a standard is evidence too: list it like any other file.
    for rel, sheet in registers.sheets().items():
        if rel in by_path or not sheet.found:
            continue
        used = tuple(sorted(ids_of.get(rel, ()), key=lambda i: order.get(i, 10**6)))
        if used or sheet.error:
            reports.append(FileReport(rel, "error" if sheet.error else "ok", sheet.error or "", used))

    problems = list(manifest_problems)
    problems += [p for p in registers.problems if p not in problems]
    eligible = not any(f.status == "violated" for f in findings)
    return CheckReport(catalog.id, eligible, tuple(findings), tuple(reports), tuple(problems))


def check_project(project: Project, catalog: Catalog, *, progress=None):
    """Index incrementally, then evaluate → ``(CheckReport, IndexResult)``. Render and build
    take both, so nothing is indexed twice. ``progress`` is the indexer's callback."""
    from dossier.session import Session

    session = Session(project, catalog)
    report = session.check(progress=progress)
    return report, session.index_result


def run_check(project_dir: Path | str) -> tuple[CheckReport, Catalog, Project]:
    """Load the project and its catalog, index the evidence, evaluate.

    Returns the report first, then the catalog and project the views need."""
    project, catalog = project_lib.open_project(project_dir)
    return check_project(project, catalog)[0], catalog, project
