"""``dossier verify``: prove every printed page reference against the built PDF.

The page map in 输出/.dossier/ only says what to look for; every fact is read back from
the PDF itself: the page exists, its footer carries the printed number, it holds text of
the evidence the reference names, the 目录's links and the bookmarks land on it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dossier import wording
from dossier import project as project_lib
from dossier.binder import geometry
from dossier.binder.model import PageMap, Placement, page_range
from dossier.binder.pages import roman
from dossier.errors import UsageError

DOC_NAMES = ("自评报告.docx", "申报表.docx", "请示.docx")
REFERENCE = wording.ref_pattern("document")  # one format and parser: dossier/wording.yaml


@dataclass(frozen=True)
class Mismatch:
    where: str  # 目录第2页 / 自评报告.docx / 书签 / 第23页
    message: str


@dataclass(frozen=True)
class VerifyResult:
    pdf: Path
    pages: int
    checked: int  # references and pages checked
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "-").replace("\u2060", ""))
    return "".join(ch for ch in text if not ch.isspace())


def distinctive(text: str, *, caption: bool = False, length: int = 12) -> str:
    """A short run of the evidence's own text to look for on its first bound page: the
    first long unbroken run (no spaces) near the start, cut to ``length`` characters."""
    if caption:
        return _norm(text)[:length]
    best = ""
    for line in text.splitlines()[:40]:
        for token in line.split():
            token = _norm(token)
            meaningful = sum(1 for ch in token if ch.isalnum())
            if meaningful < 4 or token.isdigit():
                continue
            if len(token) >= min(6, length):
                return token[:length]
            if len(token) > len(best):
                best = token
    return best[:length]


def _read_pages(path: str, start: int, stop: int) -> dict[int, tuple[str, str]]:
    """Worker: (text, footer text) of pages ``start``–``stop - 1``, normalised."""
    import pypdfium2 as pdfium

    from dossier.readers.pdf import no_system_fonts

    out = {}
    with no_system_fonts():
        doc = pdfium.PdfDocument(path)
        try:
            _read_into(doc, start, stop, out)
        finally:
            doc.close()
    return out


def _read_into(doc, start: int, stop: int, out: dict[int, tuple[str, str]]) -> None:
    for index in range(start, stop):
        page = doc[index]
        textpage = page.get_textpage()
        out[index] = (_norm(textpage.get_text_range()),
                      _norm(textpage.get_text_bounded(0, 0, page.get_width(), geometry.FOOTER_BAND - 1)))
        textpage.close()
        page.close()


PARALLEL_FROM = 300  # pages; below this, starting worker processes costs more than it saves


class _Pdf:
    """Text of the built PDF, page by page, read once (in two processes for a big dossier:
    loading pages in pdfium is what verify spends its time on)."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        self.path = path
        self.doc = pdfium.PdfDocument(str(path))
        self.count = len(self.doc)
        self._pages: dict[int, tuple[str, str]] = {}
        self._open: dict[int, tuple] = {}

    def read_all(self, workers: int = 2) -> None:
        if self.count < PARALLEL_FROM or workers < 2:
            self._pages.update(_read_pages(str(self.path), 0, self.count))
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        step = -(-self.count // (workers * 4))
        chunks = [(i, min(i + step, self.count)) for i in range(0, self.count, step)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for part in pool.map(_read_pages, [str(self.path)] * len(chunks), *zip(*chunks)):
                self._pages.update(part)

    def _read(self, index: int) -> tuple[str, str]:
        if index not in self._pages:
            self._pages.update(_read_pages(str(self.path), index, index + 1))
        return self._pages[index]

    def text(self, index: int) -> str:
        return self._read(index)[0]

    def footer(self, index: int) -> str:
        return self._read(index)[1]

    def text_in(self, index: int, rect) -> str:
        if index not in self._open:
            page = self.doc[index]
            self._open[index] = (page, page.get_textpage())
        return _norm(self._open[index][1].get_text_bounded(*rect))

    def close(self) -> None:
        for page, textpage in self._open.values():
            textpage.close()
            page.close()
        self.doc.close()


def _load(project_dir: Path | str):
    project = project_lib.load(project_dir)
    pdf_path = project.output_dir / "证明材料汇编.pdf"
    map_path = project.state_dir / "pagemap.json"
    if not pdf_path.is_file():
        raise UsageError(f"找不到 {pdf_path}：请先运行 dossier build 生成申报材料")
    if not map_path.is_file():
        raise UsageError(f"找不到页码记录 {map_path}：请重新运行 dossier build")
    try:
        stored = json.loads(map_path.read_text(encoding="utf-8"))
        page_map = PageMap.from_json(json.dumps(stored))
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"页码记录 {map_path} 已损坏：请重新运行 dossier build") from None
    return project, pdf_path, page_map, stored.get("snippets", {}), stored.get("titles", {})


def verify(project_dir: Path | str) -> VerifyResult:
    project, pdf_path, page_map, snippets, titles = _load(project_dir)
    from dossier.readers.pdf import no_system_fonts

    # verify only reads text, never renders: pdfium's font lookup would cost most of its time.
    with no_system_fonts():
        return _verify(project, pdf_path, page_map, snippets, titles)


@dataclass
class Context:
    """What every checker reads (the built PDF, its structure, the page record) and where it
    reports. Each fact is read back from the PDF; the page record only says what to look for."""

    project: object
    pdf: _Pdf
    structure: object  # pikepdf.Pdf
    page_map: PageMap
    snippets: dict
    titles: dict
    problems: list[Mismatch] = field(default_factory=list)
    checked: int = 0

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Mismatch(where, message))

    def body_index(self, number: int) -> int:
        return self.page_map.front + number - 1

    def has_page(self, number: int, where: str) -> bool:
        if not 1 <= number <= self.page_map.body or self.body_index(number) >= self.pdf.count:
            self.problem(where, f"第{number}页不存在（汇编正文共{self.page_map.body}页）")
            return False
        return True

    def evidence_on(self, path: str, first: int, last: int, where: str) -> None:
        """The pages exist and the first holds the evidence's own text."""
        if not (self.has_page(first, where) and self.has_page(last, where)):
            return
        self.checked += 1
        for snippet in self.snippets.get(path, ()):
            if snippet and snippet not in self.pdf.text(self.body_index(first)):
                self.problem(where, f"第{first}页上找不到“{path}”的内容（应有“{snippet}”）")


def check_page_count(ctx: Context) -> None:
    expected = ctx.page_map.front + ctx.page_map.body
    if ctx.pdf.count != expected:
        ctx.problem(ctx.pdf.path.name, f"共{ctx.pdf.count}页，应为{expected}页")


def check_footers(ctx: Context) -> None:
    """Every page carries its number; front matter in Roman numerals, the cover none."""
    front = ctx.page_map.front
    for index in range(1, ctx.pdf.count):
        label = roman(index) if index < front else str(index - front + 1)
        ctx.checked += 1
        if ctx.pdf.footer(index) != _norm(f"— {label} —"):
            where = f"目录第{index}页" if index < front else f"第{label}页"
            shown = ctx.pdf.footer(index) or "无页码"
            ctx.problem(where, f"页脚应印“— {label} —”，实际为“{shown}”")


def _printed_range(text: str) -> tuple[int, int] | None:
    m = re.search(r"(\d+)(?:[–\-](\d+))?", text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(1))


def check_toc(ctx: Context) -> None:
    """目录: each entry printed where the map says, its pages the file's, its link on its line
    landing on its first page."""
    page_map, pdf = ctx.page_map, ctx.pdf
    links = _links(ctx.structure, page_map.front)
    for entry in page_map.entries:
        if entry.toc_page is None:
            if entry.kind in ("bound", "reference"):
                ctx.problem("目录", f"“{entry.text}”在目录中找不到")
            continue
        where = f"目录第{entry.toc_page}页“{entry.text}”"
        page_text = pdf.text(entry.toc_page)
        ctx.checked += 1
        if _norm(entry.text)[:8] not in page_text or _norm(entry.pages) not in page_text:
            ctx.problem(where, f"目录页上没有印出“{entry.text} {entry.pages}”")
            continue
        if entry.target is None:
            continue
        printed = _printed_range(entry.pages)
        if printed is None:
            continue
        placed = page_map.placements.get(entry.path) if entry.path else None
        if placed is not None:
            if printed != (placed.first, placed.last):
                ctx.problem(where, f"印的页码 {entry.pages} 与装订位置第{page_range(placed.first, placed.last)}页不符")
            ctx.evidence_on(entry.path, printed[0], printed[1], where)
        else:
            ctx.has_page(printed[0], where)
        target_index = ctx.body_index(printed[0])
        hits = [rect for page, rect, dest in links if page == entry.toc_page and dest == target_index]
        if not hits:
            ctx.problem(where, f"没有指向第{printed[0]}页的链接")
        elif not any(_norm(entry.pages) in pdf.text_in(entry.toc_page, rect) for rect in hits):
            ctx.problem(where, f"指向第{printed[0]}页的链接不在这一行上")


def check_outline(ctx: Context) -> None:
    """Bookmarks: the same pages as the 目录."""
    ctx.checked += _check_outline(ctx.structure, ctx.page_map, ctx.problems)


def check_documents(ctx: Context) -> None:
    """申报表, 请示, 自评报告: every “见汇编第…页” names a bound file's exact pages."""
    by_range: dict[tuple[int, int], list[Placement]] = {}
    for placed in ctx.page_map.placements.values():
        by_range.setdefault((placed.first, placed.last), []).append(placed)
    for name in DOC_NAMES:
        path = ctx.project.output_dir / name
        if not path.is_file():
            ctx.problem(name, "文件不存在，请重新运行 dossier build")
            continue
        for text in _docx_texts(path):
            for m in REFERENCE.finditer(text):
                first, last = int(m.group(1)), int(m.group(2) or m.group(1))
                where = f"{name}“{text[:40]}”"
                ctx.checked += 1
                candidates = [p for p in by_range.get((first, last), ())
                              if any(_norm(t) in _norm(text) for t in ctx.titles.get(p.path, [p.title]))]
                if not candidates:
                    ctx.problem(where, f"{m.group(0)} 与汇编中该材料的页码不符")
                    continue
                ctx.evidence_on(candidates[0].path, first, last, where)


def check_manifest(ctx: Context) -> None:
    """材料清单.xlsx: each row's pages are its file's."""
    manifest = ctx.project.output_dir / "材料清单.xlsx"
    if manifest.is_file():
        ctx.checked += _check_manifest(manifest, ctx.page_map, ctx.problems, ctx.evidence_on)
    else:
        ctx.problem("材料清单.xlsx", "文件不存在，请重新运行 dossier build")


# One checker per kind of reference, run in this order.
CHECKERS = (check_page_count, check_footers, check_toc, check_outline, check_documents, check_manifest)


def _verify(project, pdf_path: Path, page_map: PageMap, snippets, titles) -> VerifyResult:
    import pikepdf

    try:
        pdf = _Pdf(pdf_path)
        pdf.read_all()
        structure = pikepdf.open(pdf_path)
    except Exception as e:  # pdfium and qpdf raise their own types for a damaged file
        # The library's own words (English, "PDFium: Data format error") mean nothing to a clerk.
        reason = "文件已加密" if "password" in str(e).lower() else "文件已损坏，不是有效的 PDF"
        return VerifyResult(pdf_path, 0, 0, (Mismatch(pdf_path.name, f"无法打开：{reason}；请重新运行 dossier build"),))
    ctx = Context(project, pdf, structure, page_map, snippets, titles)
    try:
        for checker in CHECKERS:
            checker(ctx)
    finally:
        pdf.close()
        structure.close()
    return VerifyResult(pdf_path, pdf.count, ctx.checked, tuple(ctx.problems))


def _links(pdf, front: int) -> list[tuple[int, tuple, int]]:
    """(目录 page, rect, destination page index) of every link on the 目录 pages."""
    index_of = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found = []
    for i in range(1, min(front, len(pdf.pages))):
        for annot in pdf.pages[i].obj.get("/Annots", []) or []:
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot.A.get("/D")
            if dest is None or len(dest) == 0:
                continue
            target = index_of.get(dest[0].objgen)
            if target is not None:
                found.append((i, tuple(float(v) for v in annot.Rect), target))
    return found


def _check_outline(pdf, page_map: PageMap, problems: list[Mismatch]) -> int:
    """Each bookmark lands where the 目录 says. Bookmarks are matched by level, standard and
    text; several files of one standard may print the same text (same title and date), so each
    key stands for a list of pages, taken in order."""
    import pikepdf

    index_of = {page.objgen: i for i, page in enumerate(pdf.pages)}
    expected: dict[str, list[int]] = {}
    for entry in page_map.entries:
        if entry.level in (1, 3) and entry.target is not None and entry.kind in ("category", "bound", "reference"):
            expected.setdefault(f"{entry.level}:{entry.standard}:{entry.text}", []).append(
                page_map.pdf_index(entry.target))
    for std, rng in page_map.standards.items():
        if rng:
            expected[f"2:{std}"] = [page_map.pdf_index(rng[0])]
    seen = 0
    with pdf.open_outline() as outline:
        def walk(items, depth, std):
            nonlocal seen
            for item in items:
                dest = item.destination
                if isinstance(dest, pikepdf.Array) and len(dest):
                    page = index_of.get(dest[0].objgen)
                elif isinstance(dest, int):
                    page = dest
                else:
                    page = None
                title = str(item.title)
                if depth == 1:
                    key = f"1:None:{title}"
                elif depth == 2:
                    std = title.split("\u3000")[0]
                    key = f"2:{std}"
                else:
                    key = f"3:{std}:{title}"
                want = expected.get(key)
                if want:
                    seen += 1
                    if page in want:
                        want.remove(page)
                    else:
                        problems.append(Mismatch(f"书签“{title}”",
                                                 f"指向PDF第{(page or 0) + 1}页，应为第{want.pop(0) + 1}页"))
                walk(item.children, depth + 1, std)

        roots = [i for i in outline.root if str(i.title) not in ("封面", "目录")]
        walk(roots, 1, None)
    missing = sum(len(pages) for pages in expected.values())
    if missing > 0:
        problems.append(Mismatch("书签", f"缺少{missing}个书签"))
    return seen


def _docx_texts(path: Path) -> list[str]:
    import docx

    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.append(cell.text)
    # Invisible joiners a word processor may have put into a reference do not change it.
    return [t.replace("\u2060", "") for t in texts]


def _check_manifest(path: Path, page_map: PageMap, problems: list[Mismatch], evidence_on) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "") for c in next(rows, ())]
    if "文件" not in header or "页码" not in header:
        problems.append(Mismatch(path.name, "缺少“文件”或“页码”列"))
        return 0
    col_file, col_pages = header.index("文件"), header.index("页码")
    count = 0
    for n, row in enumerate(rows, 2):
        file, pages = row[col_file], row[col_pages]
        if not file or not pages:
            continue
        count += 1
        placed = page_map.placements.get(str(file))
        m = re.fullmatch(r"(\d+)(?:[–\-](\d+))?", str(pages).strip())
        where = f"{path.name}第{n}行"
        if placed is None or m is None:
            problems.append(Mismatch(where, f"{file} 的页码 {pages} 在汇编中找不到"))
            continue
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if (first, last) != (placed.first, placed.last):
            problems.append(Mismatch(where, f"{file} 的页码 {pages} 与装订位置 {page_range(placed.first, placed.last)} 不符"))
            continue
        evidence_on(str(file), first, last, where)
    return count
