"""Bind a Plan into one PDF: evidence pages in catalog order, each file once, a divider per
category, cover and 目录 in front, continuous page numbers, links, bookmarks, page labels.

Word/Excel/WPS files go through ONE batched, content-hash-cached LibreOffice call; photos
through one drawn PDF; PDFs are used as they are. Nothing here prints: progress goes to the
callback, problems into the PageMap.
"""

from __future__ import annotations

import re
import resource
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pikepdf

from dossier import atomic, office
from dossier.binder import concat, drawn, embed, fonts, frontmatter, geometry, ocrlayer, pages
from dossier.binder.model import (CategorySection, FileEntry, PageMap, Placement, Plan, Source, TocEntry,
                                  page_range, reference)
from dossier import wording
from dossier.dates import fmt_cn
from dossier.documents.layout import cn_number
from dossier.errors import EvidenceError

OFFICE_FORMATS = ("docx", "doc", "wps", "xlsx", "xls", "et")
# Body pages bound in memory before they are written to disk (≈50 MB of a typical dossier).
PART_PAGES = 800
PARALLEL_FROM = 1500  # body pages; below this, starting worker processes costs more than it saves
PART_WORKERS = 2
Progress = Callable[[str, int, int], None]


@dataclass
class _Pages:
    pdf: pikepdf.Pdf
    start: int
    end: int
    fit: bool  # evidence pages are fitted onto A4; drawn pages are already laid out
    file: Path | None = None  # the PDF the pages come from (reopened by the part workers)
    path: str = ""  # the evidence file (project-relative) these pages are, for messages


@dataclass
class BindStats:
    converted: int = 0  # office files LibreOffice converted in this build
    reused: int = 0  # office files taken from the conversion cache
    pdfs: int = 0
    photos: int = 0
    left_out: int = 0
    fonts: dict[str, str] = field(default_factory=dict)  # path → fonts left without an embedded substitute
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BindResult:
    page_map: PageMap
    stats: BindStats


def _raise_fd_limit() -> None:
    # Every source PDF stays open until the output is saved; a county has hundreds.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError):
            pass


def _tick(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)


def prepare(sources: list[Source], captions: Mapping[str, str], cache_dir: Path, stats: BindStats,
            progress: Progress | None = None, workdir: Path | None = None,
            titles: Mapping[str, str] | None = None) -> tuple[dict[str, _Pages], dict[str, str], list[pikepdf.Pdf]]:
    """Turn every source into pages. Returns pages per path, the reason per left-out path,
    and the PDFs opened (to close after saving). ``titles`` (path → the title the 目录 gives
    it) is printed on every page of a spreadsheet."""
    _raise_fd_limit()
    ready: dict[str, _Pages] = {}
    problems: dict[str, str] = {}
    opened: list[pikepdf.Pdf] = []
    total = len(sources)
    done = 0
    usable = []
    for src in sources:
        if src.error:
            problems[src.path] = src.error
        elif not src.file.is_file():
            problems[src.path] = "文件不存在（可能已被移动或删除）"
        else:
            usable.append(src)
    office_sources = [s for s in usable if s.format in OFFICE_FORMATS]
    converted = {}
    if office_sources:
        def step(n: int) -> None:
            nonlocal done
            done += n
            _tick(progress, "转换", done, total)

        hashes = {s.file: s.sha256 for s in office_sources if s.sha256}
        converted = office.convert([s.file for s in office_sources], "pdf", cache_dir, hashes=hashes, progress=step,
                                   scratch_dir=workdir,
                                   titles={s.file: (titles or {}).get(s.path, "") for s in office_sources})

    pending: list[tuple[Source, Path, bool]] = []  # opened once every font has an embedded substitute

    def take(src: Source, pdf_of: Callable[[], Path], fit: bool) -> bool:
        try:
            pending.append((src, pdf_of(), fit))
        except EvidenceError as e:
            problems[src.path] = e.reason
            return False
        except Exception as e:  # an odd file must never stop the other files being bound
            problems[src.path] = f"无法装订此文件（{pages.short_reason(e)}）"
            return False
        return True

    def open_pending() -> None:
        # Fonts a file only names get embedded substitutes, in a cached copy (see embed).
        keys = [src.sha256 if pdf_file == src.file and src.sha256 else "d" + pdf_file.stem
                for src, pdf_file, _ in pending]
        outcomes = embed.bindable_many([(f, k) for (_, f, _), k in zip(pending, keys)], cache_dir)
        for (src, _, fit), outcome in zip(pending, outcomes):
            if outcome.problems:
                stats.fonts[src.path] = "；".join(outcome.problems)
            try:
                pdf = pages.open_pdf(outcome.file)
            except EvidenceError as e:
                problems[src.path] = e.reason
                continue
            except Exception as e:
                problems[src.path] = f"无法装订此文件（{pages.short_reason(e)}）"
                continue
            opened.append(pdf)
            ready[src.path] = _Pages(pdf, 0, len(pdf.pages), fit, outcome.file, src.path)
        _tick(progress, "转换", done, total)

    def office_pdf(src: Source) -> Path:
        result = converted[src.file]
        if result.output is None:
            raise EvidenceError(result.error or "LibreOffice 无法转换此文件")
        stats.reused += result.cached
        stats.converted += not result.cached
        return result.output

    # Scans the index OCR'd are bound from a copy: upright, with the recognised text laid over.
    recognised = ocrlayer.lookup(cache_dir.parent, [s.sha256 for s in usable if s.format in ("pdf", "image")])

    damaged = check_pdfs({s.file: s.sha256 for s in usable if s.format == "pdf"}, cache_dir)

    def checked_pdf(src: Source) -> Path:
        reason = damaged.get(src.file)
        if reason:
            raise EvidenceError(reason)
        return ocrlayer.searchable(src, recognised, cache_dir)

    for src in usable:
        if src.format in OFFICE_FORMATS:
            take(src, lambda: office_pdf(src), True)
        elif src.format == "pdf":
            done += 1
            stats.pdfs += 1
            take(src, lambda: checked_pdf(src), True)
    for src in usable:
        if src.format == "image" and src.sha256 in recognised and ocrlayer.is_document(recognised[src.sha256]):
            done += 1
            stats.pdfs += 1
            take(src, lambda: ocrlayer.searchable(src, recognised, cache_dir), True)
        elif src.format == "image":
            done += 1
            photo = drawn.Photo(src.file, captions.get(src.path, src.path), recognised.get(src.sha256))
            digest = src.sha256 or office.sha256_or_empty(src.file)
            stats.photos += take(src, lambda: drawn.cached_photo(photo, digest, cache_dir), False)
    open_pending()
    stats.left_out = len(problems)
    return ready, problems, opened


# A source PDF whose page content cannot be decoded or parsed would be copied as it is: it
# breaks the page-number stamp drawn after it and makes the dossier fail qpdf --check. Damage
# to the file's structure (xref, trailer) is repaired by qpdf and harmless. qpdf's full check
# (check_pdf_syntax) decodes every image too: ≈10× slower on scans, so only the page content
# is parsed (in C++; ≈2 ms a page) and JPEG images checked for their signature.
_CONTENT_DAMAGE = re.compile(r"error decoding stream data|errors while decoding content stream"
                             r"|\((?:content|stream data), offset")
DAMAGE_VERSION = 2
CHECK_PARALLEL_FROM = 40  # unchecked PDFs; below this, starting worker processes costs more
CONTENT_DAMAGED = ("PDF 内容已损坏（部分页面的内容或图片无法解码，阅读器只能显示一部分），未装订："
                   "请用原软件重新导出 PDF，或打印后扫描再放入")
CONTENT_DELETED = ("PDF 页面内容指向已删除的对象（不同阅读器显示的内容不同），未装订："
                   "请用原软件重新导出 PDF 再放入")


def _damage_marker(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"check-{digest}-v{DAMAGE_VERSION}.txt"


def check_pdfs(files: Mapping[Path, str], cache_dir: Path) -> dict[Path, str]:
    """Of the PDF ``files`` (path → content hash), those that cannot be bound faithfully, with
    the reason. Remembered per content hash; new files are inspected in two processes when many."""
    found: dict[Path, str] = {}
    todo: list[Path] = []
    for path, digest in files.items():
        try:
            reason = _damage_marker(cache_dir, digest).read_text(encoding="utf-8") if digest else None
        except OSError:
            reason = None
        if reason is None:
            todo.append(path)
        elif reason:
            found[path] = reason
    if len(todo) >= CHECK_PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(inspect_pdf, todo, chunksize=8))
    else:
        results = [inspect_pdf(path) for path in todo]
    for path, reason in zip(todo, results):
        if reason:
            found[path] = reason
        if files[path] and reason is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                atomic.write_text(_damage_marker(cache_dir, files[path]), reason)
            except OSError:
                pass
    return found


def inspect_pdf(path: Path) -> str | None:
    """Why the PDF at ``path`` cannot be bound faithfully; "" when it can; None when it cannot
    be opened at all (open_pdf then says why)."""
    try:
        with pikepdf.open(path) as pdf:
            empty, seen = [], set()
            for index, page in enumerate(pdf.pages):
                try:
                    pikepdf.parse_content_stream(page, "BX")  # parsed in full; only rare BX kept
                except pikepdf.PdfError:
                    return CONTENT_DAMAGED
                if _bad_streams(page, seen):
                    return CONTENT_DAMAGED
                if "/Contents" not in page.obj:
                    empty.append(index)
            if any(_CONTENT_DAMAGE.search(str(w)) for w in pdf.get_warnings()):
                return CONTENT_DAMAGED
            if _readers_disagree(path, empty):
                return CONTENT_DELETED
            return ""
    except pikepdf.PasswordError:
        return None
    except (pikepdf.PdfError, OSError, RecursionError):
        return None
    except Exception as e:
        return f"无法装订此文件（{pages.short_reason(e)}）"


def _bad_streams(page: pikepdf.Page, seen: set) -> bool:
    """Whether a stream the page brings along (images, fonts, anything it refers to) cannot be
    decoded: JPEGs checked for their signature, legacy filters (rare in scans, cheap) decoded;
    Flate and JPEG data of scans are left alone (decoding them is what makes qpdf's check slow)."""
    stack = [v for k, v in page.obj.items() if k != "/Parent"]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            found = obj.get("/Filter")
            filters = [found] if isinstance(found, pikepdf.Name) else list(found) if isinstance(found, pikepdf.Array) else []
            if filters == [pikepdf.Name.DCTDecode]:
                if obj.read_raw_bytes()[:2] != b"\xff\xd8":
                    return True
            elif any(f in _LEGACY_FILTERS for f in filters):
                try:
                    obj.read_bytes()
                except pikepdf.PdfError:
                    return True
            stack.extend(v for k, v in obj.stream_dict.items() if k != "/Parent")
        elif isinstance(obj, pikepdf.Dictionary):
            stack.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)
    return False


_LEGACY_FILTERS = {pikepdf.Name.LZWDecode, pikepdf.Name.RunLengthDecode, pikepdf.Name.ASCII85Decode,
                   pikepdf.Name.ASCIIHexDecode}


def _readers_disagree(path: Path, empty: list[int]) -> bool:
    """Pages qpdf reads as empty (their content object deleted by a later update) that pdfium,
    more lenient, still shows text on: the bound page would not be what the clerk saw."""
    if not empty:
        return False
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        for index in empty[:20]:
            if index < len(doc):
                page = doc[index]
                text = page.get_textpage()
                count = text.count_chars()
                text.close()
                page.close()
                if count > 0:
                    return True
        return False
    finally:
        doc.close()


def _date_key(entry: FileEntry) -> tuple:
    return (entry.date is None, entry.date or 0, entry.title)


def _file_text(entry: FileEntry) -> str:
    # A title taken from the document's first line may already carry its date.
    if entry.date and fmt_cn(entry.date) not in entry.title:
        return f"{entry.title}（{fmt_cn(entry.date)}）"
    return entry.title


def layout(plan: Plan, ready: Mapping[str, _Pages], problems: Mapping[str, str]):
    """Decide every page number. Returns the body page sequence, the 目录 entries, the
    placements, the standards' ranges and the divider pages."""
    body: list[tuple[_Pages, int]] = []  # (source, page index within it); divider pages use None
    entries: list[TocEntry] = []
    placements: dict[str, Placement] = {}
    ranges: dict[str, tuple[int, int] | None] = {}
    dividers: dict[str, int] = {}
    divider_slots: list[tuple[int, CategorySection]] = []
    bound: set[str] = set()
    for category in plan.categories:
        will_bind = any(f.path in ready and f.path not in bound
                        for s in category.standards for f in s.files)
        cat_entry_at = len(entries)
        entries.append(TocEntry(1, f"{category.id}　{category.name}", "", "category"))
        cat_first = None
        if plan.dividers and will_bind:
            divider_slots.append((len(body), category))
            body.append((None, 0))
            cat_first = len(body)
            dividers[category.id] = cat_first
        for standard in category.standards:
            std_at = len(entries)
            entries.append(TocEntry(2, f"{standard.id}　{standard.short}", "", "standard", standard=standard.id))
            own, refs, unreadable = [], [], 0
            seen_here: set[str] = set()
            for entry in sorted(standard.files, key=_date_key):
                if entry.path in seen_here:
                    continue
                seen_here.add(entry.path)
                text = _file_text(entry)
                if entry.path in bound:
                    placed = placements[entry.path]
                    refs.append(placed)
                    entries.append(TocEntry(3, text, reference(placed.first, placed.last), "reference",
                                            placed.first, standard.id, entry.path))
                elif entry.path in ready:
                    src = ready[entry.path]
                    first = len(body) + 1
                    body.extend((src, i) for i in range(src.start, src.end))
                    placed = Placement(entry.path, entry.title, first, len(body), standard.id)
                    placements[entry.path] = placed
                    bound.add(entry.path)
                    own.append(placed)
                    entries.append(TocEntry(3, text, page_range(placed.first, placed.last), "bound",
                                            placed.first, standard.id, entry.path))
                else:
                    unreadable += 1
                    entries.append(TocEntry(3, text, "无法读取", "unreadable", None, standard.id, entry.path))
            if own:
                ranges[standard.id] = (min(p.first for p in own), max(p.last for p in own))
                pages_text, kind, target = page_range(*ranges[standard.id]), "standard", ranges[standard.id][0]
            elif refs:
                ranges[standard.id] = (min(p.first for p in refs), max(p.last for p in refs))
                pages_text, kind, target = reference(*ranges[standard.id]), "standard", ranges[standard.id][0]
            else:
                ranges[standard.id] = None
                target = None
                if standard.status == "not_applicable":
                    pages_text, kind = "不适用", "not_applicable"
                elif unreadable:
                    pages_text, kind = "材料无法读取", "unreadable"
                else:
                    pages_text, kind = "缺少材料", "missing"
            entries[std_at] = TocEntry(2, entries[std_at].text, pages_text, kind, target, standard.id)
            if cat_first is None and own:
                cat_first = ranges[standard.id][0]
        if cat_first is not None and len(body) >= cat_first:
            entries[cat_entry_at] = TocEntry(1, entries[cat_entry_at].text, page_range(cat_first, len(body)),
                                             "category", cat_first)
    return body, entries, placements, ranges, dividers, divider_slots


def _notes(problems: Mapping[str, str], entries: list[TocEntry]) -> str:
    listed = [e.path for e in entries if e.kind == "unreadable" and e.path]
    lines = []
    missing = sum(1 for e in entries if e.kind == "missing")
    if missing:
        lines.append(f"注：标“缺少材料”的{missing}项指标尚未提供证明材料。")
    for path in dict.fromkeys(listed):
        lines.append(f"{path} 无法读取，未装订：{problems.get(path, '无法读取')}")
    return "\n".join(lines)


class FileFailed(Exception):
    """One evidence file's pages could not be bound (a PDF with a structure qpdf or this
    binder cannot take): the file is left out with ``reason`` and the rest bound again."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)
        self.path, self.reason = path, reason


# (PDF file, first page index, end page index, fit onto A4[, evidence path; "" for a divider])
_Run = tuple


def _label(run: _Run) -> str:
    return run[4] if len(run) > 4 else ""


@dataclass(frozen=True)
class _PartJob:
    """Body pages ``first``… made from ``runs``, saved to ``target``."""

    runs: tuple[_Run, ...]
    first: int
    target: Path

    @property
    def pages(self) -> int:
        return sum(run[2] - run[1] for run in self.runs)


def _part_jobs(body: list, divider_file: Path | None, workdir: Path) -> list[_PartJob]:
    """Cut the body into parts of about PART_PAGES pages, never inside one file."""
    runs: list[_Run] = []
    divider_at = 0
    for src, index in body:
        if src is None:
            runs.append((divider_file, divider_at, divider_at + 1, False, ""))
            divider_at += 1
        elif runs and runs[-1][0] == src.file and runs[-1][2] == index and _label(runs[-1]) == src.path:
            runs[-1] = (src.file, runs[-1][1], index + 1, src.fit, src.path)
        else:
            runs.append((src.file, index, index + 1, src.fit, src.path))
    jobs, current, first = [], [], 1
    for run in runs:
        current.append(run)
        if sum(r[2] - r[1] for r in current) >= PART_PAGES:
            jobs.append(_PartJob(tuple(current), first, workdir / f"part-{len(jobs):04d}.pdf"))
            first += jobs[-1].pages
            current = []
    if current:
        jobs.append(_PartJob(tuple(current), first, workdir / f"part-{len(jobs):04d}.pdf"))
    return jobs


def _add_run(part: pikepdf.Pdf, src: pikepdf.Pdf, run: _Run, font, number: int) -> int:
    """Copy one run's pages into ``part``, fitted and numbered from ``number``; returns the next number."""
    start, end, fit = run[1], run[2], run[3]
    first = len(part.pages)
    part.pages.extend(src.pages[start:end])
    for page in list(part.pages)[first:]:
        if fit:
            pages.fit_to_a4(part, page)
        pages.stamp(part, page, font, str(number), number % 2 == 1)
        number += 1
    return number


def _bind_part(job: _PartJob) -> int:
    """Copy, fit onto A4 and number one part's pages, and save it (runs in a worker process).
    Raises FileFailed naming the evidence file whose pages cannot be bound."""
    with warnings.catch_warnings():
        # pikepdf warns that a form's fields are not carried over as an interactive form: the
        # dossier is for reading and printing, and each widget keeps its appearance.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        return _bind_part_quietly(job)


def _bind_part_quietly(job: _PartJob) -> int:
    _raise_fd_limit()
    part = pikepdf.new()
    font = pages.NumberFont(part)
    number = job.first
    last_use = {run[0]: n for n, run in enumerate(job.runs)}
    sources: dict[Path, pikepdf.Pdf] = {}
    try:
        for n, run in enumerate(job.runs):
            file, label = run[0], _label(run)
            try:
                src = sources.get(file)
                if src is None:
                    src = sources[file] = pages.open_pdf(file)
                number = _add_run(part, src, run, font, number)
            except EvidenceError as e:
                raise FileFailed(label, e.reason) from None
            except Exception as e:
                if not label:
                    raise
                raise FileFailed(label, f"无法装订此文件（{pages.short_reason(e)}）") from None
            if last_use[file] == n:
                # The copied data lives in buffers of the source's objects: only dropping every
                # reference to the source frees it.
                sources.pop(file).close()
        try:
            # Producers such as reportlab list fonts a page never uses; unused, they would only
            # show up as unembedded fonts in a preflight check.
            part.remove_unreferenced_resources()
            part.save(job.target, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True)
        except Exception as e:
            _blame(job, e)
            raise
    finally:
        for src in sources.values():
            src.close()
        part.close()
    return job.pages


def probe_run(run: _Run) -> None:
    """Bind one file's pages on their own and pass them through the concatenation's object
    writer: raises whatever binding this file alone raises."""
    import io

    part = pikepdf.new()
    try:
        with pages.open_pdf(run[0]) as src:
            _add_run(part, src, run, pages.NumberFont(part), 1)
            part.remove_unreferenced_resources()
            buf = io.BytesIO()
            part.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True)
        with pikepdf.open(io.BytesIO(buf.getvalue())) as saved:
            concat.probe(saved)
    finally:
        part.close()


def _blame(job: _PartJob, error: Exception) -> None:
    """A part failed as a whole (saving, concatenating): find the file that fails on its own
    and raise FileFailed for it; return when none does."""
    for run in job.runs:
        if not _label(run):
            continue
        try:
            probe_run(run)
        except EvidenceError as e:
            raise FileFailed(_label(run), e.reason) from None
        except Exception as e:
            raise FileFailed(_label(run), f"无法装订此文件（{pages.short_reason(e)}）") from None


def _bind_parts(jobs: list[_PartJob], progress: Progress | None, total: int) -> None:
    """The parts are independent: two worker processes bind a big dossier in about half the time."""
    done = 0
    if len(jobs) < 2 or total < PARALLEL_FROM:
        for job in jobs:
            done += _bind_part(job)
            _tick(progress, "装订", done, total)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(PART_WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        for pages_done in pool.map(_bind_part, jobs):
            done += pages_done
            _tick(progress, "装订", done, total)


def captions_for(plan: Plan) -> dict[str, str]:
    """The caption under each photo: its title and date as first listed."""
    captions: dict[str, str] = {}
    for c in plan.categories:
        for s in c.standards:
            for f in s.files:
                captions.setdefault(f.path, _file_text(f))
    return captions


def titles_for(plan: Plan) -> dict[str, str]:
    """The title each file is listed under (first listed), as printed on spreadsheet pages."""
    titles: dict[str, str] = {}
    for c in plan.categories:
        for s in c.standards:
            for f in s.files:
                titles.setdefault(f.path, f.title)
    return titles


def bind(plan: Plan, sources: Mapping[str, Source], target: Path, *, cache_dir: Path, workdir: Path,
         captions: Mapping[str, str] | None = None, cover_template: Path | None = None,
         toc_template: Path | None = None, progress: Progress | None = None) -> BindResult:
    """Write the bound dossier to ``target`` (the caller renames it into place)."""
    stats = BindStats()
    clock = time.perf_counter()
    needed = list(dict.fromkeys(f.path for c in plan.categories for s in c.standards for f in s.files))
    if captions is None:
        captions = captions_for(plan)
    ready, problems, opened = prepare([sources[p] for p in needed if p in sources], captions, cache_dir,
                                      stats, progress, workdir, titles=titles_for(plan))
    for p in needed:
        if p not in sources and p not in ready:
            problems[p] = "文件不在证明材料中"
    stats.seconds["转换"] = time.perf_counter() - clock
    for pdf in opened:  # every page was counted; the parts reopen their files themselves
        pdf.close()
    while True:
        try:
            page_map = _assemble(plan, ready, problems, target, stats, cache_dir=cache_dir, workdir=workdir,
                                 cover_template=cover_template, toc_template=toc_template, progress=progress)
            break
        except FileFailed as failed:
            # Rare (a PDF whose structure only fails when its pages are copied): that file is
            # left out, named in the 目录's notes, and everything is laid out again.
            if failed.path not in ready:
                raise
            del ready[failed.path]
            problems[failed.path] = failed.reason
            stats.left_out = len(problems)
    return BindResult(page_map, stats)


def _assemble(plan: Plan, ready: Mapping[str, _Pages], problems: dict[str, str], target: Path, stats: BindStats,
              *, cache_dir: Path, workdir: Path, cover_template: Path | None, toc_template: Path | None,
              progress: Progress | None) -> PageMap:
    """Lay out, render the front matter, bind the parts and concatenate them into ``target``."""
    clock = time.perf_counter()
    opened: list[pikepdf.Pdf] = []
    body, entries, placements, ranges, dividers, divider_slots = layout(plan, ready, problems)
    notes = _notes(problems, entries) if plan.draft else ""
    if not plan.draft:
        entries = frontmatter.submission_entries(entries)
    date_text = fmt_cn(plan.date)
    toc_template = toc_template or frontmatter.template_path("目录.docx")
    shown = frontmatter.shown_entries(entries, toc_template, plan.keep_together)
    front = frontmatter.render_front(
        {"scheme": plan.scheme, "heading": wording.title("dossier"), "applicant": plan.applicant,
         "date": date_text, "annex_label": plan.annex_label},
        {"entries": frontmatter.template_entries(shown, plan.keep_together),
         "notes": notes, "applicant": plan.applicant, "scheme": plan.scheme},
        workdir, cover_template=cover_template or frontmatter.template_path("封面.docx"),
        toc_template=toc_template, cache_dir=cache_dir)
    stats.seconds["封面和目录"] = stats.seconds.get("封面和目录", 0.0) + time.perf_counter() - clock

    clock = time.perf_counter()
    # The skeleton: cover, 目录, one placeholder per body page, and everything that points at
    # pages. Body pages are bound in parts written to disk, and concat streams all of them
    # into the target (see concat: memory stays flat however big the dossier).
    skeleton = pikepdf.new()
    cover = pikepdf.open(front.cover)
    toc = pikepdf.open(front.toc)
    opened += [cover, toc]
    # The cover is one page by design; anything LibreOffice spills over is dropped rather than
    # letting it shift every number after it.
    skeleton.pages.append(cover.pages[0])
    skeleton.pages.extend(toc.pages)
    front_count = 1 + len(toc.pages)
    located = frontmatter.locate(front.toc, shown, float(pages.page_size(toc.pages[0])[0]))
    entries = [TocEntry(e.level, e.text, e.pages, e.kind, e.target, e.standard, e.path,
                        (where[0] + 1) if where else None, tuple(round(v, 2) for v in where[1]) if where else None)
               for e, where in zip(entries, located)]
    font = pages.NumberFont(skeleton)
    for i in range(1, front_count):
        pages.stamp(skeleton, skeleton.pages[i], font, pages.roman(i), i % 2 == 1)
    skeleton.remove_unreferenced_resources()
    # pikepdf's page list rebuilds qpdf's whole page vector on every append or lookup (O(n):
    # ≈4 s for 10,000 appends), so the placeholders go straight into the page tree and pages
    # are reached through this list from here on (the page list itself is stale).
    page_objs = [page.obj for page in skeleton.pages]
    tree = skeleton.Root.Pages
    for _ in body:
        page_objs.append(skeleton.make_indirect(pikepdf.Dictionary({
            "/Type": pikepdf.Name.Page, "/Parent": tree, "/MediaBox": pikepdf.Array([0, 0, *geometry.A4]),
            concat.PLACEHOLDER: True})))
    tree.Kids = pikepdf.Array(page_objs)
    tree.Count = len(page_objs)

    divider_file = drawn.cached_dividers([(f"第{cn_number(int(c.id))}部分" if c.id.isdigit() else "", c.name)
                                          for _, c in divider_slots], cache_dir) if divider_slots else None
    if divider_file is not None and not fonts.embeds():  # drawn with reportlab's unembedded STSong-Light
        divider_file = embed.bindable(divider_file, "d" + divider_file.stem, cache_dir).file
    for pdf in opened:
        pdf.close()
    opened.clear()
    jobs = _part_jobs(body, divider_file, workdir)
    parts = [job.target for job in jobs]
    skeleton_path = workdir / "skeleton.pdf"
    try:
        _bind_parts(jobs, progress, len(body))

        page_map = PageMap(front=front_count, toc_pages=front_count - 1, body=len(body),
                           placements=placements, standards=ranges, entries=tuple(entries), dividers=dividers,
                           problems=dict(problems))
        _links(skeleton, page_map, page_objs)
        _outline(skeleton, plan, page_map, page_objs)
        _labels(skeleton, front_count, len(page_objs))
        _metadata(skeleton, plan)
        skeleton.save(skeleton_path, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True)
        skeleton.close()
        try:
            concat.concatenate(skeleton_path, parts, target)
        except (OSError, MemoryError):
            raise
        except Exception as e:
            for job in jobs:
                _blame(job, e)
            raise
    finally:
        skeleton.close()
        for path in (skeleton_path, *parts):
            path.unlink(missing_ok=True)
    if plan.draft:
        from dossier.binder import draftmark

        draftmark.mark_every_page(target)
    stats.seconds["装订"] = stats.seconds.get("装订", 0.0) + time.perf_counter() - clock
    return page_map


def patch(previous: Path, page_map: PageMap, changed: Mapping[str, Source], target: Path, *, cache_dir: Path,
          captions: Mapping[str, str], progress: Progress | None = None,
          stats: BindStats | None = None, workdir: Path | None = None) -> BindResult | None:
    """Rebind only the ``changed`` files into a copy of the ``previous`` dossier, written to
    ``target``: when each of them is still readable and still has exactly the pages it had,
    no page number moves, so the 目录, its links, the bookmarks and the labels stay true and
    only those pages are replaced. Returns None when that does not hold: the caller rebinds
    (``stats``, when given, then still tells what was converted on the way).

    A replaced page keeps its object (links and bookmarks point to it); only its content,
    resources, size and annotations are swapped for the new ones."""
    stats = stats if stats is not None else BindStats()
    clock = time.perf_counter()
    sources = [changed[p] for p in sorted(changed)]
    ready, problems, opened = prepare(sources, captions, cache_dir, stats, progress, workdir,
                                      titles={p: placed.title for p, placed in page_map.placements.items()})
    stats.seconds["转换"] = time.perf_counter() - clock
    clock = time.perf_counter()
    try:
        if problems or set(ready) != set(changed):
            return None
        for path, src in ready.items():
            placed = page_map.placements.get(path)
            if placed is None or placed.last - placed.first + 1 != src.end - src.start:
                return None
        try:
            out = pikepdf.open(previous)
        except (pikepdf.PdfError, OSError):
            return None
        opened.append(out)
        if len(out.pages) != page_map.front + page_map.body:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                _patch_pages(out, ready, page_map, opened)
        except Exception:  # a file whose pages cannot be copied: the full bind names it
            return None
        stats.pdfs = sum(1 for s in sources if s.format == "pdf")
        out.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    finally:
        for pdf in opened:
            pdf.close()
    _tick(progress, "装订", page_map.body, page_map.body)
    stats.seconds["装订"] = time.perf_counter() - clock
    return BindResult(page_map, stats)


def _patch_pages(out: pikepdf.Pdf, ready: Mapping[str, _Pages], page_map: PageMap, opened: list) -> None:
    """Each ready file's pages replace its old ones, keeping the page objects."""
    font = None
    for path in sorted(ready):
        src, placed = ready[path], page_map.placements[path]
        # Fitting and pruning happen on a scratch copy, so the dossier-wide (slow) pruning
        # of unused resources is not needed.
        scratch = pikepdf.new()
        opened.append(scratch)
        scratch.pages.extend(src.pdf.pages[src.start:src.end])
        if src.fit:
            for page in scratch.pages:
                pages.fit_to_a4(scratch, page)
        scratch.remove_unreferenced_resources()
        base = len(out.pages)
        out.pages.extend(scratch.pages)
        for offset in range(src.end - src.start):
            number = placed.first + offset
            old, new = out.pages[page_map.pdf_index(number)], out.pages[base + offset]
            if font is None:
                font = pages.NumberFont(out, pages.number_font_of(old))
            pages.stamp(out, new, font, str(number), number % 2 == 1)
            _transplant(new, old)
        while len(out.pages) > base:
            del out.pages[len(out.pages) - 1]


def _transplant(new: pikepdf.Page, old: pikepdf.Page) -> None:
    keep = ("/Type", "/Parent")
    for key in list(old.obj.keys()):
        if key not in keep:
            del old.obj[key]
    for key in list(new.obj.keys()):
        if key not in keep:
            old.obj[key] = new.obj[key]
    annots = old.obj.get("/Annots")
    if isinstance(annots, pikepdf.Array):
        for annot in annots:
            if isinstance(annot, pikepdf.Dictionary) and "/P" in annot:
                annot.P = old.obj


def _links(out: pikepdf.Pdf, page_map: PageMap, page_objs: list) -> None:
    for entry in page_map.entries:
        if entry.target is None or entry.rect is None or entry.toc_page is None:
            continue
        toc_page = pikepdf.Page(page_objs[entry.toc_page])  # 目录 page k is PDF page k (after the cover)
        dest = page_objs[page_map.pdf_index(entry.target)]
        annot = out.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array(list(entry.rect)),
            Border=pikepdf.Array([0, 0, 0]), Dest=pikepdf.Array([dest, pikepdf.Name.Fit])))
        if "/Annots" not in toc_page.obj:
            toc_page.obj["/Annots"] = pikepdf.Array()
        toc_page.obj["/Annots"].append(annot)


def _outline(out: pikepdf.Pdf, plan: Plan, page_map: PageMap, page_objs: list) -> None:
    def to(index: int) -> pikepdf.Array:
        return pikepdf.Array([page_objs[index], pikepdf.Name.Fit])

    by_std: dict[str, list[TocEntry]] = {}
    for e in page_map.entries:
        if e.level == 3 and e.target is not None:
            by_std.setdefault(e.standard, []).append(e)
    with out.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("封面", to(0)))
        if page_map.toc_pages:
            outline.root.append(pikepdf.OutlineItem("目录", to(1)))
        for category in plan.categories:
            cat_entry = next((e for e in page_map.entries if e.level == 1 and e.text.startswith(f"{category.id}　")),
                             None)
            if cat_entry is None or cat_entry.target is None:
                continue
            cat_item = pikepdf.OutlineItem(cat_entry.text, to(page_map.pdf_index(cat_entry.target)))
            for standard in category.standards:
                rng = page_map.standards.get(standard.id)
                if not rng:
                    continue
                std_item = pikepdf.OutlineItem(f"{standard.id}　{standard.short}", to(page_map.pdf_index(rng[0])))
                for e in by_std.get(standard.id, []):
                    std_item.children.append(pikepdf.OutlineItem(e.text, to(page_map.pdf_index(e.target))))
                cat_item.children.append(std_item)
            outline.root.append(cat_item)


def _labels(out: pikepdf.Pdf, front_count: int, total: int) -> None:
    nums = [0, pikepdf.Dictionary(P=pikepdf.String("封面"))]
    if front_count > 1:
        nums += [1, pikepdf.Dictionary(S=pikepdf.Name.R, St=1)]
    if front_count < total:
        nums += [front_count, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    out.Root.PageLabels = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))


def _metadata(out: pikepdf.Pdf, plan: Plan) -> None:
    title = f"{plan.applicant}{plan.title}" if plan.applicant else plan.title
    out.docinfo["/Title"] = pikepdf.String(title)
    out.docinfo["/Author"] = pikepdf.String(plan.applicant or "")
    out.docinfo["/Subject"] = pikepdf.String(plan.scheme)
    out.docinfo["/Creator"] = pikepdf.String("dossier")
    # Opens with the bookmark panel: a reviewer navigates the 汇编 by its outline.
    out.Root.PageMode = pikepdf.Name.UseOutlines
    with out.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        if plan.applicant:
            meta["dc:creator"] = [plan.applicant]
