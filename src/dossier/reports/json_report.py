"""The JSON view: exactly CONTRACT.md §5's object, plus a few documented extra keys
(``name``, ``title``, ``category``, ``departments``, ``warnings``, ``unassigned``, ``duplicates``,
``files[].duplicate_of``) that scripts may use.

Validated against ``schemas/check-report.schema.json``.
"""

from __future__ import annotations

import json

from dossier.records import Catalog, CheckReport
from dossier.reports import category_name, score, verdict


def to_dict(report: CheckReport, catalog: Catalog) -> dict:
    indicators = []
    for f in report.findings:
        std = catalog.get(f.id)
        item = {"id": f.id, "status": f.status, "evidence": list(f.evidence),
                "problems": [{"code": p.code, "message": p.message} for p in f.problems],
                "warnings": [{"code": w.code, "message": w.message} for w in f.warnings]}
        if std is not None:
            item.update(title=std.short, category=category_name(catalog, std),
                        departments=list(std.departments))
            if std.score is not None:
                item["score"] = std.score
        indicators.append(item)
    out = {
        "catalog": report.catalog,
        "name": catalog.name,
        "eligible": report.eligible,
        "verdict": verdict(report),
        "summary": report.summary,
        "indicators": indicators,
        "files": [_file(f) for f in report.files],
        "manifest": [{"source": m.source, "row": m.row, "message": m.message} for m in report.manifest],
        # Additive keys (CONTRACT.md §5 allows more keys): every file proving nothing, by name,
        # and every identical copy with the file it is counted as.
        "unassigned": [f.path for f in report.unassigned],
        "duplicates": [{"path": f.path, "same_as": f.duplicate_of} for f in report.duplicates],
    }
    points = score(report, catalog)
    if points is not None:  # only schemes with 分值: the first catalog's JSON stays as it was
        out["score"] = points
    return out


def _file(f) -> dict:
    item = {"path": f.path, "status": f.status, "message": f.message, "assigned": list(f.assigned)}
    if f.duplicate_of:
        item["duplicate_of"] = f.duplicate_of
    return item


def render(report: CheckReport, catalog: Catalog) -> str:
    return json.dumps(to_dict(report, catalog), ensure_ascii=False, indent=2) + "\n"
