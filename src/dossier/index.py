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
import multiprocessing
import multiprocessing.connection
import os
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from dossier import assign as assign_lib
from dossier import manifest as manifest_lib
from dossier import store as store_lib
from dossier import suggest as suggest_lib
from dossier.office import sha256_or_empty
from dossier.paths import BAD_NAME, escaped, readable, undecodable
from dossier.records import Assignment, Catalog, EvidenceFile, ManifestProblem, Project, Suggestion

TIME_LIMIT = 60.0
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


@dataclass(frozen=True)
class IndexResult:
    files: tuple[EvidenceFile, ...]
    assignments: tuple[Assignment, ...]
    manifest_problems: tuple[ManifestProblem, ...]
    suggestions: tuple[Suggestion, ...]
    stats: IndexStats = field(default_factory=IndexStats)
    warnings: tuple[str, ...] = ()  # about the project as a whole, e.g. a missing evidence folder

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
        taken = self.assigned_paths
        return tuple(f for f in self.files if f.path not in taken)

    @property
    def errors(self) -> tuple[EvidenceFile, ...]:
        return tuple(f for f in self.files if not f.ok)


@dataclass(frozen=True)
class _Entry:
    disk: str  # project-relative as spelled on disk
    error: str | None = None  # set for entries that must not be opened at all


# --------------------------------------------------------------------------- public


def run_index(project: Project, catalog: Catalog, *, jobs: int | None = None,
              progress: Progress | None = None, time_limit: float = TIME_LIMIT) -> IndexResult:
    """Bring the index up to date with the evidence folder and the manifest; return everything
    the later stages need. Raises :class:`dossier.store.ProjectBusy` when another run holds the project."""
    started = time.perf_counter()
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
        if not resolved.paths and not (root / project.evidence_dir).is_dir():
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

        files = sorted(store.files() + walk_errors, key=lambda f: f.path)
        unopened = {w.path for w in walk_errors}
        by_names, name_problems = assign_lib.name_assignments(catalog, [f.path for f in files if f.path not in unopened])
        assignments = assign_lib.combine(resolved.assignments, by_names)
        taken = {a.path for a in assignments}
        if project.narrative_file:  # the 基本情况 text for the 申报表 is not evidence to place
            taken.add(project.narrative_file.replace("\\", "/"))
        suggestions = _suggestions(store, catalog, [f for f in files if f.ok and f.path not in taken])

    all_problems = tuple(problems) + resolved.problems + tuple(name_problems)
    stats = IndexStats(read=len(to_read), reused=reused, removed=removed,
                       errors=sum(1 for f in files if not f.ok), pages=sum(f.pages or 0 for f in files if f.ok),
                       seconds=round(time.perf_counter() - started, 3))
    warnings = ()
    if not (root / project.evidence_dir).is_dir():
        warnings = (f"材料文件夹 {project.evidence_dir}/ 不存在，只读取了材料清单中列出的文件",)
    return IndexResult(tuple(files), assignments, all_problems, tuple(suggestions), stats, warnings)


def load_index(project: Project, catalog: Catalog) -> IndexResult:
    """What ``check``, ``render`` and ``build`` call: an incremental run without progress."""
    return run_index(project, catalog)


def search(project: Project, terms: list[str], *, limit: int = 200) -> list[store_lib.SearchHit]:
    """Pages of indexed files containing every term. Run :func:`run_index` first."""
    with store_lib.open_store(project.state_dir) as store:
        return store.search(terms, limit=limit)


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
        if undecodable(rel):
            shown = readable(rel)
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


def _worker(conn, root: Path, legacy_cache: Path | None) -> None:
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        number, disk = task
        conn.send((number, _read_one(root, disk, legacy_cache)))


def _context():
    # fork starts a worker in milliseconds and inherits the loaded readers; spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


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
        proc = ctx.Process(target=_worker, args=(child, root, legacy_cache), daemon=True)
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
                    finished.append(retire(conn, "读取此文件时程序异常退出，文件可能已损坏"))
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
