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
from typing import Callable, Iterable

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
            scratch_dir: Path | None = None) -> dict[Path, Converted]:
    """Convert every source to ``target_format`` (``pdf``, ``docx``, ``xlsx``), cached in
    ``cache_dir/<sha256>.<format>``. Never raises for one bad file: its entry carries the error.
    LibreOffice's profile and copies go to ``scratch_dir`` (a project's own scratch folder,
    cleaned by the next run if this one is killed) or the system temp folder."""
    sources = list(dict.fromkeys(Path(s) for s in sources))
    cache_dir.mkdir(parents=True, exist_ok=True)
    results: dict[Path, Converted] = {}
    # Copies of one file under several names (common in county folders) are converted once:
    # they share a staged name and a cache entry.
    copies: dict[str, list[Path]] = {}
    for src in sources:
        digest = (hashes or {}).get(src) or sha256_file(src)
        out = _cached_name(cache_dir, digest, target_format)
        if out.is_file() and out.stat().st_size > 0:
            results[src] = Converted(src, out, True)
            if progress:
                progress(1)
        else:
            copies.setdefault(digest, []).append(src)
    if not copies:
        return results
    exe = soffice()
    if exe is None:
        for same in copies.values():
            results.update((src, Converted(src, None, False, MISSING_MESSAGE)) for src in same)
        return results
    todo = [(same[0], digest) for digest, same in copies.items()]
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


def _fit_sheets_to_width(staged: Path) -> None:
    """Spreadsheets are printed one page wide (landscape when wide), as a clerk would set
    them before printing; otherwise LibreOffice cuts wide tables across pages. Only the
    scratch copy is changed, never the evidence file."""
    try:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter

        wb = load_workbook(staged)
        for ws in wb.worksheets:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            width = sum(ws.column_dimensions[get_column_letter(i)].width or 9
                        for i in range(1, (ws.max_column or 1) + 1))
            if width > 100:
                ws.page_setup.orientation = "landscape"
        wb.save(staged)
    except Exception:  # a workbook openpyxl cannot handle is converted as it is
        return


def _cached_name(cache_dir: Path, digest: str, target_format: str) -> Path:
    return cache_dir / f"{digest}-v{CACHE_VERSION}.{target_format}"


def _filter_for(target_format: str, suffix: str) -> str:
    if target_format == "pdf":
        calc = suffix in (".xlsx", ".xls", ".et", ".ods", ".csv", ".html")  # .html: a sheet saved as web page
        return "pdf:calc_pdf_Export" if calc else "pdf:writer_pdf_Export"
    if target_format == "docx":
        return "docx:MS Word 2007 XML"
    if target_format == "xlsx":
        return "xlsx:Calc MS Excel 2007 XML"
    return target_format


def _convert_batch(exe: str, items: list[tuple[Path, str]], target_format: str, cache_dir: Path,
                   timeout_per_file: float, progress, scratch_dir: Path | None = None) -> dict[Path, Converted]:
    results: dict[Path, Converted] = {}
    # The process id in the name lets the next run tell a killed run's folder from a live one.
    with tempfile.TemporaryDirectory(prefix=f"dossier-soffice-{os.getpid()}-", dir=scratch_dir) as scratch:
        scratch_dir = Path(os.path.abspath(scratch))  # a file URI for the profile needs an absolute path
        profile = scratch_dir / "profile"
        indir, outdir = scratch_dir / "in", scratch_dir / "out"
        indir.mkdir()
        outdir.mkdir()
        by_suffix: dict[str, list[tuple[Path, str, Path]]] = {}
        for src, digest in items:
            alias = _staged_suffix(src)
            staged = indir / f"{digest}{alias}"
            shutil.copyfile(src, staged)
            if alias == ".xlsx" and target_format == "pdf":
                _fit_sheets_to_width(staged)
            by_suffix.setdefault(alias, []).append((src, digest, staged))
        for alias, group in by_suffix.items():
            infilter = [f"--infilter={_IMPORT_FILTERS[alias]}"] if alias in _IMPORT_FILTERS else []
            cmd = [exe, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={profile.resolve().as_uri()}", *infilter,
                   "--convert-to", _filter_for(target_format, alias),
                   "--outdir", str(outdir), *[str(g[2]) for g in group]]
            error = None
            try:
                subprocess.run(cmd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=30 + timeout_per_file * len(group), check=False)
            except subprocess.TimeoutExpired:
                error = "LibreOffice 转换超时（文件可能已损坏或过大）"
            for src, digest, staged in group:
                produced = outdir / f"{staged.stem}.{target_format}"
                if produced.is_file() and produced.stat().st_size > 0:
                    final = _cached_name(cache_dir, digest, target_format)
                    tmp = cache_dir / f".{digest}.{os.getpid()}.tmp"
                    shutil.move(str(produced), tmp)
                    os.replace(tmp, final)
                    results[src] = Converted(src, final, False)
                else:
                    results[src] = Converted(src, None, False, error or "LibreOffice 无法转换此文件（文件可能已损坏或格式不受支持）")
                if progress:
                    progress(1)
    return results
