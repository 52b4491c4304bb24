"""Real evidence files built in memory for tests: Chinese text PDFs, docx, png, and project folders."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

import docx
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from dossier import project as project_lib

PLACEHOLDER_PDF = b"%PDF-1.4 placeholder"


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF with one page per item, each line drawn as real (extractable) Chinese text."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        for i, line in enumerate(lines):
            c.setFont("STSong-Light", 14)
            c.drawString(72, 780 - 24 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def make_project(root: Path, files: Mapping[str, bytes] | Iterable[str], manifest_csv: str | None = None):
    """Write a minimal project (dossier.yaml, evidence under 材料/) and load it.

    ``files`` maps project-relative paths to their bytes; a plain list of paths gets
    placeholder PDF bytes, enough where only names matter (assignment, manifests)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dossier.yaml").write_text("catalog: minor-protection-2021\nevidence_dir: 材料\n", encoding="utf-8")
    items = files.items() if isinstance(files, Mapping) else ((rel, PLACEHOLDER_PDF) for rel in files)
    for rel, data in items:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    if manifest_csv is not None:
        (root / "材料清单.csv").write_text(manifest_csv, encoding="utf-8")
    return project_lib.load(root)
