"""``dossier index``: read every evidence file once, remember it, assign it to standards.

A second run over an unchanged folder only walks it and compares sizes and mtimes with
the index (a changed mtime with an unchanged sha256 is not read either). Files are read
in worker processes, one file at a time each, so a file that hangs a reader can be
killed after :data:`TIME_LIMIT` seconds without losing the others. Assignments and
suggestions are re-derived on every run from the manifest, the names and the stored
facts — cheap, so a changed manifest or catalog never needs a file read again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

from dossier import assign as assign_lib
from dossier import manifest as manifest_lib
from dossier import store as store_lib
from dossier import suggest as suggest_lib
from dossier.office import sha256_or_empty
from dossier.paths import BAD_NAME, ODD_NAME, escaped, odd, readable, undecodable, visible
from dossier.records import Assignment, Catalog, EvidenceFile, ManifestProblem, Project, Suggestion

TIME_LIMIT = 60.0
IN_PROCESS_PAGES = 2  # up to this many pages to OCR are recognised without worker processes
# What one file may cost a reader worker on top of what the worker already holds: a fixed
# allowance plus a few times the file's own size (read whole, then parsed). A PDF whose
# content stream inflates without end (1 MB → 2 GB) stops at the limit and is reported,
# instead of taking a clerk's office PC down with it.
MEMORY_BASE = 1 << 30
MEMORY_PER_BYTE = 4
LEGACY_SUFFIXES = (".doc", ".wps", ".xls", ".et")
# Files the operating system or Office leaves beside documents; never evidence.
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
OUTSIDE_LINK = "符号链接指向材料文件夹之外，出于安全考虑未读取（请把文件本身复制到材料文件夹中）"
NO_PERMISSION_DIR = "没有读取此文件夹的权限，其中的文件未读取"

# progress(phase, done, total): phase is "convert" (legacy files through LibreOffice) or "read".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndexStats:
    read: int = 0  # files read this run
    reused: int = 0  # files taken from the index unread
    removed: int = 0  # files that left the folder since the last run
    errors: int = 0  # files that cannot be used (unreadable, unsupported, outside links)
    pages: int = 0
    seconds: float = 0.0
    ocr_pages: int = 0  # pages recognised by OCR this run (cached results not counted)
    ocr_seconds: float = 0.0


@dataclass(frozen=True)
class IndexResult:
    files: tuple[EvidenceFile, ...]
    assignments: tuple[Assignment, ...]
    manifest_problems: tuple[ManifestProblem, ...]
    suggestions: tuple[Suggestion, ...]
    stats: IndexStats = field(default_factory=IndexStats)
    warnings: tuple[str, ...] = ()  # about the project as a whole, e.g. a missing evidence folder
    # An identical copy (same content) → the file it is counted and bound as.
    duplicates: Mapping[str, str] = field(default_factory=dict)

    def file(self, path: str) -> EvidenceFile | None:
        return next((f for f in self.files if f.path == path), None)

    def assigned(self, path: str) -> tuple[str, ...]:
        """IDs ``path`` is assigned to, in catalog order."""
        return tuple(dict.fromkeys(a.indicator for a in self.assignments if a.path == path))

    @property
    def assigned_paths(self) -> frozenset[str]:
        return frozenset(a.path for a in self.assignments)

    @property
    def unassigned(self) -> tuple[EvidenceFile, ...]:
        """Files assigned to nothing; an identical copy of another file is not one of them."""
        taken = self.assigned_paths
        return tuple(f for f in self.files if f.path not in taken and f.path not in self.duplicates)

    @property
    def errors(self) -> tuple[EvidenceFile, ...]:
        return tuple(f for f in self.files if not f.ok)


@dataclass(frozen=True)
class _Entry:
    disk: str  # project-relative as spelled on disk
    error: str | None = None  # set for entries that must not be opened at all


# --------------------------------------------------------------------------- public


def run_index(project: Project, catalog: Catalog, *, jobs: int | None = None,
              progress: Progress | None = None, time_limit: float = TIME_LIMIT,
              ocr: bool | None = None) -> IndexResult:
    """Bring the index up to date with the evidence folder and the manifest; return everything
    the later stages need. Raises :class:`dossier.store.ProjectBusy` when another run holds the project.

    ``ocr``: recognise pages without a text layer (default: the project's ``ocr`` setting)."""
    started = time.perf_counter()
    use_ocr = project.ocr if ocr is None else bool(ocr)
    progress = progress if callable(progress) else None  # progress=True/False from callers expecting a flag
    root = project.root
    state = project.state_dir
    with store_lib.project_lock(state), store_lib.open_store(state) as store:
        entries = walk(project)
        rows, problems = manifest_lib.read_manifests(root)
        known = {rel: e.disk for rel, e in entries.items() if e.error is None}
        resolved = assign_lib.resolve_manifest(project, catalog, rows, known)
        for rel, disk in resolved.paths.items():
            if rel not in entries:
                entries[rel] = _Entry(disk)
        evidence_root = root / project.evidence_dir
        if evidence_root.exists() and not evidence_root.is_dir() or not resolved.paths and not evidence_root.is_dir():
            # Nothing to read at all: a typo in evidence_dir, not a county without evidence.
            from dossier.project import missing_evidence_dir

            raise missing_evidence_dir(project)

        fingerprint = reader_fingerprint()
        if store.meta("reader_fingerprint") != fingerprint:
            # New reader code may read differently: forget what the old code found, including
            # the conversions it failed (the fix may be exactly for those).
            store.remove(list(store.stamps()))
            for marker in (state / "legacy").glob("*.failed"):
                marker.unlink(missing_ok=True)
            store.set_meta("reader_fingerprint", fingerprint)
        mode = "on" if use_ocr else "off"
        if store.meta("ocr") != mode:
            if not use_ocr:
                # OCR turned off: files whose facts came partly from OCR are read again without it
                # (the recognised pages stay cached by content for when it is turned back on).
                store.remove(store.ocr_touched())
            store.set_meta("ocr", mode)
        stamps = store.stamps()
        removed = store.remove(p for p in stamps if p not in entries or entries[p].error is not None)
        to_read: list[tuple[str, str, os.stat_result]] = []
        reused = 0
        walk_errors: list[EvidenceFile] = []
        for rel, entry in sorted(entries.items()):
            if entry.error is not None:
                walk_errors.append(EvidenceFile(path=rel, sha256="", size=0, mtime=0.0, format="unsupported",
                                                error=entry.error))
                continue
            try:
                st = os.stat(root / entry.disk)
            except OSError:
                st = None
            old = stamps.get(rel)
            if st is not None and old is not None:
                if old.size == st.st_size and old.mtime_ns == st.st_mtime_ns and old.disk_path == entry.disk:
                    reused += 1
                    continue
                if old.size == st.st_size and sha256_or_empty(root / entry.disk) == old.sha256:
                    store.touch(rel, disk_path=entry.disk, size=st.st_size, mtime=st.st_mtime,
                                mtime_ns=st.st_mtime_ns)
                    reused += 1
                    continue
            to_read.append((rel, entry.disk, st))

        if to_read:
            cache = state / "legacy"
            _convert_legacy(root, [d for _, d, _ in to_read if d.lower().endswith(LEGACY_SUFFIXES)], cache, progress)
            disks = [d for _, d, _ in to_read]
            # Each file is committed as it arrives: an interrupted run keeps what it read.
            for number, ef in iter_read(root, disks, legacy_cache=cache, jobs=jobs, time_limit=time_limit,
                                        progress=progress):
                rel, disk, st = to_read[number]
                size = st.st_size if st is not None else ef.size
                mtime = st.st_mtime if st is not None else ef.mtime
                ef = store_lib.with_path(ef, rel, size=size, mtime=mtime)
                store.put_file(ef, disk_path=disk, mtime_ns=st.st_mtime_ns if st is not None else 0)

        ocr_stats = (0, 0.0)
        ocr_warning = None
        if use_ocr:
            ocr_stats, ocr_warning = ocr_stage(store, root, jobs=jobs, progress=progress)

        files = sorted(store.files() + walk_errors, key=lambda f: f.path)
        unopened = {w.path for w in walk_errors}
        by_names, name_problems = assign_lib.name_assignments(catalog, [f.path for f in files if f.path not in unopened])
        assignments = assign_lib.combine(resolved.assignments, by_names)
        assignments, duplicates = assign_lib.collapse_copies(assignments, files)
        taken = {a.path for a in assignments} | set(duplicates)
        if project.narrative_file:  # the 基本情况 text for the 申报表 is not evidence to place
            taken.add(project.narrative_file.replace("\\", "/"))
        suggestions = _suggestions(store, catalog, [f for f in files if f.ok and f.path not in taken])

    all_problems = tuple(problems) + resolved.problems + tuple(name_problems)
    stats = IndexStats(read=len(to_read), reused=reused, removed=removed,
                       errors=sum(1 for f in files if not f.ok), pages=sum(f.pages or 0 for f in files if f.ok),
                       seconds=round(time.perf_counter() - started, 3), ocr_pages=ocr_stats[0],
                       ocr_seconds=round(ocr_stats[1], 3))
    warnings = (ocr_warning,) if ocr_warning else ()
    if not (root / project.evidence_dir).is_dir():
        warnings += (f"材料文件夹 {project.evidence_dir}/ 不存在，只读取了材料清单中列出的文件",)
    return IndexResult(tuple(files), assignments, all_problems, tuple(suggestions), stats, warnings, duplicates)


def load_index(project: Project, catalog: Catalog) -> IndexResult:
    """What ``check``, ``render`` and ``build`` call: an incremental run without progress."""
    return run_index(project, catalog)


def search(project: Project, terms: list[str], *, limit: int = 200) -> list[store_lib.SearchHit]:
    """Pages of indexed files containing every term. Run :func:`run_index` first."""
    with store_lib.open_store(project.state_dir) as store:
        return store.search(terms, limit=limit)


# --------------------------------------------------------------------------- OCR


def ocr_stage(store: store_lib.Store, root: Path, *, jobs: int | None = None,
              progress: Progress | None = None) -> tuple[tuple[int, float], str | None]:
    """Recognise every page of the indexed files that has no text layer and is not yet in the
    OCR cache (by content hash), page by page in worker processes, then find each file's facts
    again from its whole text. Returns ((pages recognised, seconds), a warning or None).

    Each worker holds one engine and one page image at a time; onnxruntime's threads per worker
    are set so that the workers share the cores instead of fighting over them. Results are
    committed as they arrive: an interrupted run keeps every page it finished."""
    pending = store.ocr_pending()
    if not pending:
        return (0, 0.0), None  # before the import: numpy and the engine cost a warm run 0.6 s
    from dossier.readers import ocr as ocr_lib

    started = time.perf_counter()
    files = {p: store.file(p) for p in pending}
    results: dict[str, dict[int, ocr_lib.OcrPage]] = {}
    tasks: list[tuple[str, int]] = []
    for path, ef in files.items():
        cached = store.ocr_results(ef.sha256, ocr_lib.ENGINE_NAME)
        results[path] = {}
        for page in ef.scanned_pages:
            if page in cached:
                results[path][page] = ocr_lib.OcrPage.from_json(json.loads(cached[page]))
            else:
                tasks.append((path, page))
    warning = None
    done_pages = 0
    if tasks:
        if not ocr_lib.available():
            return (0, 0.0), "未安装文字识别（OCR）组件 rapidocr/onnxruntime，扫描件和照片中的文字未识别"
        disks = {p: store.disk_path(p) for p in files}
        workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        if progress:
            progress("ocr", 0, len(tasks))

        def arrived(path: str, page: int, data: dict) -> None:
            nonlocal done_pages
            page_result = ocr_lib.OcrPage.from_json(data)
            if not page_result.error:
                store.put_ocr(files[path].sha256, page, ocr_lib.ENGINE_NAME, json.dumps(data, ensure_ascii=False))
            results[path][page] = page_result
            done_pages += 1
            if progress:
                progress("ocr", done_pages, len(tasks))
            if len(results[path]) == len(files[path].scanned_pages):
                _merge_ocr(store, files[path], results[path])

        if len(tasks) <= IN_PROCESS_PAGES or workers == 1:
            # A page or two: starting workers (and loading a model in each) costs more than it saves.
            threads = ocr_lib.configure_threads(1)
            for path, page in tasks:
                arrived(path, page, _ocr_task(str(root / disks[path]), page, files[path].format, threads))
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed
            from concurrent.futures.process import BrokenProcessPool

            threads = ocr_lib.configure_threads(workers)
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=_ocr_context())
            try:
                futures = {pool.submit(_ocr_task, str(root / disks[path]), page, files[path].format, threads):
                           (path, page) for path, page in tasks}
                for future in as_completed(futures):
                    path, page = futures[future]
                    try:
                        data = future.result()
                    except BrokenProcessPool:
                        warning = "文字识别进程异常退出，部分页面未识别；请再次运行 dossier index"
                        break
                    except Exception as e:  # one page's surprise must not stop the others
                        data = ocr_lib.OcrPage(text="", error=f"第 {page} 页识别失败（{type(e).__name__}）").to_json()
                    arrived(path, page, data)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    waiting = {path for path, _ in tasks}
    for path, ef in files.items():
        if path in waiting:
            continue  # merged as its last page arrived (or left for the next run)
        if len(results[path]) == len(ef.scanned_pages):
            _merge_ocr(store, ef, results[path])
    return (done_pages, time.perf_counter() - started), warning


def _merge_ocr(store: store_lib.Store, ef: EvidenceFile, pages: dict) -> None:
    from dossier import readers

    merged = readers.with_ocr(ef, pages)
    store.put_file(merged, disk_path=store.disk_path(ef.path) or ef.path, mtime_ns=store.mtime_ns(ef.path),
                   ocr_done=True)


def _ocr_task(path: str, page: int, fmt: str, threads: int) -> dict:
    from dossier.readers import ocr as ocr_lib

    return ocr_lib.ocr_page_file(Path(path), page, fmt, threads).to_json()


# --------------------------------------------------------------------------- walking


def walk(project: Project) -> dict[str, _Entry]:
    """Every file under the evidence folder, any depth: NFC project-relative path → entry.

    Each real file is read once, under its own name: symbolic links inside the evidence
    folder are not followed (a link to a file or folder that is already there would count
    it twice, a link to a parent loops), and a link leading out of the evidence folder is
    listed with an error and not opened. dossier's own files (输出/, the manifests,
    dossier.yaml, …; see :func:`dossier.assign.not_evidence`) are never evidence. A name
    with bytes no encoding can show is listed under a readable form with an error."""
    root = project.root
    out_dir = project.output_dir.resolve()
    start = root / project.evidence_dir
    entries: dict[str, _Entry] = {}
    if not start.is_dir():
        return entries
    real_start = Path(os.path.realpath(start))
    visited: set[str] = set()

    def rel_of(path: Path) -> tuple[str, str]:
        disk = Path(os.path.relpath(path, root)).as_posix()
        return unicodedata.normalize("NFC", disk), disk

    def add_error(rel: str, disk: str, error: str) -> None:
        if undecodable(rel) or odd(rel):
            shown = visible(readable(rel))
            if shown in entries or os.path.lexists(root / shown):
                shown = escaped(rel)  # the readable spelling names another, real file
            rel = shown
        entries[rel] = _Entry(disk, error)

    def visit(directory: Path) -> None:
        real = os.path.realpath(directory)
        if real in visited:
            return
        visited.add(real)
        try:
            children = sorted(os.scandir(directory), key=lambda d: d.name)
        except OSError:
            rel, disk = rel_of(directory)
            add_error(rel, disk, NO_PERMISSION_DIR)
            return
        for child in children:
            name = child.name
            if name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES:
                continue
            path = Path(child.path)
            rel, disk = rel_of(path)
            if assign_lib.not_evidence(project, rel) is not None:
                continue  # evidence_dir "." must not turn the settings or 输出/ into evidence
            if child.is_symlink():
                target = Path(os.path.realpath(path))
                if target != real_start and real_start not in target.parents:
                    add_error(rel, disk, OUTSIDE_LINK)
                continue  # inside the evidence folder: the target is read under its own name
            try:
                is_dir = child.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if Path(os.path.realpath(path)) == out_dir:
                    continue
                visit(path)
            elif undecodable(rel):
                add_error(rel, disk, BAD_NAME)
            elif odd(rel):
                add_error(rel, disk, ODD_NAME)
            else:
                entries[rel] = _Entry(disk)

    visit(start)
    return entries


def reader_fingerprint() -> str:
    """Changes whenever dossier or its reader code changes (an upgrade, a fix): files read by
    other code are read again rather than trusted."""
    import dossier

    base = Path(dossier.__file__).parent
    parts = [getattr(dossier, "__version__", "")]
    code = [*(base / "readers").glob("*.py"), *(base / "readers").glob("*.yaml"), base / "extract.py",
            base / "dates.py", base / "office.py"]
    for path in sorted(code):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _catalog_fingerprint(catalog: Catalog) -> str:
    if catalog.sha256:
        return catalog.sha256
    # A catalog built in memory has no file hash: fingerprint what suggestions depend on.
    parts = [f"{s.id}:{','.join(s.keywords)}:{','.join(s.kinds)}" for s in catalog.items()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _suggestions(store: store_lib.Store, catalog: Catalog, files: list[EvidenceFile]) -> list[Suggestion]:
    catalog_sha = _catalog_fingerprint(catalog)
    by_path = {f.path: f for f in files}
    needed = store.suggestions_needed(catalog_sha, by_path)
    if needed:
        store.put_suggestions(catalog_sha, {p: suggest_lib.suggest(catalog, by_path[p]) for p in needed})
    return store.suggestions(by_path)


# --------------------------------------------------------------------------- reading


def _convert_legacy(root: Path, disks: list[str], cache: Path, progress: Progress | None) -> None:
    """One batched LibreOffice call for every .doc/.wps/.xls/.et about to be read; the readers
    then find the converted copies in ``cache``."""
    if not disks:
        return
    from dossier import readers

    if progress:
        progress("convert", 0, len(disks))
    try:
        readers.convert_legacy(root, disks, cache)
    except Exception:  # conversion problems surface per file when each is read
        pass
    if progress:
        progress("convert", len(disks), len(disks))


def _read_one(root: Path, disk: str, legacy_cache: Path | None) -> EvidenceFile:
    from dossier import readers

    try:
        return readers.read_file(root, disk, legacy_cache=legacy_cache)
    except Exception as e:  # the readers promise not to raise; a bug must not stop the run
        return _failed(root, disk, f"读取失败（{type(e).__name__}），请检查文件是否完好")


def _failed(root: Path, disk: str, reason: str) -> EvidenceFile:
    try:
        st = os.stat(root / disk)
        size, mtime = st.st_size, st.st_mtime
    except OSError:
        size, mtime = 0, 0.0
    suffix = Path(disk).suffix.lower().lstrip(".")
    return EvidenceFile(path=disk, sha256=sha256_or_empty(root / disk), size=size, mtime=mtime,
                        format=suffix or "unsupported", error=reason)


def _address_space() -> int | None:
    """This process's virtual size in bytes (Linux), or None where it cannot be known."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _limit_memory(root: Path, disk: str, base: int = MEMORY_BASE) -> None:
    """Cap this worker's address space for the next file at what it holds now plus the
    file's allowance. Only workers call this: the limit dies with them."""
    try:
        import resource
    except ImportError:  # Windows: no rlimit; the time limit still applies
        return
    now = _address_space()
    if now is None:
        return
    try:
        size = os.stat(root / disk).st_size
    except OSError:
        size = 0
    from dossier.readers import MAX_IN_MEMORY

    wanted = now + base + MEMORY_PER_BYTE * min(size, MAX_IN_MEMORY)
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        pass


def _worker(conn, root: Path, legacy_cache: Path | None, memory_base: int = MEMORY_BASE) -> None:
    import faulthandler

    # A reader library aborting on a hostile file ends this worker and is reported per file;
    # a C traceback on the clerk's terminal (PYTHONFAULTHANDLER, pytest) would only alarm.
    faulthandler.disable()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        number, disk = task
        _limit_memory(root, disk, memory_base)
        conn.send((number, _read_one(root, disk, legacy_cache)))


def _ocr_context():
    # Never fork for OCR: a process that already ran the engine (a small batch in-process, the
    # workbench, a test session) holds onnxruntime thread pools that a forked child inherits
    # without their threads, and the cached engine then deadlocks in the child. A fresh
    # interpreter per worker costs a second against several seconds per page.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _engine_loaded() -> bool:
    ocr = sys.modules.get("dossier.readers.ocr")
    return bool(ocr and ocr.engine.cache_info().currsize)


def _context():
    # fork starts a worker in milliseconds and inherits the loaded readers; spawn elsewhere,
    # and once this process has run the OCR engine (see _ocr_context: a forked child would
    # inherit onnxruntime's thread pools without their threads and hang on exit).
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not _engine_loaded():
        return multiprocessing.get_context("fork")
    return _ocr_context()


def iter_read(root: Path, disks: list[str], *, legacy_cache: Path | None = None, jobs: int | None = None,
              time_limit: float = TIME_LIMIT, progress: Progress | None = None) -> Iterator[tuple[int, EvidenceFile]]:
    """Yield (position in ``disks``, record) as each file is read, in worker processes. Never
    raises for a file: one that exceeds ``time_limit`` seconds or kills its worker gets an error."""
    total = len(disks)
    if not total:
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, total))
    ctx = _context()
    pending = list(range(total))
    pending.reverse()
    workers: dict[object, dict] = {}  # parent connection → {proc, task, started}
    done = 0

    def spawn() -> None:
        parent, child = ctx.Pipe()
        # The budget is handed over, not read from a global: a forkserver child starts from a
        # fresh import and would not see a changed MEMORY_BASE.
        proc = ctx.Process(target=_worker, args=(child, root, legacy_cache, MEMORY_BASE), daemon=True)
        proc.start()
        child.close()
        workers[parent] = {"proc": proc, "task": None, "started": 0.0}
        feed(parent)

    def feed(conn) -> None:
        w = workers[conn]
        if pending:
            number = pending.pop()
            w["task"], w["started"] = number, time.monotonic()
            conn.send((number, disks[number]))
        else:
            w["task"] = None

    def retire(conn, reason: str) -> tuple[int, EvidenceFile]:
        w = workers.pop(conn)
        if w["proc"].is_alive():
            w["proc"].kill()
        w["proc"].join()
        conn.close()
        if pending:
            spawn()
        return w["task"], _failed(root, disks[w["task"]], reason)

    try:
        if progress:
            progress("read", 0, total)
        for _ in range(jobs):
            spawn()
        while any(w["task"] is not None for w in workers.values()):
            busy = [c for c, w in workers.items() if w["task"] is not None]
            now = time.monotonic()
            wait_for = min(max(0.05, workers[c]["started"] + time_limit - now) for c in busy)
            finished: list[tuple[int, EvidenceFile]] = []
            for conn in multiprocessing.connection.wait(busy, timeout=wait_for):
                try:
                    finished.append(conn.recv())
                except (EOFError, OSError):
                    # The reader crashed its process (a native library on a hostile file).
                    finished.append(retire(conn, "读取此文件时程序异常退出（文件可能已损坏，或读取所需内存超出限制），未计入"))
                    continue
                feed(conn)
            now = time.monotonic()
            for conn in [c for c, w in workers.items() if w["task"] is not None and now - w["started"] > time_limit]:
                finished.append(retire(conn, f"读取超时（超过 {time_limit:g} 秒），已跳过；文件可能已损坏或过于复杂"))
            for item in finished:
                done += 1
                if progress:
                    progress("read", done, total)
                yield item
    finally:
        for conn in list(workers):
            try:
                conn.send(None)
            except OSError:
                pass
        for conn, w in list(workers.items()):
            w["proc"].join(timeout=2)
            if w["proc"].is_alive():
                w["proc"].kill()
                w["proc"].join()
            conn.close()
