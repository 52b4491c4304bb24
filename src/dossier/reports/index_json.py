"""``dossier index --format json`` (CONTRACT.md §8): one object per evidence file, as the
index resolved it. Validated against ``schemas/index-report.schema.json``.

Manifest columns win over what the file says (CONTRACT.md §3): a row's 材料名称, 材料类型 and
日期 are reported, and the date's source is then ``manifest``.
"""

from __future__ import annotations

import json

from dossier import extract
from dossier.index import IndexResult

# The reader's date_source (the label itself, 成文日期, 文件名, 正文) → the contract's words.
_SOURCES = {extract.SOURCE_CLOSING: "closing", extract.SOURCE_NAME: "filename", extract.SOURCE_TEXT: "text"}


def date_source(raw: str) -> str | None:
    if not raw:
        return None
    return _SOURCES.get(raw, "label")


def to_dict(result: IndexResult) -> dict:
    by_path: dict[str, list] = {}
    for a in result.assignments:
        by_path.setdefault(a.path, []).append(a)
    files = []
    for f in result.files:
        rows = [a for a in by_path.get(f.path, ()) if a.source == "manifest"]
        title = next((a.title for a in rows if a.title), None) or f.title or None
        kind = next((a.kind for a in rows if a.kind), None) or f.kind or None
        given = next((a.date for a in rows if a.date), None)
        day, source = (given, "manifest") if given else (f.date, date_source(f.date_source) if f.date else None)
        files.append({
            "path": f.path,
            "status": "ok" if f.ok else "error",
            "message": f.error or "",
            "kind": kind,
            "title": title,
            "date": day.isoformat() if day else None,
            "date_source": source,
            "doc_number": f.doc_number or None,
            "issuer": f.issuer or None,
            "pages": f.pages,
            "ocr_pages": f.ocr_pages,
            "seal": f.seal,
            "assigned": list(result.assigned(f.path)),
            "format": f.format,
            "scanned_pages": list(f.scanned_pages),
        })
    return {"files": files}


def render(result: IndexResult) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
