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
    if any(ord(ch) < 32 for ch in cleaned):
        raise OutsideProject("路径中含有不可见的控制字符（可能是从别处复制时带入的），请重新输入")
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

BAD_NAME = ("文件名或所在文件夹名不是 UTF-8 编码（常见于在 Linux 或 macOS 上解压 Windows 压缩包），未读取；"
            "请用正确的编码重新解压（例如 unzip -O GBK 压缩包.zip）或在 Windows 中解压后再复制，也可直接给文件改名")
ODD_NAME = ("文件名或所在文件夹名中含有换行等控制字符或反斜杠 \\，在 Windows 和材料清单中都无法准确写出，未读取；"
            "请给文件改名")


def odd(name: str) -> bool:
    """A name Windows cannot hold and a manifest cannot spell: control characters (a newline
    pasted into a name) or a backslash (legal on Linux, a separator everywhere else)."""
    return any(ord(ch) < 32 or ch in "\x7f\\" for ch in name)


def visible(name: str) -> str:
    """``name`` with control characters shown as ``?`` and backslashes as ``＼``: printable on
    one line and never mistaken for a separator."""
    return "".join("?" if ord(ch) < 32 or ch == "\x7f" else "＼" if ch == "\\" else ch for ch in name)


def undecodable(name: str) -> bool:
    """Whether ``name`` holds bytes the file system encoding could not decode (Python keeps
    them as lone surrogates, which no encoder, SQLite or terminal accepts)."""
    return any("\udc80" <= ch <= "\udcff" for ch in name)


def readable(name: str) -> str:
    """``name`` as a clerk would read it: each path component with undecodable bytes is read
    as GB18030 (what Chinese Windows writes into zips), else shown with ``%NN`` escapes.
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
                part = escaped(part)
        parts.append(part)
    return unicodedata.normalize("NFC", "/".join(parts))


def escaped(name: str) -> str:
    """``name`` with each undecodable byte as ``%NN``: unambiguous when the readable form is
    taken, and free of ``\\`` (which reports read as a Windows separator)."""
    return "".join(f"%{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" else ch for ch in name)
