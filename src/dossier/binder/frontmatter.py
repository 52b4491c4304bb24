"""Cover and 目录: docxtpl templates rendered, converted by LibreOffice in one call, and the
printed position of every 目录 entry found again in the PDF (for its clickable link)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dossier import atomic, office
from dossier.binder.geometry import MM
from dossier.binder.model import TocEntry
from dossier.errors import OutputError

TOC_LEFT = 28 * MM
TOC_RIGHT_MARGIN = 26 * MM


def template_path(name: str, override: str | None = None) -> Path:
    if override:
        return Path(override)
    return Path(str(resources.files("dossier").joinpath("templates", name)))


def render_docx(template: Path, context: dict, target: Path) -> None:
    from docxtpl import DocxTemplate

    try:
        doc = DocxTemplate(str(template))
        doc.render(context, autoescape=True)
        doc.save(str(target))
    except Exception as e:  # a clerk's restyled template with broken tags
        raise OutputError(f"模板 {template.name} 无法使用：{e}") from None


@dataclass(frozen=True)
class FrontPdfs:
    cover: Path
    toc: Path


def _cache_key(template: Path, context: dict) -> str:
    h = hashlib.sha256(template.read_bytes())
    h.update(json.dumps(context, ensure_ascii=False, sort_keys=True, default=str).encode())
    return h.hexdigest()


def render_front(cover_context: dict, toc_context: dict, workdir: Path, *, cover_template: Path,
                 toc_template: Path, cache_dir: Path | None = None) -> FrontPdfs:
    """Both documents through one LibreOffice run; the PDFs land in ``workdir``.

    A rendered .docx differs on every run (zip timestamps), so the cache is keyed by the
    template and the context instead: an unchanged 目录 is not converted again."""
    jobs = {"cover": (cover_template, cover_context), "toc": (toc_template, toc_context)}
    out: dict[str, Path] = {}
    todo: dict[str, tuple[Path, Path]] = {}
    for name, (template, context) in jobs.items():
        cached = cache_dir / f"front-{_cache_key(template, context)}.pdf" if cache_dir else None
        if cached is not None and cached.is_file() and cached.stat().st_size > 0:
            out[name] = cached
            continue
        docx_path = workdir / f"{name}.docx"
        render_docx(template, context, docx_path)
        todo[name] = (docx_path, cached)
    if todo:
        with tempfile.TemporaryDirectory(prefix="front-", dir=workdir) as scratch:
            done = office.convert([d for d, _ in todo.values()], "pdf", Path(scratch))
            for name, (docx_path, cached) in todo.items():
                result = done[docx_path]
                if result.output is None:
                    raise OutputError(f"无法生成{'封面' if name == 'cover' else '目录'}：{result.error}")
                target = workdir / f"{name}.pdf"
                shutil.move(str(result.output), target)
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    atomic.write_bytes(cached, target.read_bytes())
                out[name] = target
    return FrontPdfs(out["cover"], out["toc"])


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "-"))
    return "".join(ch for ch in text if not ch.isspace())


def page_chars(path: Path) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """Every visible character of a PDF with its page (0-based) and box, whitespace dropped."""
    import pypdfium2 as pdfium

    chars = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for pi in range(len(doc)):
            page = doc[pi]
            textpage = page.get_textpage()
            count = textpage.count_chars()
            for i in range(count):
                ch = textpage.get_text_range(i, 1)
                norm = _norm(ch)
                if not norm:
                    continue
                box = textpage.get_charbox(i)
                for c in norm:
                    chars.append((c, pi, box))
            textpage.close()
            page.close()
    finally:
        doc.close()
    return chars


def locate(path: Path, entries: list[TocEntry], page_width: float) -> list[tuple[int, tuple] | None]:
    """For each entry, the 目录 page (0-based) and the rectangle of its printed line(s), found by
    reading the entries back in order from the rendered PDF."""
    chars = page_chars(path)
    stream = "".join(c for c, _, _ in chars)
    cursor = 0
    found: list[tuple[int, tuple] | None] = []
    for entry in entries:
        text, pages = _norm(entry.text), _norm(entry.pages)
        start = stream.find(text, cursor) if text else -1
        if start < 0 and len(text) > 8:
            start = stream.find(text[:8], cursor)
            text = text[:8]
        if start < 0:
            found.append(None)
            continue
        end = start + len(text)
        if pages:
            at = stream.find(pages, end)
            # The page column belongs to this entry only if no other entry text comes between.
            if 0 <= at <= end + 80:
                end = at + len(pages)
        page = chars[start][1]
        boxes = [chars[i][2] for i in range(start, end) if chars[i][1] == page]
        bottom = min(b[1] for b in boxes)
        top = max(b[3] for b in boxes)
        rect = (TOC_LEFT - 2, bottom - 2, page_width - TOC_RIGHT_MARGIN + 2, top + 2)
        found.append((page, rect))
        cursor = end
    return found
