"""LibreOffice, headless and batched: Word/Excel/WPS → PDF (or legacy → modern formats).

One ``soffice`` process converts many files (≈0.26 s a file, against ≈1.6 s when called
once per file). Results are cached by the source's content hash, so an unchanged file is
never converted twice. Every conversion uses dossier's fontconfig file, which maps the
official 公文 font names (仿宋_GB2312, 方正小标宋简体, …) to fonts installed on Linux.
Evidence files are never handed to LibreOffice in place: each is copied under a neutral
name into a scratch folder, so two files with the same name cannot collide and the
original cannot be touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Mapping

SOFFICE_NAMES = ("soffice", "libreoffice")
# Part of every cached file's name: raise it when conversion changes its output, so old
# cache entries are not reused.
CACHE_VERSION = 2
MISSING_MESSAGE = "未安装 LibreOffice，无法转换此文件（请安装 libreoffice-writer 和 libreoffice-calc）"


def soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def fonts_conf() -> Path:
    return Path(str(resources.files("dossier").joinpath("fonts", "fonts.conf")))


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(fonts_conf())
    env.setdefault("HOME", tempfile.gettempdir())
    env["SAL_USE_VCLPLUGIN"] = "svp"
    return env


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_or_empty(path: Path) -> str:
    """The content hash, or "" for a file that cannot be read (it is reported elsewhere)."""
    try:
        return sha256_file(path)
    except OSError:
        return ""


@dataclass(frozen=True)
class Converted:
    source: Path
    output: Path | None  # None when conversion failed
    cached: bool
    error: str | None = None


def convert(sources: Iterable[Path], target_format: str, cache_dir: Path, *,
            hashes: dict[Path, str] | None = None, instances: int = 2, timeout_per_file: float = 60,
            progress: Callable[[int], None] | None = None,
            scratch_dir: Path | None = None, titles: Mapping[Path, str] | None = None) -> dict[Path, Converted]:
    """Convert every source to ``target_format`` (``pdf``, ``docx``, ``xlsx``), cached in
    ``cache_dir/<sha256>.<format>``. Never raises for one bad file: its entry carries the error.
    LibreOffice's profile and copies go to ``scratch_dir`` (a project's own scratch folder,
    cleaned by the next run if this one is killed) or the system temp folder.

    A spreadsheet printed to PDF gets dossier's page setup (``set_up_sheets``), with its
    ``titles`` entry printed on every page; the title and the setup's version are part of
    its cache name."""
    titles = titles or {}
    sources = list(dict.fromkeys(Path(s) for s in sources))
    cache_dir.mkdir(parents=True, exist_ok=True)
    results: dict[Path, Converted] = {}
    # Copies of one file under several names (common in county folders) are converted once:
    # they share a staged name and a cache entry.
    copies: dict[Path, list[Path]] = {}  # keyed by the cache name
    jobs: dict[Path, tuple[str, str]] = {}  # source → (digest, sheet title)
    for src in sources:
        digest = (hashes or {}).get(src) or sha256_file(src)
        title = titles.get(src, "") if _is_sheet(src, target_format) else None
        out = _cached_name(cache_dir, digest, target_format, title)
        jobs[src] = (digest, title)
        if out.is_file() and out.stat().st_size > 0:
            results[src] = Converted(src, out, True)
            if progress:
                progress(1)
        else:
            copies.setdefault(out, []).append(src)
    if not copies:
        return results
    exe = soffice()
    if exe is None:
        for same in copies.values():
            results.update((src, Converted(src, None, False, MISSING_MESSAGE)) for src in same)
        return results
    todo = [(same[0], *jobs[same[0]]) for same in copies.values()]
    # Several instances on separate profiles convert in parallel; each takes a share.
    shares = [todo[i::max(1, instances)] for i in range(max(1, min(instances, len(todo))))]
    with ThreadPoolExecutor(len(shares)) as pool:
        for part in pool.map(lambda share: _convert_batch(exe, share, target_format, cache_dir,
                                                          timeout_per_file, progress, scratch_dir), shares):
            results.update(part)
    for same in copies.values():
        first = results[same[0]]
        results.update((src, Converted(src, first.output, first.cached, first.error)) for src in same[1:])
        if progress and len(same) > 1:
            progress(len(same) - 1)
    return results


# Without an explicit import filter LibreOffice opens any unreadable file as plain text
# and "converts" it; with one, a corrupt file fails and is reported.
_IMPORT_FILTERS = {".docx": "MS Word 2007 XML", ".doc": "MS Word 97", ".xlsx": "Calc MS Excel 2007 XML",
                   ".xls": "MS Excel 97",
                   # A web system's "Excel export" is an HTML table saved as .xls: open it in Calc,
                   # as Excel does, not in Writer/Web (which can export neither .xlsx nor a sheet PDF).
                   ".html": "HTML (StarCalc)"}


def _staged_suffix(src: Path) -> str:
    """The suffix LibreOffice should see: .wps/.et are Word/Excel 97 files under another name;
    a "Word file" that is really RTF or HTML (common in county offices) is staged as such."""
    suffix = {".wps": ".doc", ".et": ".xls"}.get(src.suffix.lower(), src.suffix.lower())
    try:
        with open(src, "rb") as f:
            head = f.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return suffix
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head[:1] == b"<" or head.startswith(b"MIME-Version"):
        return ".htm" if suffix in (".doc", ".docx") else ".html"
    return suffix


# ---------------------------------------------------------------------------- spreadsheet pages
#
# A sheet in the 汇编 must stay readable (issue 11): every printed page carries the file's
# title, and no character prints below 9 pt. The binder then shrinks each page a little to
# keep its footer band free (×0.93 on landscape A4), so LibreOffice must print ≥ 9.7 pt.
SHEET_SETUP_VERSION = 2  # part of a sheet's cache name: raise it when the page setup changes
MIN_PRINTED_PT = 9.0
SHEET_HEADER_PT = 11.0  # the title printed in the page header, as printed
_SHEET_SUFFIXES = (".xlsx", ".xls", ".html")  # as staged; .et is staged as .xls
# Column width in points per Excel width unit, per point of the workbook's default font size
# (measured in LibreOffice 7.4: Calibri 11 → 7.0 pt, Calibri 16 → 10.2 pt, 宋体 12 → 6.75 pt,
# 宋体 9 → 5.05 pt).
_WIDTH_PT_PER_UNIT_AND_SIZE = {"calibri": 0.637, "宋体": 0.5625, "simsun": 0.5625, "新宋体": 0.5625}
_WIDTH_PT_OTHER = 0.62
# LibreOffice's own fit-to-width is used only when our estimate of its scale keeps this much
# to spare; otherwise the scale is set explicitly, a little under the estimate (never below
# the 9 pt floor).
_FIT_SPARE = 1.15
_ESTIMATE_ERROR = 1.04
_MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.9, "bottom": 0.6, "header": 0.35, "footer": 0.3}
_MIN_SIDE_IN = 0.2
_KEY_COLUMN_UNITS = 12  # a first column this narrow (序号, 姓名) repeats on every page column


def min_sheet_point_size() -> float:
    """The smallest size LibreOffice may print a sheet's text at, so that it is still 9 pt
    after the binder has fitted the page above its footer band."""
    from dossier.binder.geometry import A4, FOOTER_BAND

    shrink = (A4[0] - FOOTER_BAND) / A4[0]  # landscape A4: the tighter of the two orientations
    return MIN_PRINTED_PT / shrink


def _norm_text(value) -> str:
    return "".join(str(value).split())


def _sheet_facts(ws) -> dict | None:
    """What the page setup needs of one worksheet: used columns, smallest font, its header
    row(s) and whether its first rows already print a title. None for an empty sheet."""
    last_col = 0
    smallest = None
    rows: dict[int, list] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            last_col = max(last_col, cell.column)
            size = cell.font.sz if cell.font is not None and cell.font.sz else None
            if size:
                smallest = size if smallest is None else min(smallest, float(size))
            if cell.row <= 12:
                rows.setdefault(cell.row, []).append(cell)
    if not last_col:
        return None
    return {"last_col": last_col, "smallest": smallest, "rows": rows}


def _content_width_pt(ws, last_col: int, default_size: float, default_font: str = "") -> float:
    from openpyxl.utils import column_index_from_string

    fmt = ws.sheet_format
    default = fmt.defaultColWidth or ((fmt.baseColWidth or 8) + 0.71)
    widths = {}
    for key, dim in ws.column_dimensions.items():
        lo = dim.min or column_index_from_string(key)
        hi = dim.max or lo
        for i in range(lo, min(hi, last_col) + 1):
            widths[i] = 0.0 if dim.hidden else float(dim.width or default)
    units = sum(widths.get(i, default) for i in range(1, last_col + 1))
    per_size = _WIDTH_PT_PER_UNIT_AND_SIZE.get((default_font or "").strip().lower(), _WIDTH_PT_OTHER)
    return units * per_size * default_size


def _header_rows(ws, facts: dict) -> tuple[int, int] | None:
    """The table's column-header row(s): the first of the top rows filling most used columns,
    extended over cells merged downwards from it."""
    need = max(2, int(0.6 * facts["last_col"] + 0.5))
    for r in sorted(facts["rows"]):
        if len(facts["rows"][r]) >= need:
            end = r
            for merged in ws.merged_cells.ranges:
                if merged.min_row == r and merged.max_row > end and merged.max_row - r < 4:
                    end = merged.max_row
            return r, end
    return None


def _prints_title(facts: dict, title: str) -> bool:
    """Does one of the sheet's first three rows already print the file's title?"""
    want = _norm_text(title)
    for r in sorted(facts["rows"])[:3]:
        text = "".join(_norm_text(c.value) for c in facts["rows"][r])
        if len(text) >= 4 and (text in want or want in text):
            return True
    return False


def set_up_sheets(staged: Path, title: str = "", *, force_floor: bool = False) -> bool:
    """Set the page setup of a scratch copy of a workbook so that it prints as a clerk
    would print it for the province (never the evidence file itself):

    - A4, landscape when the table is wider than a portrait page;
    - one page wide while the smallest font stays ≥ 9 pt in the 汇编; a table that would
      have to shrink further is printed at the 9 pt floor and split into page columns;
    - its column-header rows repeat on every page, and the file's title is printed in the
      page header of every page that does not already print it (page 1 usually does).

    ``force_floor`` sets the floor scale explicitly (used when LibreOffice's own fit turned
    out smaller than estimated). Returns whether any sheet was left to LibreOffice's fit (only
    then can its output fall below the floor)."""
    fitted = False
    try:
        from openpyxl import load_workbook
        from openpyxl.styles import Alignment
        from openpyxl.worksheet.page import PageMargins

        wb = load_workbook(staged)
    except Exception:  # a workbook openpyxl cannot handle is converted as it is
        return False
    try:  # the workbook's default (Normal style) font sets the unit of its column widths
        default_size = float(wb._fonts[0].sz or 11) if wb._fonts else 11.0
        default_font = str(wb._fonts[0].name or "") if wb._fonts else ""
    except (AttributeError, TypeError, ValueError):
        default_size, default_font = 11.0, ""
    floor_pt = min_sheet_point_size()
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        facts = _sheet_facts(ws)
        if facts is None:
            continue
        # "Shrink to fit" cells would print smaller than their font: the floor must hold.
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style and cell.alignment is not None and cell.alignment.shrink_to_fit:
                    al = cell.alignment
                    cell.alignment = Alignment(horizontal=al.horizontal, vertical=al.vertical,
                                               wrap_text=al.wrap_text, indent=al.indent,
                                               text_rotation=al.text_rotation, shrink_to_fit=False)
        smallest = facts["smallest"] or default_size
        # Percent, rounded up; small type is enlarged (Excel allows up to 400 %).
        floor = min(400, max(10, int(-(-floor_pt * 100 // smallest))))
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        ws.page_margins = PageMargins(**_MARGINS_IN)
        width = _content_width_pt(ws, facts["last_col"], default_size, default_font)
        portrait = 595.28 - 72 * (_MARGINS_IN["left"] + _MARGINS_IN["right"])
        landscape = 841.89 - 72 * (_MARGINS_IN["left"] + _MARGINS_IN["right"])
        setup.orientation = "landscape" if width > portrait else "portrait"
        printable = landscape if width > portrait else portrait
        estimate = 100 * printable / width if width else 100
        fits = estimate >= 100 or (estimate >= floor * _FIT_SPARE and not force_floor)
        fitted_here = False
        if estimate >= 100 or floor >= 100:
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            setup.scale = max(100, floor)
            fits = width * setup.scale / 100 <= printable
        elif fits:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth, setup.fitToHeight = 1, 0
            fitted = fitted_here = True
        else:
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            setup.scale = max(floor, min(100, int(estimate / _ESTIMATE_ERROR)))
        if not fits:
            # A table only a little too wide at this scale gets narrower side margins rather
            # than a page column holding one cut-off column.
            page_w = 841.89 if setup.orientation == "landscape" else 595.28
            needed = width * setup.scale / 100 * 1.02
            side = (page_w - needed) / 2 / 72
            if needed > printable and side >= _MIN_SIDE_IN:
                ws.page_margins.left = ws.page_margins.right = round(side, 3)
                printable = needed
                fits = True
        header = _header_rows(ws, facts)
        if header:
            ws.print_title_rows = f"{header[0]}:{header[1]}"
            split = not fits and width * setup.scale / 100 > printable
            first = ws.column_dimensions["A"].width if "A" in ws.column_dimensions else None
            # Not when rows above the header print in column A (a title, 编制单位): they would be cut.
            above = any(c.column == 1 for r, cells in facts["rows"].items() if r < header[0] for c in cells)
            if split and (first or 9) <= _KEY_COLUMN_UNITS and not above:
                ws.print_title_cols = "A:A"  # which row a continuation page column belongs to
        if title:
            hf = ws.HeaderFooter
            hf.scaleWithDoc = False
            ws.oddHeader.center.text = title.replace("&", "&&")
            # LibreOffice scales the header with the sheet: sized so that it prints at 11 pt
            # (at the floor when LibreOffice fits the width; it never fits below it).
            used = floor if fitted_here else setup.scale
            ws.oddHeader.center.size = max(6, round(SHEET_HEADER_PT * 100 / max(used, 10)))
            ws.oddHeader.center.font = "宋体,常规"
            ws.evenHeader.center.text = None
            hf.differentOddEven = False
            if _prints_title(facts, title):
                hf.differentFirst = True
                ws.firstHeader.center.text = None
            else:
                hf.differentFirst = False
    try:
        wb.save(staged)
    except Exception:
        return False
    return fitted


def too_small(pdf: Path) -> bool:
    """Does any character of a converted sheet print below the floor?"""
    import pdfplumber

    floor = min_sheet_point_size() - 0.05
    try:
        with pdfplumber.open(pdf) as doc:
            return any(c["size"] < floor for page in doc.pages for c in page.chars if c["text"].strip())
    except Exception:
        return False


def _is_sheet(src: Path, target_format: str) -> bool:
    return target_format == "pdf" and _staged_suffix(src) in _SHEET_SUFFIXES


def _cached_name(cache_dir: Path, digest: str, target_format: str, sheet_title: str | None = None) -> Path:
    if sheet_title is None:
        return cache_dir / f"{digest}-v{CACHE_VERSION}.{target_format}"
    # A sheet's pages depend on dossier's page setup and on the title printed on them.
    setup = hashlib.sha256(f"{SHEET_SETUP_VERSION}\n{sheet_title}".encode()).hexdigest()[:16]
    return cache_dir / f"{digest}-sheet{setup}-v{CACHE_VERSION}.{target_format}"


def _filter_for(target_format: str, suffix: str) -> str:
    if target_format == "pdf":
        calc = suffix in (".xlsx", ".xls", ".et", ".ods", ".csv", ".html")  # .html: a sheet saved as web page
        return "pdf:calc_pdf_Export" if calc else "pdf:writer_pdf_Export"
    if target_format == "docx":
        return "docx:MS Word 2007 XML"
    if target_format == "xlsx":
        return "xlsx:Calc MS Excel 2007 XML"
    return target_format


def _run(exe: str, profile: Path, alias: str, files: list[Path], target_filter: str, outdir: Path,
         timeout: float) -> str | None:
    """One LibreOffice call converting ``files`` (all staged with suffix ``alias``); the error
    message when it timed out."""
    infilter = [f"--infilter={_IMPORT_FILTERS[alias]}"] if alias in _IMPORT_FILTERS else []
    cmd = [exe, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
           f"-env:UserInstallation={profile.resolve().as_uri()}", *infilter,
           "--convert-to", target_filter, "--outdir", str(outdir), *[str(f) for f in files]]
    try:
        subprocess.run(cmd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=30 + timeout * len(files), check=False)
    except subprocess.TimeoutExpired:
        return "LibreOffice 转换超时（文件可能已损坏或过大）"
    return None


def _stage_sheets(exe: str, profile: Path, group: list[list], scratch: Path, timeout: float) -> None:
    """Legacy and web-page sheets (.xls/.et/.html) become .xlsx first (one LibreOffice call), so
    the page setup can be set on them; one that cannot is converted as it is."""
    legacy = [item for item in group if item[3].suffix != ".xlsx"]
    if not legacy:
        return
    modern = scratch / "modern"
    modern.mkdir(exist_ok=True)
    by_alias: dict[str, list[list]] = {}
    for item in legacy:
        by_alias.setdefault(item[3].suffix, []).append(item)
    for alias, items in by_alias.items():
        _run(exe, profile, alias, [i[3] for i in items], _filter_for("xlsx", alias), modern, timeout)
        for item in items:
            made = modern / f"{item[3].stem}.xlsx"
            if made.is_file() and made.stat().st_size > 0:
                item[3] = made


def _convert_batch(exe: str, items: list[tuple[Path, str, str | None]], target_format: str, cache_dir: Path,
                   timeout_per_file: float, progress, scratch_dir: Path | None = None) -> dict[Path, Converted]:
    results: dict[Path, Converted] = {}
    # The process id in the name lets the next run tell a killed run's folder from a live one.
    with tempfile.TemporaryDirectory(prefix=f"dossier-soffice-{os.getpid()}-", dir=scratch_dir) as scratch:
        scratch_dir = Path(os.path.abspath(scratch))  # a file URI for the profile needs an absolute path
        profile = scratch_dir / "profile"
        indir, outdir = scratch_dir / "in", scratch_dir / "out"
        indir.mkdir()
        outdir.mkdir()
        staged_items: list[list] = []  # [src, digest, sheet title or None, staged path]
        for n, (src, digest, title) in enumerate(items):
            # Two titles for one content are two conversions: the staged names must differ.
            staged = indir / f"{digest}-{n}{_staged_suffix(src)}"
            shutil.copyfile(src, staged)
            staged_items.append([src, digest, title, staged])
        sheets = [item for item in staged_items if item[2] is not None]
        if sheets:
            _stage_sheets(exe, profile, sheets, scratch_dir, timeout_per_file)
            fitted = {item[0] for item in sheets if item[3].suffix == ".xlsx" and set_up_sheets(item[3], item[2])}
        else:
            fitted = set()
        done = _convert_staged(exe, profile, staged_items, target_format, outdir, timeout_per_file)
        # A sheet LibreOffice fitted smaller than estimated is printed again at the 9 pt floor.
        again = [item for item in sheets if item[0] in fitted and done[item[0]][0] is not None
                 and too_small(done[item[0]][0])]
        if again:
            redo = scratch_dir / "again"
            redo.mkdir()
            for item in again:
                copy = redo / item[3].name
                shutil.copyfile(item[3], copy)
                set_up_sheets(copy, item[2], force_floor=True)
                item[3] = copy
            redone = _convert_staged(exe, profile, again, target_format, redo / "out", timeout_per_file)
            done.update((k, v) for k, v in redone.items() if v[0] is not None)
        for src, digest, title, staged in staged_items:
            produced, error = done[src]
            if produced is not None:
                final = _cached_name(cache_dir, digest, target_format, title)
                tmp = cache_dir / f".{digest}.{os.getpid()}.tmp"
                shutil.move(str(produced), tmp)
                os.replace(tmp, final)
                results[src] = Converted(src, final, False)
            else:
                results[src] = Converted(src, None, False, error or "LibreOffice 无法转换此文件（文件可能已损坏或格式不受支持）")
            if progress:
                progress(1)
    return results


def _convert_staged(exe: str, profile: Path, staged_items: list[list], target_format: str, outdir: Path,
                    timeout: float) -> dict[Path, tuple[Path | None, str | None]]:
    """Convert staged copies, one LibreOffice call per suffix: source → (produced file, error)."""
    outdir.mkdir(exist_ok=True)
    by_suffix: dict[str, list[list]] = {}
    for item in staged_items:
        by_suffix.setdefault(item[3].suffix, []).append(item)
    out: dict[Path, tuple[Path | None, str | None]] = {}
    for alias, group in by_suffix.items():
        error = _run(exe, profile, alias, [g[3] for g in group], _filter_for(target_format, alias), outdir, timeout)
        for item in group:
            produced = outdir / f"{item[3].stem}.{target_format}"
            out[item[0]] = (produced, None) if produced.is_file() and produced.stat().st_size > 0 else (None, error)
    return out
