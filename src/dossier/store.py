"""The evidence index on disk: the only module that speaks SQL.

One SQLite file per project, ``输出/.dossier/index.sqlite``. It is a cache: a database
that is missing, from another schema version or damaged is rebuilt from the evidence
files, never repaired. WAL mode and one short transaction per file read mean an
interrupted ``dossier index`` leaves everything read so far usable.

Page text lives in a plain table mirrored into an FTS5 index with the ``trigram``
tokenizer, so any Chinese substring of three or more characters is found; shorter
queries fall back to ``LIKE`` (trigram cannot index them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from dossier.errors import OutputError, ProjectBusy  # noqa: F401  (ProjectBusy: re-exported)
from dossier import atomic
from dossier import lock as lock_lib
from dossier.records import EvidenceFile, Suggestion

SCHEMA_VERSION = "2"  # 2: OCR columns and the ocr cache (issue 14)
DB_NAME = "index.sqlite"
LOCK_NAME = lock_lib.LOCK_NAME
BUSY_MESSAGE = lock_lib.BUSY_MESSAGE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,          -- project-relative, NFC, '/'
    disk_path TEXT NOT NULL,        -- as spelled on disk (may be NFD)
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    mtime_ns INTEGER NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    date TEXT,
    date_source TEXT NOT NULL,
    dates TEXT NOT NULL,            -- JSON list of ISO dates
    doc_number TEXT NOT NULL,
    issuer TEXT NOT NULL,
    pages INTEGER,
    scanned INTEGER NOT NULL,
    encrypted INTEGER NOT NULL,
    error TEXT,
    suggested_for TEXT,             -- catalog sha256 the stored suggestions were made with
    scanned_pages TEXT NOT NULL DEFAULT '[]',  -- JSON list of 1-based pages without a text layer
    ocr_pages INTEGER NOT NULL DEFAULT 0,      -- pages whose text came from OCR
    seal INTEGER,                   -- 1/0: a red seal on an OCR'd page; NULL: not looked for
    ocr_done INTEGER NOT NULL DEFAULT 0        -- 1 once the scanned pages' OCR is merged in
);
-- OCR results by content, not by path: a copied, renamed or re-read file is never OCR'd twice.
CREATE TABLE IF NOT EXISTS ocr (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,          -- 1-based
    engine TEXT NOT NULL,           -- readers.ocr.ENGINE_NAME
    result TEXT NOT NULL,           -- JSON of readers.ocr.OcrPage
    PRIMARY KEY (sha256, page, engine)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    page INTEGER NOT NULL,          -- 1-based
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_path ON pages(path);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
    text, content='pages', content_rowid='id', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS pages_ai AFTER INSERT ON pages BEGIN
    INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE IF NOT EXISTS suggestions (
    path TEXT NOT NULL,
    indicator TEXT NOT NULL,
    score REAL NOT NULL,
    words TEXT NOT NULL,            -- JSON list
    rank INTEGER NOT NULL,
    PRIMARY KEY (path, indicator)
);
"""


@dataclass(frozen=True)
class Stamp:
    """What identifies a file's content cheaply: size and mtime; sha256 as a second check."""

    path: str
    disk_path: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class SearchHit:
    path: str
    page: int
    snippet: str  # plain text
    marks: tuple[tuple[int, int], ...]  # highlighted spans in ``snippet`` (start, end)


# --------------------------------------------------------------------------- lock


@contextlib.contextmanager
def project_lock(state_dir: Path) -> Iterator[None]:
    """The project lock (:mod:`dossier.lock`) for the index: a second run is told at once, not
    left waiting behind a run that may take minutes."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(state_dir, os.W_OK):
            raise PermissionError(13, "只读")
    except OSError as e:
        raise OutputError(f"无法在 {state_dir} 中建立索引（{atomic.os_reason(e, state_dir)}）；"
                          "请检查项目文件夹是否可写") from None
    with lock_lib.lock_state_dir(state_dir):
        yield


# --------------------------------------------------------------------------- store


class Store:
    """An open index database. Use :func:`open_store` (a context manager)."""

    def __init__(self, db_path: Path):
        self.path = db_path
        try:
            self.db = self._connect(db_path)
        except (OSError, sqlite3.Error) as e:
            raise OutputError(f"无法打开索引 {db_path}（{e}）；请检查项目文件夹是否可写") from None

    @staticmethod
    def _connect(db_path: Path) -> sqlite3.Connection:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            db = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
            try:
                db.execute("PRAGMA busy_timeout = 30000")
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                version = _meta_get(db, "schema")
                if version not in (None, SCHEMA_VERSION):
                    raise sqlite3.DatabaseError("schema version changed")
                db.executescript(_SCHEMA)
                _meta_set(db, "schema", SCHEMA_VERSION)
                return db
            except sqlite3.DatabaseError:
                # A cache from another version or damaged by a crash: start afresh.
                db.close()
                if attempt == 2:
                    raise
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(str(db_path) + suffix)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as e:
            # Disk full, a read-only folder, a lock held past busy_timeout: the clerk can act on these.
            if "locked" in str(e) or "busy" in str(e):
                raise ProjectBusy(BUSY_MESSAGE) from None
            raise OutputError(f"无法写入索引 {self.path}（{e}）；请检查磁盘空间和文件夹权限") from None

    # ---------------------------------------------------------------- meta

    def meta(self, key: str) -> str | None:
        return _meta_get(self.db, key)

    def set_meta(self, key: str, value: str) -> None:
        _meta_set(self.db, key, value)

    # ---------------------------------------------------------------- files

    def stamps(self) -> dict[str, Stamp]:
        rows = self.db.execute("SELECT path, disk_path, sha256, size, mtime_ns FROM files")
        return {r[0]: Stamp(*r) for r in rows}

    def put_file(self, ef: EvidenceFile, *, disk_path: str, mtime_ns: int, ocr_done: bool = False) -> None:
        """Store one file's facts and page texts, replacing what was there, in one transaction.
        ``ocr_done``: the OCR of its scanned pages is merged in (or it has none to OCR)."""
        with self.transaction():
            self._delete(ef.path)
            self.db.execute(
                "INSERT INTO files (path, disk_path, sha256, size, mtime, mtime_ns, format, title, kind,"
                " date, date_source, dates, doc_number, issuer, pages, scanned, encrypted, error,"
                " suggested_for, scanned_pages, ocr_pages, seal, ocr_done)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,?,?,?,?)",
                (ef.path, disk_path, ef.sha256, ef.size, ef.mtime, mtime_ns, ef.format, ef.title or "",
                 ef.kind or "", ef.date.isoformat() if ef.date else None, ef.date_source or "",
                 json.dumps([d.isoformat() for d in ef.dates]), ef.doc_number or "", ef.issuer or "",
                 ef.pages, int(ef.scanned), int(ef.encrypted), ef.error,
                 json.dumps(list(ef.scanned_pages)), ef.ocr_pages, None if ef.seal is None else int(ef.seal),
                 int(ocr_done)))
            self.db.executemany("INSERT INTO pages (path, page, text) VALUES (?,?,?)",
                                ((ef.path, i, t or "") for i, t in enumerate(ef.page_texts, 1)))

    def touch(self, path: str, *, disk_path: str, size: int, mtime: float, mtime_ns: int) -> None:
        """Same content under a new mtime (copied, touched): remember the new stamp only."""
        with self.transaction():
            self.db.execute("UPDATE files SET disk_path=?, size=?, mtime=?, mtime_ns=? WHERE path=?",
                            (disk_path, size, mtime, mtime_ns, path))

    def remove(self, paths: Iterable[str]) -> int:
        paths = list(paths)
        if paths:
            with self.transaction():
                for p in paths:
                    self._delete(p)
        return len(paths)

    def _delete(self, path: str) -> None:
        self.db.execute("DELETE FROM pages WHERE path=?", (path,))
        self.db.execute("DELETE FROM suggestions WHERE path=?", (path,))
        self.db.execute("DELETE FROM files WHERE path=?", (path,))

    def files(self) -> list[EvidenceFile]:
        """Every indexed file with its page texts, sorted by path."""
        texts: dict[str, list[str]] = {}
        for path, text in self.db.execute("SELECT path, text FROM pages ORDER BY path, page"):
            texts.setdefault(path, []).append(text)
        out = []
        for r in self.db.execute(
                "SELECT path, sha256, size, mtime, format, title, kind, date, date_source, dates,"
                " doc_number, issuer, pages, scanned, encrypted, error, scanned_pages, ocr_pages, seal"
                " FROM files ORDER BY path"):
            out.append(EvidenceFile(
                path=r[0], sha256=r[1], size=r[2], mtime=r[3], format=r[4], title=r[5], kind=r[6],
                date=dt.date.fromisoformat(r[7]) if r[7] else None, date_source=r[8],
                dates=tuple(dt.date.fromisoformat(d) for d in json.loads(r[9])), doc_number=r[10],
                issuer=r[11], pages=r[12], scanned=bool(r[13]), encrypted=bool(r[14]), error=r[15],
                page_texts=tuple(texts.get(r[0], ())), scanned_pages=tuple(json.loads(r[16])),
                ocr_pages=r[17], seal=None if r[18] is None else bool(r[18])))
        return out

    def file(self, path: str) -> EvidenceFile | None:
        found = self._files_where(path)
        return found[0] if found else None

    def _files_where(self, path: str) -> list[EvidenceFile]:
        # files() for one path: small enough to reuse its row mapping.
        texts = [t for (t,) in self.db.execute("SELECT text FROM pages WHERE path=? ORDER BY page", (path,))]
        r = self.db.execute(
            "SELECT path, sha256, size, mtime, format, title, kind, date, date_source, dates,"
            " doc_number, issuer, pages, scanned, encrypted, error, scanned_pages, ocr_pages, seal"
            " FROM files WHERE path=?", (path,)).fetchone()
        if r is None:
            return []
        return [EvidenceFile(
            path=r[0], sha256=r[1], size=r[2], mtime=r[3], format=r[4], title=r[5], kind=r[6],
            date=dt.date.fromisoformat(r[7]) if r[7] else None, date_source=r[8],
            dates=tuple(dt.date.fromisoformat(d) for d in json.loads(r[9])), doc_number=r[10],
            issuer=r[11], pages=r[12], scanned=bool(r[13]), encrypted=bool(r[14]), error=r[15],
            page_texts=tuple(texts), scanned_pages=tuple(json.loads(r[16])),
            ocr_pages=r[17], seal=None if r[18] is None else bool(r[18]))]

    def disk_path(self, path: str) -> str | None:
        r = self.db.execute("SELECT disk_path FROM files WHERE path=?", (path,)).fetchone()
        return r[0] if r else None

    def mtime_ns(self, path: str) -> int:
        r = self.db.execute("SELECT mtime_ns FROM files WHERE path=?", (path,)).fetchone()
        return r[0] if r else 0

    # ---------------------------------------------------------------- OCR

    def ocr_pending(self) -> list[str]:
        """Readable files with pages to OCR whose OCR is not merged in yet."""
        return [r[0] for r in self.db.execute(
            "SELECT path FROM files WHERE error IS NULL AND ocr_done=0 AND scanned_pages != '[]' ORDER BY path")]

    def ocr_touched(self) -> list[str]:
        """Files whose stored facts include OCR (to read again when OCR is turned off)."""
        return [r[0] for r in self.db.execute("SELECT path FROM files WHERE ocr_done=1 AND scanned_pages != '[]'")]

    def ocr_results(self, sha256: str, engine: str) -> dict[int, str]:
        return {page: result for page, result in self.db.execute(
            "SELECT page, result FROM ocr WHERE sha256=? AND engine=?", (sha256, engine))}

    def put_ocr(self, sha256: str, page: int, engine: str, result: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO ocr (sha256, page, engine, result) VALUES (?,?,?,?)",
                            (sha256, page, engine, result))

    # ---------------------------------------------------------------- suggestions

    def suggestions_needed(self, catalog_sha: str, paths: Iterable[str]) -> list[str]:
        """Of ``paths``, those whose stored suggestions were not made with this catalog."""
        done = {r[0] for r in self.db.execute("SELECT path FROM files WHERE suggested_for=?", (catalog_sha,))}
        return [p for p in paths if p not in done]

    def put_suggestions(self, catalog_sha: str, per_file: dict[str, list[Suggestion]]) -> None:
        with self.transaction():
            for path, items in per_file.items():
                self.db.execute("DELETE FROM suggestions WHERE path=?", (path,))
                self.db.executemany(
                    "INSERT INTO suggestions (path, indicator, score, words, rank) VALUES (?,?,?,?,?)",
                    ((path, s.indicator, s.score, json.dumps(list(s.words), ensure_ascii=False), i)
                     for i, s in enumerate(items)))
                self.db.execute("UPDATE files SET suggested_for=? WHERE path=?", (catalog_sha, path))

    def suggestions(self, paths: Iterable[str]) -> list[Suggestion]:
        wanted = set(paths)
        out = []
        for path, ind, score, words in self.db.execute(
                "SELECT path, indicator, score, words FROM suggestions ORDER BY path, rank"):
            if path in wanted:
                out.append(Suggestion(path, ind, score, tuple(json.loads(words))))
        return out

    # ---------------------------------------------------------------- search

    def search(self, terms: list[str], *, limit: int = 200, context: int = 24) -> list[SearchHit]:
        """Pages containing every term (case-insensitive), in path and page order."""
        terms = [t for t in (s.strip() for s in terms) if t]
        if not terms:
            return []
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        where, args = [], []
        if long_terms:
            where.append("pages.id IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH ?)")
            args.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        for t in short_terms:
            where.append("pages.text LIKE ? ESCAPE '\\'")
            args.append("%" + re.sub(r"([%_\\])", r"\\\1", t) + "%")
        sql = ("SELECT path, page, text FROM pages WHERE " + " AND ".join(where)
               + " ORDER BY path, page LIMIT ?")
        hits = []
        for path, page, text in self.db.execute(sql, (*args, limit)):
            hits.append(_snippet(path, page, text, terms, context))
        return hits


def _snippet(path: str, page: int, text: str, terms: list[str], context: int) -> SearchHit:
    """A window of ``text`` around the first match, with every term occurrence marked.

    Built in Python rather than with FTS5 ``snippet()`` because short (LIKE) terms have no
    FTS match to anchor on and snippet() counts trigram tokens, not characters."""
    flat = re.sub(r"\s+", " ", text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(flat)
    start = max(0, (first.start() if first else 0) - context)
    end = min(len(flat), (first.end() if first else 0) + context * 2)
    window = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    snippet = prefix + window + suffix
    marks: list[tuple[int, int]] = []
    for m in pattern.finditer(window):
        span = (m.start() + len(prefix), m.end() + len(prefix))
        if marks and span[0] <= marks[-1][1]:  # adjacent terms read as one highlighted phrase
            marks[-1] = (marks[-1][0], max(marks[-1][1], span[1]))
        else:
            marks.append(span)
    return SearchHit(path, page, snippet, tuple(marks))


def _meta_get(db: sqlite3.Connection, key: str) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    except sqlite3.OperationalError:  # no meta table yet: a new database
        return None
    return row[0] if row else None


def _meta_set(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
               (key, value))


def db_path(state_dir: Path) -> Path:
    return state_dir / DB_NAME


@contextlib.contextmanager
def open_store(state_dir: Path) -> Iterator[Store]:
    store = Store(db_path(state_dir))
    try:
        yield store
    finally:
        store.close()


def with_path(ef: EvidenceFile, path: str, *, size: int, mtime: float) -> EvidenceFile:
    """The reader's record under the index's own key and stat (NFC path, the stat taken before reading)."""
    return replace(ef, path=path, size=size, mtime=mtime)
