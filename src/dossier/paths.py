"""Project-relative paths that never leave the project folder."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path, PurePosixPath


class OutsideProject(ValueError):
    """A path that resolves outside the project folder (``..``, absolute, or via a link)."""


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
