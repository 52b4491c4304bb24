"""Workbench state: accounts, sessions, the audit log and the 回收站 records.

One SQLite file, ``.dossier/workbench.sqlite`` at the project root (CONTRACT.md §7): never
under the evidence folder, never evidence. Passwords are hashed with scrypt from the
standard library; session tokens are random and stored only as their sha256, so a copied
database does not hand out live sessions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from dossier.errors import UsageError

STATE_DIR = ".dossier"
DB_NAME = "workbench.sqlite"
FIRST_ADMIN = "admin"
SESSION_HOURS = 12
MIN_PASSWORD = 8
# scrypt cost: 16 MiB and ~50 ms per login on the 2-core office machine; strong enough for a LAN.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
NAME_RE = re.compile(r"^[\w\u4e00-\u9fff.·-]{1,32}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    departments TEXT NOT NULL,      -- JSON list
    admin INTEGER NOT NULL,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    user_set INTEGER NOT NULL,      -- 0 for the one-time password printed at first start
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS uploads (
    path TEXT PRIMARY KEY,          -- project-relative, as written
    user TEXT NOT NULL,
    original TEXT NOT NULL,         -- the name the browser sent
    time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trash (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,             -- where the file was
    trash_path TEXT NOT NULL,       -- where it is now, under 材料/.回收站/
    user TEXT NOT NULL,
    time TEXT NOT NULL,
    rows TEXT NOT NULL,             -- JSON list of the manifest rows it took along
    restored TEXT
);
CREATE TABLE IF NOT EXISTS visits (
    user TEXT PRIMARY KEY,
    time TEXT NOT NULL,
    statuses TEXT NOT NULL          -- JSON {id: status} seen at that visit
);
CREATE TABLE IF NOT EXISTS ignored (
    path TEXT NOT NULL,
    indicator TEXT NOT NULL,
    PRIMARY KEY (path, indicator)
);
"""


@dataclass(frozen=True)
class User:
    name: str
    departments: tuple[str, ...]
    admin: bool
    user_set: bool = True

    @property
    def label(self) -> str:
        role = "管理员" if self.admin else "部门用户"
        deps = "、".join(self.departments)
        return f"{self.name}（{role}{'，' + deps if deps else ''}）"


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def state_dir(root: Path) -> Path:
    return Path(root) / STATE_DIR


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT)


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not NAME_RE.match(name):
        raise UsageError(f"用户名“{name}”无效：请用 1–32 个汉字、字母、数字或 . _ - ·")
    return name


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(f"密码至少需要 {MIN_PASSWORD} 个字符")


class Accounts:
    """The workbench database. Thread-safe: one connection per thread."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = state_dir(self.root) / DB_NAME
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db():
            pass  # opens the connection (WAL); the schema script manages its own transaction
        self._local.db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _db(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        # Readers never wait for each other (WAL); a writer takes the write lock up front.
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # ----------------------------------------------------------------------- users

    def users(self) -> list[User]:
        with self._db(write=False) as db:
            rows = db.execute("SELECT name, departments, admin, user_set FROM users ORDER BY admin DESC, name").fetchall()
        return [User(n, tuple(json.loads(d)), bool(a), bool(u)) for n, d, a, u in rows]

    def user(self, name: str) -> User | None:
        return next((u for u in self.users() if u.name == name), None)

    def add_user(self, name: str, password: str, *, departments: list[str] = (), admin: bool = False,
                 user_set: bool = True) -> User:
        name = check_name(name)
        check_password(password)
        deps = [d.strip() for d in departments if d and d.strip()]
        if not admin and not deps:
            raise UsageError("部门用户至少需要一个 --department（如 --department 教育）；管理员请加 --admin")
        salt = secrets.token_bytes(16)
        with self._db() as db:
            if db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise UsageError(f"用户 {name} 已存在；修改密码请用 dossier user passwd {name}")
            db.execute("INSERT INTO users VALUES (?,?,?,?,?,?,?)",
                       (name, json.dumps(deps, ensure_ascii=False), int(admin), salt, hash_password(password, salt),
                        int(user_set), now()))
        return User(name, tuple(deps), admin, user_set)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        salt = secrets.token_bytes(16)
        with self._db() as db:
            cur = db.execute("UPDATE users SET salt=?, hash=?, user_set=1 WHERE name=?",
                             (salt, hash_password(password, salt), name))
            if cur.rowcount == 0:
                raise UsageError(f"没有用户 {name}；现有用户见 dossier user list")
            db.execute("DELETE FROM sessions WHERE user=?", (name,))

    def remove_user(self, name: str) -> None:
        with self._db() as db:
            user = db.execute("SELECT admin FROM users WHERE name=?", (name,)).fetchone()
            if user is None:
                raise UsageError(f"没有用户 {name}；现有用户见 dossier user list")
            if user[0] and db.execute("SELECT COUNT(*) FROM users WHERE admin=1").fetchone()[0] == 1:
                raise UsageError(f"{name} 是唯一的管理员，不能删除；请先添加另一个管理员")
            db.execute("DELETE FROM users WHERE name=?", (name,))
            db.execute("DELETE FROM sessions WHERE user=?", (name,))

    def ensure_admin(self) -> str | None:
        """With no admin account (at the first start: no account at all), create ``admin`` with a
        random one-time password and return it; someone must be able to build and restore."""
        with self._db() as db:
            if db.execute("SELECT COUNT(*) FROM users WHERE admin=1").fetchone()[0]:
                return None
            if db.execute("SELECT 1 FROM users WHERE name=?", (FIRST_ADMIN,)).fetchone():
                return None
        password = secrets.token_urlsafe(12)
        self.add_user(FIRST_ADMIN, password, admin=True, user_set=False)
        return password

    def admin_password_set(self) -> bool:
        """Whether some admin's password was chosen by a person (not the printed one-time one)."""
        with self._db(write=False) as db:
            return bool(db.execute("SELECT 1 FROM users WHERE admin=1 AND user_set=1").fetchone())

    def verify(self, name: str, password: str) -> User | None:
        name = unicodedata.normalize("NFC", (name or "").strip())
        with self._db(write=False) as db:
            row = db.execute("SELECT salt, hash, departments, admin, user_set FROM users WHERE name=?",
                             (name,)).fetchone()
        if row is None:
            hash_password(password or "", b"0" * 16)  # same cost for unknown names: no user enumeration by timing
            return None
        salt, stored, deps, admin, user_set = row
        if not hmac.compare_digest(hash_password(password or "", salt), stored):
            return None
        return User(name, tuple(json.loads(deps)), bool(admin), bool(user_set))

    # ----------------------------------------------------------------------- sessions

    def new_session(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        expires = (dt.datetime.now() + dt.timedelta(hours=SESSION_HOURS)).isoformat()
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (dt.datetime.now().isoformat(),))
            db.execute("INSERT INTO sessions VALUES (?,?,?,?)",
                       (_digest(token), user.name, secrets.token_urlsafe(32), expires))
        return token

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._db(write=False) as db:
            row = db.execute("SELECT user, csrf, expires FROM sessions WHERE token_hash=?", (_digest(token),)).fetchone()
            if row is None or row[2] < dt.datetime.now().isoformat():
                return None
            u = db.execute("SELECT name, departments, admin, user_set FROM users WHERE name=?", (row[0],)).fetchone()
        if u is None:
            return None
        return Session(User(u[0], tuple(json.loads(u[1])), bool(u[2]), bool(u[3])), row[1])

    def end_session(self, token: str | None) -> None:
        if token:
            with self._db() as db:
                db.execute("DELETE FROM sessions WHERE token_hash=?", (_digest(token),))

    # ----------------------------------------------------------------------- audit and records

    def log(self, user: str, action: str, target: str, detail: str = "") -> None:
        with self._db() as db:
            db.execute("INSERT INTO audit (time, user, action, target, detail) VALUES (?,?,?,?,?)",
                       (now(), user, action, target, detail))

    def audit(self, limit: int = 500) -> list[dict]:
        with self._db(write=False) as db:
            rows = db.execute("SELECT time, user, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [dict(zip(("time", "user", "action", "target", "detail"), r)) for r in rows]

    def record_upload(self, path: str, user: str, original: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO uploads VALUES (?,?,?,?)", (path, user, original, now()))

    def uploads(self) -> dict[str, dict]:
        with self._db(write=False) as db:
            rows = db.execute("SELECT path, user, original, time FROM uploads").fetchall()
        return {p: {"user": u, "original": o, "time": t} for p, u, o, t in rows}

    def forget_upload(self, path: str) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT user, original, time FROM uploads WHERE path=?", (path,)).fetchone()
            db.execute("DELETE FROM uploads WHERE path=?", (path,))
        return {"user": row[0], "original": row[1], "time": row[2]} if row else None

    def add_trash(self, path: str, trash_path: str, user: str, rows: list[dict], upload: dict | None) -> int:
        with self._db() as db:
            cur = db.execute("INSERT INTO trash (path, trash_path, user, time, rows) VALUES (?,?,?,?,?)",
                             (path, trash_path, user, now(),
                              json.dumps({"rows": rows, "upload": upload}, ensure_ascii=False)))
            return cur.lastrowid

    def trash(self, *, include_restored: bool = False) -> list[dict]:
        with self._db(write=False) as db:
            rows = db.execute("SELECT id, path, trash_path, user, time, rows, restored FROM trash ORDER BY id DESC"
                              ).fetchall()
        out = []
        for i, p, t, u, time, data, restored in rows:
            if restored and not include_restored:
                continue
            out.append({"id": i, "path": p, "trash_path": t, "user": u, "time": time, "restored": restored,
                        **json.loads(data)})
        return out

    def mark_restored(self, trash_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE trash SET restored=? WHERE id=?", (now(), trash_id))

    def last_visit(self, user: str) -> tuple[str | None, dict[str, str]]:
        with self._db(write=False) as db:
            row = db.execute("SELECT time, statuses FROM visits WHERE user=?", (user,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (None, {})

    def set_visit(self, user: str, statuses: dict[str, str]) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO visits VALUES (?,?,?)",
                       (user, now(), json.dumps(statuses, ensure_ascii=False)))

    def ignore(self, path: str, indicator: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO ignored VALUES (?,?)", (path, indicator))

    def ignored(self) -> set[tuple[str, str]]:
        with self._db(write=False) as db:
            return {(p, i) for p, i in db.execute("SELECT path, indicator FROM ignored").fetchall()}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
