"""Project-relative paths that never leave the project folder."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path, PurePosixPath


from dossier.errors import OutsideProject  # noqa: F401  (raised here, caught by callers)


def rel_posix(path: Path, root: Path) -> str:
    """``root/材料/a.pdf`` → ``材料/a.pdf`` (NFC, forward slashes)."""
    rel = os.path.relpath(path, root)
    return unicodedata.normalize("NFC", PurePosixPath(*Path(rel).parts).as_posix())


def inside(root: Path, written: str, *, also_under: str | None = None) -> Path:
    """Resolve a path a clerk wrote (``/`` or ``\\``) against the project root, or, when
    it does not exist there, against ``also_under`` (e.g. the evidence folder).

    Raises OutsideProject when the result would leave ``root``."""
    cleaned = str(written).strip().replace("\\", "/")
    if not cleaned:
        raise OutsideProject("路径为空")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise OutsideProject("不能使用绝对路径")
    root_resolved = root.resolve()
    candidates = [root / cleaned]
    if also_under:
        candidates.append(root / also_under / cleaned)
    chosen = next((c for c in candidates if c.exists()), candidates[0])
    resolved = chosen.resolve()
    if resolved != root_resolved and root_resolved not in resolved.parents:
        raise OutsideProject("路径指向项目文件夹之外")
    return chosen


def is_inside(root: Path, path: Path) -> bool:
    root_resolved = root.resolve()
    resolved = path.resolve()
    return resolved == root_resolved or root_resolved in resolved.parents


# --------------------------------------------------------------------------- undecodable names

BAD_NAME = ("文件名不是 UTF-8 编码（常见于在 Linux 或 macOS 上解压 Windows 压缩包），未读取；"
            "请用正确的编码重新解压（例如 unzip -O GBK 压缩包.zip）或在 Windows 中解压后再复制，也可直接给文件改名")


def undecodable(name: str) -> bool:
    """Whether ``name`` holds bytes the file system encoding could not decode (Python keeps
    them as lone surrogates, which no encoder, SQLite or terminal accepts)."""
    return any("\udc80" <= ch <= "\udcff" for ch in name)


def readable(name: str) -> str:
    """``name`` as a clerk would read it: each path component with undecodable bytes is read
    as GB18030 (what Chinese Windows writes into zips), else shown with ``\\x`` escapes.
    Always safe to print, store and put into JSON."""
    if not undecodable(name):
        return name
    parts = []
    for part in name.replace("\\", "/").split("/"):
        if undecodable(part):
            raw = part.encode("utf-8", "surrogateescape")
            try:
                part = raw.decode("gb18030")
            except UnicodeDecodeError:
                part = raw.decode("utf-8", "backslashreplace")
        parts.append(part)
    return unicodedata.normalize("NFC", "/".join(parts))


def escaped(name: str) -> str:
    """``name`` with undecodable bytes as ``\\xNN``: unambiguous when the readable form is taken."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
