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
ELLIPSIS = "…"
MAX_LINES = 2  # a longer title is shortened with … (issue 11 §3), never a shorter one
_GROUPS = (r"（\d{4}年\d{1,2}月\d{1,2}日）|（\d{4}—\d{4}年?）|见第\d+(?:–\d+)?页|\d+–\d+"
           r"|[\u4e00-\u9fff]{0,4}〔\d{4}〕\d+号"  # a 文号: 某政〔2021〕12号
           r"|[A-Za-z0-9][A-Za-z0-9.·_/\-]*[A-Za-z0-9]")  # a run of Latin letters and digits
_TRAILER = re.compile(r"(（\d{4}年\d{1,2}月\d{1,2}日）|（\d{4}—\d{4}年?）)$")
# Kinsoku: these never start a line (they stay with what precedes) or end one.
_NO_START = set("）】》」』〕，。、；：！？…—·”’%）")
_NO_END = set("（【《「『〔“‘")


def _pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = [_GROUPS] + [re.escape(w) for w in sorted(set(words), key=len, reverse=True) if len(w) > 1]
    return re.compile("|".join(alternatives))


def _glue(text: str) -> str:
    return WORD_JOINER.join(text)


def typeset(text: str, words: tuple[str, ...] = ()) -> str:
    """A 目录 line as a person would set it: a date （2020年4月8日）, a 文号, 见第x–y页, a run
    of Latin letters or digits and each of ``words`` (the catalog's ``documents.keep_together``)
    are never split across lines, and the last two characters stay together (no line holding
    a single orphan character)."""
    if not text:
        return text
    out = _pattern(words).sub(lambda m: _glue(m.group(0)), text.replace(WORD_JOINER, ""))
    # Glue the tail: the last two visible characters (not counting joiners) go together.
    tail = len(out)
    seen = 0
    while tail > 0 and seen < 2:
        tail -= 1
        if out[tail] != WORD_JOINER:
            seen += 1
    return out[:tail] + _glue(out[tail:].replace(WORD_JOINER, ""))


@dataclass(frozen=True)
class LineBox:
    """Where a 目录 level's text runs: the first line's and the other lines' widths, in points,
    and its type size."""

    first: float
    rest: float
    size: float


# The built-in 目录 template's boxes (A4, 版心 156 mm; see tools/templates.py), used when a
# template cannot be measured.
_DEFAULT_BOXES = {1: LineBox(380.0, 380.0, 16.0), 2: LineBox(368.3, 318.7, 14.0), 3: LineBox(340.0, 340.0, 12.0)}
_LEVEL_STYLES = {1: "目录分类", 2: "目录指标", 3: "目录材料"}


def line_boxes(template: Path) -> dict[int, LineBox]:
    """Each level's line box as the 目录 template sets it (page, margins, indents, size)."""
    try:
        import docx

        doc = docx.Document(str(template))
        section = doc.sections[0]
        text_width = (section.page_width - section.left_margin - section.right_margin) / 12700
        boxes = {}
        for level, name in _LEVEL_STYLES.items():
            style = doc.styles[name]
            pf = style.paragraph_format
            left = (pf.left_indent or 0) / 12700
            right = (pf.right_indent or 0) / 12700
            first = (pf.first_line_indent or 0) / 12700
            size = style.font.size.pt if style.font.size else _DEFAULT_BOXES[level].size
            boxes[level] = LineBox(text_width - left - first - right, text_width - left - right, size)
        return boxes
    except Exception:  # a clerk's restyled template: the built-in measures are close enough
        return dict(_DEFAULT_BOXES)


def _units(text: str, words: tuple[str, ...]) -> list[str]:
    """The pieces a line may break between: glued groups and words whole, other characters
    one by one, kinsoku punctuation attached to its neighbour."""
    units: list[str] = []
    pos = 0
    for m in _pattern(words).finditer(text):
        units.extend(text[pos:m.start()])
        units.append(m.group(0))
        pos = m.end()
    units.extend(text[pos:])
    merged: list[str] = []
    carry = ""
    for unit in units:
        if merged and unit[0] in _NO_START and not carry:
            merged[-1] += unit
        elif unit[-1] in _NO_END:
            carry += unit
        else:
            merged.append(carry + unit)
            carry = ""
    if carry:
        merged.append(carry)
    return merged


def _width(text: str, size: float) -> float:
    # 仿宋/黑体: Chinese characters and full-width punctuation one em, Latin letters and digits half.
    return sum((0.5 if ch.isascii() else 1.0) for ch in text if ch != WORD_JOINER) * size


def count_lines(text: str, box: LineBox, words: tuple[str, ...] = (), slack: float = 1.0) -> int:
    """How many lines ``text`` takes in ``box`` (greedy, as LibreOffice and Word break CJK);
    ``slack`` > 1 widens the box (to decide generously)."""
    lines, used, width = 1, 0.0, box.first * slack
    for unit in _units(text, words):
        w = _width(unit, box.size)
        if used + w > width + 0.01 and used > 0:
            lines += 1
            used, width = 0.0, box.rest * slack
        used += w
    return lines


def shorten(text: str, box: LineBox, words: tuple[str, ...] = ()) -> str:
    """The title itself when it fits in two lines; otherwise cut at a word boundary and ended
    with …, keeping a trailing date （2021年6月1日）. Decided with a little slack, so a title
    that would just fit is never shortened."""
    if count_lines(text, box, words, slack=1.03) <= MAX_LINES:
        return text
    m = _TRAILER.search(text)
    trailer = m.group(0) if m else ""
    body = text[:len(text) - len(trailer)]
    units = _units(body, words)
    while units:
        units.pop()
        head = "".join(units).rstrip("，、；：（《“ ")
        candidate = head + ELLIPSIS + trailer
        if count_lines(candidate, box, words, slack=0.97) <= MAX_LINES:
            return candidate
    return text


def shown_entries(entries: list[TocEntry], template: Path, words: tuple[str, ...] = ()) -> list[TocEntry]:
    """The entries as the 目录 prints them: a title beyond two lines shortened with …"""
    boxes = line_boxes(template)
    out = []
    for e in entries:
        box = boxes.get(e.level) or boxes[max(boxes)]
        text = shorten(e.text, box, words)
        out.append(e if text == e.text else TocEntry(e.level, text, e.pages, e.kind, e.target, e.standard, e.path,
                                                      e.toc_page, e.rect))
    return out


def template_entries(entries: list[TocEntry], words: tuple[str, ...] = ()) -> list[dict]:
    """The 目录 template's ``entries``: level, typeset text and page column."""
    return [{"level": e.level, "text": typeset(e.text, words), "pages": typeset(e.pages)} for e in entries]


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
