"""``dossier build``: the whole packet in one run — index (incremental) → check → bind →
documents with the real page numbers → 材料清单 with page ranges.

Four steps: plan (index, check, order) → bind or reuse the dossier → documents with its page
numbers → commit. Every output is staged as a temporary file beside its target and all of
them replace the previous ones together, or none does (:class:`dossier.atomic.OutputSet`), so
an interrupted or failed build leaves the previous packet intact, never a mixed set. The
project lock is held for the whole run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from dossier import atomic, lock, scratch, wording
from dossier import ids
from dossier import office
from dossier import project as project_lib
from dossier.binder import (CategorySection, FileEntry, PageMap, Plan, Source, StandardSection, bind, patch)
from dossier.binder.bind import OFFICE_FORMATS, BindResult, BindStats, captions_for
from dossier.binder.model import page_range
from dossier.wording import clean_title
from dossier.errors import BuildRefused, DossierError, OutputError  # noqa: F401  (BuildRefused: callers import it from here too)
from dossier.records import Catalog, CheckReport, Evidence, EvidenceFile, Project
from dossier.session import Session

PDF_NAME = "证明材料汇编.pdf"
MANIFEST_NAME = "材料清单.xlsx"
PAGE_MAP_NAME = "pagemap.json"
STATE_NAME = "last-build.json"
STATE_VERSION = 1
DOC_NAMES = ("申报表.docx", "请示.docx", "自评报告.docx")
# The scheme's own notice (CONTRACT §6 lists it among 输出/): the catalog's, not the county's.
NOTICE_NAME = "通知.docx"
DOSSIER_TITLE = "证明材料汇编"
STATUS_CN = wording.status_labels()  # the clerk's words (wording.yaml), as check prints them
GAP_STATUSES = ("partial", "missing", "undeclared", "violated")
# progress(stage, done, total); stages: 索引, 转换, 装订, 文书
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[Path, ...]
    page_map: PageMap
    report: CheckReport
    gaps: tuple[str, ...]  # Chinese lines: what check still finds missing
    total_pages: int
    files_bound: int
    left_out: Mapping[str, str]  # path → why it is not in the dossier
    seconds: Mapping[str, float]
    index_reused: int
    index_read: int
    conversions_reused: int
    conversions_done: int
    stats: BindStats = field(default_factory=BindStats)
    # How the dossier was made: "bound" (every page), "patched" (only the changed files' pages
    # replaced: no page number moved) or "reused" (nothing it depends on changed).
    dossier: str = "bound"
    documents_reused: bool = False  # 申报表/请示/自评报告/材料清单 left as they were
    pdfa: object = None  # with --pdfa: binder.pdfa.Outcome (ok, findings, changes)


def page_map_path(project: Project) -> Path:
    return project.state_dir / PAGE_MAP_NAME


def gap_lines(report: CheckReport, catalog: Catalog) -> list[str]:
    lines = []
    if not report.eligible:
        lines.append("存在负面工作清单情形，不予推荐")
    for finding in report.findings:
        if finding.status in GAP_STATUSES:
            std = catalog.get(finding.id)
            detail = "；".join(p.message for p in finding.problems)
            lines.append(f"{finding.id} {std.short if std else ''}：{STATUS_CN[finding.status]}"
                         + (f"（{detail}）" if detail else ""))
    for problem in report.manifest:
        where = f"{problem.source}第{problem.row}行" if problem.row else problem.source
        lines.append(f"{where}：{problem.message}")
    for f in report.files:
        if f.status == "error":
            lines.append(f"{f.path}：{f.message}")
    return lines


def _resolve_disk(root: Path, rel: str) -> Path:
    """The file on disk for a project-relative NFC path (macOS copies may be NFD on disk)."""
    direct = root / rel
    if direct.exists():
        return direct
    current = root
    for part in rel.split("/"):
        candidate = current / part
        if not candidate.exists() and current.is_dir():
            want = unicodedata.normalize("NFC", part)
            candidate = next((c for c in current.iterdir() if unicodedata.normalize("NFC", c.name) == want),
                             candidate)
        current = candidate
    return current


def _format_of(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("jpg", "jpeg", "png", "tif", "tiff", "bmp"):
        return "image"
    return suffix if suffix == "pdf" or suffix in OFFICE_FORMATS else "unsupported"


def make_plan(session: Session, *, dividers: bool = True,
              draft: bool = False) -> tuple[Plan, dict[str, list[Evidence]]]:
    """The dossier's order: categories → standards (catalog order) → their evidence; the
    negative-list items last. Titles and dates come from the manifest when given, else the file.
    The evidence per standard is the session's, merged once for check, plan and documents."""
    catalog, project, report = session.catalog, session.project, session.check()
    files = session.files_by_path()
    per_standard = session.evidence_per_standard()
    evidence: dict[str, list[Evidence]] = {}

    def section(std) -> StandardSection:
        finding = report.finding(std.id)
        merged = {e.path: e for e in per_standard.get(std.id, ())}
        entries, used = [], []
        for path in (finding.evidence if finding else ()):
            ev = merged.get(path) or Evidence(path, std.id, Path(path).stem, "", None, None, "register",
                                              path not in files or files[path].ok)
            # The province reads a document's title, not its file name: no filing date or ID
            # in front (2021-06-01 县残联… → 县残联…), the same in the 目录, bookmarks and documents.
            ev = dataclasses.replace(ev, title=clean_title(ev.title))
            used.append(ev)
            entries.append(FileEntry(path, ev.title, ev.date))
        evidence[std.id] = used
        return StandardSection(std.id, std.short, finding.status if finding else "missing", tuple(entries))

    categories = [CategorySection(c.id, c.name, tuple(section(s) for s in c.standards)) for c in catalog.categories]
    if catalog.negative_items:
        categories.append(CategorySection("N", catalog.negative_name,
                                          tuple(section(s) for s in catalog.negative_items)))
    from dossier.documents.context import annex_label, scheme_name

    plan = Plan(DOSSIER_TITLE, project.applicant, scheme_name(catalog), project.application_date, tuple(categories),
                dividers=dividers, draft=draft,
                annex_label=annex_label(project, catalog, wording.title("dossier")))
    return plan, evidence


def make_sources(project: Project, plan: Plan, files: Mapping[str, EvidenceFile]) -> dict[str, Source]:
    sources = {}
    for category in plan.categories:
        for std in category.standards:
            for entry in std.files:
                if entry.path in sources:
                    continue
                ef = files.get(entry.path)
                disk = _resolve_disk(project.root, entry.path)
                if ef is not None:
                    fmt = ef.format
                    error = ef.error or (None if fmt in ("pdf", "image", *OFFICE_FORMATS) else "文件格式不受支持")
                    sources[entry.path] = Source(entry.path, disk, fmt, ef.sha256, error)
                else:  # a register (台账) proving a standard without being in the evidence folder
                    fmt = _format_of(entry.path)
                    sources[entry.path] = Source(entry.path, disk, fmt, "",
                                                 None if fmt != "unsupported" else "文件格式不受支持")
    return sources


def page_refs(plan: Plan, page_map: PageMap, evidence: Mapping[str, list[Evidence]]):
    """Per standard, its evidence with the pages where it is bound (documents.PageRef)."""
    from dossier.documents import PageRef

    refs = {}
    for category in plan.categories:
        for std in category.standards:
            items = []
            for ev in evidence.get(std.id, ()):
                placed = page_map.placements.get(ev.path)
                items.append(PageRef(ev.path, ev.title, ev.date, ev.doc_number,
                                     placed.first if placed else None, placed.last if placed else None))
            refs[std.id] = items
    return refs


MANIFEST_HEADERS = ("指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注", "页码", "装订情况")


def write_manifest(target: Path, plan: Plan, page_map: PageMap, evidence: Mapping[str, list[Evidence]],
                   notes: Mapping[tuple[str, str], str]) -> None:
    """材料清单.xlsx as resolved: one row per file × standard, with its page range; usable again
    as an input manifest (the first seven columns are the manifest's own)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from dossier import cells

    book = Workbook()
    sheet = book.active
    sheet.title = "材料清单"
    sheet.append(list(MANIFEST_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for category in plan.categories:
        for std in category.standards:
            for ev in evidence.get(std.id, ()):
                placed = page_map.placements.get(ev.path)
                if placed is None:
                    pages, state = "", f"未装订：{page_map.problems.get(ev.path, '无法读取')}"
                elif placed.standard == std.id:
                    pages, state = page_range(placed.first, placed.last), "已装订"
                else:
                    pages, state = page_range(placed.first, placed.last), f"已在 {placed.standard} 下装订"
                cells.append(sheet, [std.id, ev.path, ev.title, ev.kind, ev.date, ev.unit or "",
                                     notes.get((std.id, ev.path), ""), pages, state])
                if ev.date:
                    sheet.cell(sheet.max_row, 5).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEFGHI", (10, 48, 40, 10, 12, 14, 20, 10, 22)):
        sheet.column_dimensions[col].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    book.save(target)


def _snippets(page_map: PageMap, files: Mapping[str, EvidenceFile], plan: Plan) -> dict[str, list[str]]:
    """Text verify looks for on a file's pages: from the index's text for text evidence, the
    caption's title for photos."""
    from dossier.verify import distinctive

    titles = {f.path: f.title for c in plan.categories for s in c.standards for f in s.files}
    out = {}
    for path, placed in page_map.placements.items():
        ef = files.get(path)
        if ef is not None and ef.format == "image":
            out[path] = [distinctive(titles.get(path, ""), caption=True)]
        elif ef is not None and ef.page_texts:
            # Spreadsheet cells are often clipped by their column width when printed: only
            # the start of a cell is sure to show.
            # The index starts each sheet's text with the sheet's name, which is not printed.
            short = ef.format in ("xlsx", "xls", "et")
            text = ef.page_texts[0].split("\n", 1)[-1] if short else ef.page_texts[0]
            out[path] = [s for s in (distinctive(text, length=4 if short else 12),) if s]
    return out


def _titles(plan: Plan) -> dict[str, list[str]]:
    """Every title a file is printed under (a manifest row may name it differently per standard)."""
    out: dict[str, list[str]] = {}
    for c in plan.categories:
        for s in c.standards:
            for f in s.files:
                if f.title not in out.setdefault(f.path, []):
                    out[f.path].append(f.title)
    return out


# --------------------------------------------------------------------------- what a build depends on


def _code_digest(*patterns: str) -> str:
    """Content of dossier's own files that shape an output: an upgrade or a fix rebuilds it."""
    base = Path(__file__).parent
    h = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=repr).encode() + b"\0")
    return h.hexdigest()


def _file_digest(path: Path | None) -> str:
    return office.sha256_or_empty(path) if path else ""


def _stat(path: Path) -> list[int] | None:
    """Size and modification time: enough to tell that an output is still the one written."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _dossier_key(project: Project, plan: Plan, sources: Mapping[str, Source]) -> str:
    """Everything the bound dossier depends on except the evidence files' content."""
    return _digest(STATE_VERSION, _code_digest("binder/*.py", "office.py", "fonts/*", "templates/*"),
                   dataclasses.asdict(plan),
                   sorted((p, s.format, s.error) for p, s in sources.items()),
                   _file_digest(_template(project, "封面")), _file_digest(_template(project, "目录")))


def _documents_key(project: Project, catalog: Catalog, report: CheckReport, refs, plan: Plan,
                   evidence: Mapping[str, list[Evidence]], notes: Mapping, page_map: PageMap) -> str:
    templates = {name: _file_digest(Path(path)) for name, path in sorted(project.templates.items())}
    # Where the folder is does not change a document; what its templates hold does.
    settings = dataclasses.replace(project, root=Path("."), config_path=Path("."), templates={})
    return _digest(STATE_VERSION, _code_digest("documents/**/*", "templates/*", "build.py"),
                   repr(settings), catalog.sha256 or repr(catalog), repr(report), repr(refs), repr(plan),
                   repr(evidence), sorted(notes.items()), page_map.to_json(), templates)


def _load_state(project: Project) -> dict:
    try:
        state = json.loads((project.state_dir / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def _previous_page_map(project: Project) -> PageMap | None:
    try:
        return PageMap.from_json(page_map_path(project).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------- the four steps


@dataclass
class Planned:
    """What the build will make, decided before anything is written (step 1)."""

    project: Project
    catalog: Catalog
    report: CheckReport
    gaps: list[str]
    files: dict[str, EvidenceFile]
    plan: Plan
    evidence: dict[str, list[Evidence]]
    sources: dict[str, Source]
    notes: dict[tuple[str, str], str]
    index_reused: int
    index_read: int


@dataclass
class Bound:
    """The dossier of this build (step 2): staged, or the previous one reused."""

    result: BindResult
    mode: str  # bound / patched / reused
    dossier_key: str
    hashes: dict[str, str]
    pdfa: object = None  # binder.pdfa.Outcome of a --pdfa build


@dataclass
class Documents:
    """The documents, 材料清单 and page record of this build (step 3): staged or reused."""

    key: str
    reused: bool
    notice_key: str = ""


def plan_build(project: Project, catalog: Catalog, *, strict: bool = False, dividers: bool = True,
               progress: Progress | None = None, draft: bool = False) -> Planned:
    """Step 1: index, check and the dossier's order. Raises BuildRefused under ``strict``."""
    session = Session(project, catalog)
    report = session.check(progress=(
        (lambda phase, done, total: progress("索引", done, total)) if progress else None))
    index = session.index_result
    gaps = gap_lines(report, catalog)
    if strict and gaps:
        shown = "\n  ".join(gaps[:30]) + (f"\n  ……另有{len(gaps) - 30}项" if len(gaps) > 30 else "")
        raise BuildRefused(f"检查发现{len(gaps)}项问题，按 --strict 要求未生成申报材料：\n  {shown}")
    files = {f.path: f for f in index.files}
    plan, evidence = make_plan(session, dividers=dividers, draft=draft)
    sources = make_sources(project, plan, files)
    notes = {(ids.normalize(a.indicator), a.path): a.note for a in index.assignments if a.note}
    return Planned(project, catalog, report, gaps, files, plan, evidence, sources, notes,
                   index.stats.reused, index.stats.read)


def bind_or_reuse(planned: Planned, outputs: atomic.OutputSet, previous: Mapping, workdir: Path,
                  progress: Progress | None = None, pdfa: bool = False) -> Bound:
    """Step 2 (see :func:`_bind_or_reuse`), then, with ``pdfa``, the dossier as PDF/A-2b."""
    bound = _bind_or_reuse(planned, outputs, previous, workdir, progress, pdfa)
    if pdfa:
        from dossier.binder import pdfa as pdfa_lib

        clock = time.perf_counter()
        pdf_path = planned.project.output_dir / PDF_NAME
        if bound.mode == "reused":
            bound.pdfa = pdfa_lib.Outcome(ok=pdfa_lib.declares(pdf_path), findings=["上次生成时未能通过 PDF/A-2b 校验"])
        else:
            bound.pdfa = pdfa_lib.convert(outputs.stage(pdf_path))
        bound.result.stats.seconds["PDF/A"] = time.perf_counter() - clock
    return bound


def _bind_or_reuse(planned: Planned, outputs: atomic.OutputSet, previous: Mapping, workdir: Path,
                   progress: Progress | None = None, pdfa: bool = False) -> Bound:
    """Step 2: the dossier PDF. The last build's record says what its outputs were made from;
    whatever still matches it is kept (issue 7: a rebuild after one changed file must not
    re-bind 10,000 pages): nothing changed → reused; only files whose pages keep their count →
    patched in a copy; else bound afresh. A new PDF is staged in ``outputs``."""
    project, plan, sources = planned.project, planned.plan, planned.sources
    cache_dir = project.state_dir / "pdf-cache"
    hashes = {p: s.sha256 or office.sha256_or_empty(s.file) for p, s in sources.items()}
    dossier_key = _dossier_key(project, plan, sources) + ("-pdfa" if pdfa else "")
    old_map = _previous_page_map(project) if previous else None
    pdf_path = project.output_dir / PDF_NAME
    reusable = (old_map is not None and previous.get("dossier_key") == dossier_key
                and previous.get("pdf") == _stat(pdf_path) and set(previous.get("sources", {})) == set(hashes))
    changed = {p: sources[p] for p, h in hashes.items() if previous["sources"][p] != h} if reusable else {}
    if reusable and not changed:
        office_count = sum(1 for s in sources.values() if s.format in OFFICE_FORMATS and not s.error)
        stats = BindStats(reused=office_count, seconds={"转换": 0.0, "封面和目录": 0.0, "装订": 0.0})
        return Bound(BindResult(old_map, stats), "reused", dossier_key, hashes)
    tmp_pdf = outputs.stage(pdf_path)
    if changed and not plan.draft:  # a draft's new pages need the 草稿 mark: bound afresh
        tried = BindStats()
        bound = patch(pdf_path, old_map, changed, tmp_pdf, cache_dir=cache_dir,
                      captions=captions_for(plan), progress=progress, stats=tried, workdir=workdir)
        if bound is not None:
            bound.stats.seconds.setdefault("封面和目录", 0.0)
            bound.stats.reused += sum(1 for p, s in sources.items() if p not in changed
                                      and s.format in OFFICE_FORMATS and not s.error)
            return Bound(bound, "patched", dossier_key, hashes)
    bound = bind(plan, sources, tmp_pdf, cache_dir=cache_dir, workdir=workdir,
                 cover_template=_template(project, "封面"), toc_template=_template(project, "目录"),
                 progress=progress)
    if changed and not plan.draft:  # what the attempt to patch converted is now taken from the cache
        bound.stats.converted += tried.converted
        bound.stats.reused -= tried.converted
        bound.stats.seconds["转换"] += tried.seconds.get("转换", 0.0)
    return Bound(bound, "bound", dossier_key, hashes)


def make_documents(planned: Planned, bound: Bound, outputs: atomic.OutputSet, previous: Mapping, workdir: Path,
                   progress: Progress | None = None) -> Documents:
    """Step 3: 申报表, 请示, 自评报告 and 材料清单 with the dossier's real page numbers, and the
    page record verify reads, all staged in ``outputs`` (the documents are reused when nothing
    they depend on changed)."""
    project, plan, evidence, notes = planned.project, planned.plan, planned.evidence, planned.notes
    page_map = bound.result.page_map
    out_dir = project.output_dir
    refs = page_refs(plan, page_map, evidence)
    documents_key = _documents_key(project, planned.catalog, planned.report, refs, plan, evidence, notes, page_map)
    reused = (previous.get("documents_key") == documents_key and all(
        previous.get("documents", {}).get(name) == _stat(out_dir / name) for name in (*DOC_NAMES, MANIFEST_NAME)))
    if progress:
        progress("文书", 0, 4)
    if not reused:
        from dossier.documents import render_all

        tmp = {name: outputs.stage(out_dir / name) for name in (MANIFEST_NAME, *DOC_NAMES)}
        docs_dir = workdir / "docs"
        docs_dir.mkdir()
        render_all(project, planned.catalog, planned.report, refs, out_dir=docs_dir, draft=plan.draft,
                   measure=True)
        for name in DOC_NAMES:
            shutil.move(str(docs_dir / name), tmp[name])
        write_manifest(tmp[MANIFEST_NAME], plan, page_map, evidence, notes)
    notice_key = _notice(planned, outputs, previous, workdir)
    stored = json.loads(page_map.to_json())
    stored["snippets"] = _snippets(page_map, planned.files, plan)
    stored["titles"] = _titles(plan)
    stored["applicant"] = project.applicant
    outputs.stage(page_map_path(project)).write_text(json.dumps(stored, ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
    if progress:
        progress("文书", 4, 4)
    return Documents(documents_key, reused, notice_key)


def _notice(planned: Planned, outputs: atomic.OutputSet, previous: Mapping, workdir: Path) -> str:
    """通知.docx from the catalog, laid out once per catalog and code (it does not depend on
    the county's evidence, so an ordinary rebuild reuses it). "" when the catalog has none."""
    catalog, out_dir = planned.catalog, planned.project.output_dir
    if not catalog.notice:
        return ""
    key = _digest(STATE_VERSION, _code_digest("documents/**/*", "templates/*"), catalog.sha256 or repr(catalog))
    if previous.get("notice_key") == key and previous.get("notice") == _stat(out_dir / NOTICE_NAME):
        return key
    from dossier.documents.render import render_notice

    scratch = workdir / "notice"
    scratch.mkdir()
    render_notice(catalog, scratch / NOTICE_NAME)
    shutil.move(str(scratch / NOTICE_NAME), outputs.stage(out_dir / NOTICE_NAME))
    return key


def commit(planned: Planned, bound: Bound, documents: Documents, outputs: atomic.OutputSet) -> None:
    """Step 4: every staged output replaces its previous file, all together or none (see
    :class:`dossier.atomic.OutputSet`); then the record of what they were made from."""
    project = planned.project
    out_dir = project.output_dir
    outputs.commit()
    # Recorded only once every output is in place: a build that stopped half-way leaves a
    # record that matches nothing, so the next one starts from scratch.
    atomic.write_text(project.state_dir / STATE_NAME, json.dumps({
        "version": STATE_VERSION, "dossier_key": bound.dossier_key, "sources": bound.hashes,
        "pdf": _stat(out_dir / PDF_NAME), "documents_key": documents.key,
        "documents": {name: _stat(out_dir / name) for name in (*DOC_NAMES, MANIFEST_NAME)},
        "notice_key": documents.notice_key, "notice": _stat(out_dir / NOTICE_NAME),
    }, ensure_ascii=False, indent=1))


def _refuse_undecodable_root(root: Path) -> None:
    # A folder unzipped from a Windows zip keeps its GBK bytes; LibreOffice and the PDF tools
    # cannot be handed such a path, so the clerk is told once instead of a failure half-way.
    try:
        str(root).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(root).encode("utf-8", "surrogateescape").decode("gbk", "replace")
        raise OutputError(f"项目文件夹的名称不是有效的 UTF-8 编码（看起来是从 Windows 压缩包解压的 GBK 名称“{shown}”），"
                          "无法生成申报材料；请把文件夹改为正常的中文名称后再运行（可用 unzip -O GBK 重新解压）") from None


def build(project_dir: Path | str, *, strict: bool = False, dividers: bool = True,
          progress: Progress | None = None, draft: bool = False, pdfa: bool = False) -> BuildResult:
    """Build the packet under 输出/: plan → bind or reuse → documents → commit. Raises
    BuildRefused (exit 1, nothing written) with ``strict`` while check finds gaps, ProjectBusy
    while another run holds the project, OutputError when an output cannot be replaced (then
    none is)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    project, catalog = project_lib.open_project(project_dir)
    _refuse_undecodable_root(project.root)
    if not draft:
        # A placeholder (某某, a scaffold default) would be printed in what the county signs:
        # refused before anything is read or written; --draft lets the clerk look anyway.
        from dossier.documents.placeholders import refuse_placeholders

        refuse_placeholders(project)
    with lock.project_lock(project, reentrant=True):
        scratch.clean_stale(project)
        planned = plan_build(project, catalog, strict=strict, dividers=dividers, progress=progress, draft=draft)
        seconds["索引和检查"] = time.perf_counter() - clock
        previous = _load_state(project)
        workdir = scratch.workdir(project, "build-")
        try:
            with atomic.OutputSet() as outputs:
                bound = bind_or_reuse(planned, outputs, previous, workdir, progress, pdfa=pdfa)
                seconds.update({k: bound.result.stats.seconds.get(k, 0.0) for k in ("转换", "封面和目录", "装订")})
                if pdfa:
                    seconds["PDF/A"] = bound.result.stats.seconds.get("PDF/A", 0.0)
                clock = time.perf_counter()
                documents = make_documents(planned, bound, outputs, previous, workdir, progress)
                seconds["文书"] = time.perf_counter() - clock
                commit(planned, bound, documents, outputs)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    page_map, stats = bound.result.page_map, bound.result.stats
    outputs_written = tuple(project.output_dir / n for n in (PDF_NAME, *DOC_NAMES, MANIFEST_NAME, NOTICE_NAME)
                            if n != NOTICE_NAME or documents.notice_key)
    return BuildResult(
        outputs=outputs_written, page_map=page_map, report=planned.report, gaps=tuple(planned.gaps),
        total_pages=page_map.front + page_map.body, files_bound=len(page_map.placements),
        left_out=dict(page_map.problems), seconds=seconds, index_reused=planned.index_reused,
        index_read=planned.index_read, conversions_reused=stats.reused,
        conversions_done=stats.converted, stats=stats, dossier=bound.mode, documents_reused=documents.reused,
        pdfa=bound.pdfa)


def _template(project: Project, name: str) -> Path | None:
    written = project.templates.get(name)
    return Path(written) if written else None
