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


def register_entry(report) -> dict:
    """A register under 台账/ that proves standards by its rows (CONTRACT.md §4) without a manifest
    row: evidence like any other file, so it is listed too (``report`` is its check FileReport)."""
    from pathlib import PurePosixPath

    name = PurePosixPath(report.path)
    return {
        "path": report.path, "status": report.status, "message": report.message,
        "kind": "工作台账", "title": name.stem, "date": None, "date_source": None,
        "doc_number": None, "issuer": None, "pages": None, "ocr_pages": 0, "seal": None,
        "assigned": list(report.assigned), "format": name.suffix.lstrip(".").lower(), "scanned_pages": [],
    }


def to_dict(result: IndexResult, registers=()) -> dict:
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
    files += [register_entry(r) for r in registers]
    return {"files": files}


def render(result: IndexResult, registers=()) -> str:
    return json.dumps(to_dict(result, registers), ensure_ascii=False, indent=2) + "\n"
