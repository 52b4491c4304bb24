"""The JSON view: exactly CONTRACT.md §5's object, plus a few documented extra keys
(``name``, ``title``, ``category``, ``departments``, ``warnings``) that scripts may use.

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
        "files": [{"path": f.path, "status": f.status, "message": f.message, "assigned": list(f.assigned)}
                  for f in report.files],
        "manifest": [{"source": m.source, "row": m.row, "message": m.message} for m in report.manifest],
    }
    points = score(report, catalog)
    if points is not None:  # only schemes with 分值: the first catalog's JSON stays as it was
        out["score"] = points
    return out


def render(report: CheckReport, catalog: Catalog) -> str:
    return json.dumps(to_dict(report, catalog), ensure_ascii=False, indent=2) + "\n"
