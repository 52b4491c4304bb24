"""Cover and 目录: docxtpl templates rendered, converted by LibreOffice in one call, and the
printed position of every 目录 entry found again in the PDF (for its clickable link)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dossier import atomic, office
from dossier import gbt9704 as G
from dossier.binder.model import TocEntry
from dossier.errors import OutputError

TOC_LEFT = G.pt(G.MARGIN_LEFT_MM)
TOC_RIGHT_MARGIN = G.pt(G.MARGIN_RIGHT_MM)


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
            done = office.convert([d for d, _ in todo.values()], "pdf", Path(scratch), scratch_dir=workdir)
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
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "-").replace("\u2060", ""))
    return "".join(ch for ch in text if not ch.isspace())


class _Chars:
    """Every visible character of a PDF in reading order, whitespace dropped; boxes are read
    only for the characters asked about."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        self.doc = pdfium.PdfDocument(str(path))
        self.textpages = []
        chars: list[str] = []
        where: list[tuple[int, int]] = []
        for pi in range(len(self.doc)):
            textpage = self.doc[pi].get_textpage()
            self.textpages.append(textpage)
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count)
            # One UTF-16 unit per character index, unless the page has characters beyond the BMP.
            exact = len(text) == count
            for i in range(count):
                ch = text[i] if exact else textpage.get_text_range(i, 1)
                for c in _norm(ch):
                    chars.append(c)
                    where.append((pi, i))
        self.text = "".join(chars)
        self.where = where

    def box(self, k: int) -> tuple[int, tuple[float, float, float, float]]:
        page, index = self.where[k]
        return page, self.textpages[page].get_charbox(index)

    def close(self) -> None:
        for textpage in self.textpages:
            textpage.close()
        self.doc.close()


def locate(path: Path, entries: list[TocEntry], page_width: float) -> list[tuple[int, tuple] | None]:
    """For each entry, the 目录 page (0-based) and the rectangle of its printed line(s), found by
    reading the entries back in order from the rendered PDF."""
    chars = _Chars(path)
    stream = chars.text
    cursor = 0
    found: list[tuple[int, tuple] | None] = []
    try:
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
            # Entries run top to bottom: the first character gives the top, the last the bottom
            # (an entry is kept on one page, so both are on the same page).
            page, first_box = chars.box(start)
            last_page, last_box = chars.box(end - 1)
            if last_page != page:
                last_box = first_box
            bottom = min(first_box[1], last_box[1])
            top = max(first_box[3], last_box[3])
            rect = (TOC_LEFT - 2, bottom - 2, page_width - TOC_RIGHT_MARGIN + 2, top + 2)
            found.append((page, rect))
            cursor = end
    finally:
        chars.close()
    return found


# --------------------------------------------------------------------------- 目录 typesetting

WORD_JOINER = "\u2060"  # no line break here (LibreOffice and Word honour it; it prints nothing)
_GROUPS = re.compile(r"（\d{4}年\d{1,2}月\d{1,2}日）|（\d{4}—\d{4}年?）|见第\d+(?:–\d+)?页|\d+–\d+|〔\d{4}〕\d+号")


def _glue(text: str) -> str:
    return WORD_JOINER.join(text)


def typeset(text: str) -> str:
    """A 目录 line as a person would set it: a date （2020年4月8日）, a 文号 and 见第x–y页 are
    never split across lines, and the last two characters stay together (no line holding a
    single orphan character)."""
    if not text:
        return text
    out = _GROUPS.sub(lambda m: _glue(m.group(0)), text)
    # Glue the tail: the last two visible characters (not counting joiners) go together.
    tail = len(out)
    seen = 0
    while tail > 0 and seen < 2:
        tail -= 1
        if out[tail] != WORD_JOINER:
            seen += 1
    return out[:tail] + _glue(out[tail:].replace(WORD_JOINER, ""))


def submission_entries(entries: list[TocEntry]) -> list[TocEntry]:
    """The 目录 the province reads: no file that could not be bound, no 缺少材料 / 无法读取
    marker (gaps are for the clerk's --draft; the 自评报告 states each standard's 自评情况)."""
    out = []
    for e in entries:
        if e.kind == "unreadable" and e.level == 3:
            continue
        if e.kind in ("missing", "unreadable"):
            e = TocEntry(e.level, e.text, "", e.kind, e.target, e.standard, e.path, e.toc_page, e.rect)
        out.append(e)
    return out
