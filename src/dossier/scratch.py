"""Scratch space and what a killed run left behind.

A run killed with -9 (or a power cut) cannot remove its temporary files: the staged outputs
in 输出/ (``.证明材料汇编.<pid>.xxxxxxxx.tmp.pdf``), the build folders under 输出/.dossier/
and LibreOffice's scratch folders. The next run that holds the project lock removes them:
only names dossier itself makes, and only those whose process is gone (the process id is
part of the name) or, for names from before that, older than a day.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from dossier.errors import OutputError

OLD_AGE = 24 * 3600  # seconds: a temp without a process id in its name is stale after this
SOFFICE_PREFIX = "dossier-soffice-"
WORK_DIR = "scratch"  # under 输出/.dossier/

# .<stem>.<pid>.<random>.tmp<suffix> (staged outputs), .<stem>.<pid>.bak<suffix> (the previous
# output kept until a set is complete), .<stem>.<random>.tmp<suffix> (before pids were added)
_STAGED = re.compile(r"^\.(?P<stem>.+?)\.(?:(?P<pid>\d+)\.)?(?:[A-Za-z0-9_]{8}\.tmp|bak)(?:\.[^.]+)?$")
_SOFFICE = re.compile(rf"^{SOFFICE_PREFIX}(?:(?P<pid>\d+)-)?[A-Za-z0-9_]+$")
_WORKDIR = re.compile(r"^(?:build|patch|soffice)-(?:(?P<pid>\d+)-)?[A-Za-z0-9_]+$")


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive
    return True


def _stale(match: re.Match, path: Path, now: float) -> bool:
    pid = match.group("pid")
    if pid is not None:
        return not alive(int(pid))
    try:
        st = path.lstat()
    except OSError:
        return False
    return now - st.st_mtime > OLD_AGE and st.st_uid == os.getuid()


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        return True
    except OSError:
        return False


def clean_stale(project, *, output_names: tuple[str, ...] | None = None) -> list[Path]:
    """Remove what killed runs left in the project's 输出/ and 输出/.dossier/ and in the system
    temp folder. Call it holding the project lock. Returns what was removed."""
    from dossier import build as build_lib

    names = output_names or (build_lib.PDF_NAME, *build_lib.DOC_NAMES, build_lib.MANIFEST_NAME)
    stems = {Path(n).stem for n in names} | {Path(build_lib.PAGE_MAP_NAME).stem, Path(build_lib.STATE_NAME).stem}
    now = time.time()
    removed: list[Path] = []
    out_dir, state_dir = Path(project.output_dir), Path(project.state_dir)
    for folder in (out_dir, state_dir):
        for path in _listing(folder):
            m = _STAGED.match(path.name)
            if m and m.group("stem") in stems and path.is_file() and _stale(m, path, now) and _remove(path):
                removed.append(path)
    for folder in (state_dir, state_dir / WORK_DIR):
        for path in _listing(folder):
            m = _WORKDIR.match(path.name) or _SOFFICE.match(path.name)
            if m and path.is_dir() and _stale(m, path, now) and _remove(path):
                removed.append(path)
    for path in _listing(Path(tempfile.gettempdir())):
        m = _SOFFICE.match(path.name)
        if m and path.is_dir() and _owned(path) and _stale(m, path, now) and _remove(path):
            removed.append(path)
    return removed


def _owned(path: Path) -> bool:
    try:
        return path.lstat().st_uid == os.getuid()
    except OSError:
        return False


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def workdir(project, prefix: str) -> Path:
    """A fresh scratch folder under 输出/.dossier/scratch/, named with this process's id."""
    root = Path(project.state_dir) / WORK_DIR
    try:
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=root))
    except OSError as e:
        raise OutputError(f"无法写入文件夹 {root}（{e.strerror or e}）：请检查 输出 文件夹是否只读、"
                          "磁盘是否已满") from None
