"""Write outputs through a temporary file and rename, so an interrupted run leaves the
previous file intact (CONTRACT.md §6)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from dossier.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    # mkstemp creates 0600; outputs are shared documents, so give them the usual umask mode.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise OutputError(f"无法写入 {target}：文件可能正在被 Word/WPS/Excel 打开，请关闭后重试") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


# Why a replacement failed, in words a clerk can act on.
def _reason(error: OSError, target: Path) -> str:
    if isinstance(error, IsADirectoryError) or target.is_dir():
        return "该位置是一个文件夹，请移走或改名后重试"
    if error.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if error.errno == errno.EROFS:
        return "磁盘或文件夹是只读的"
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return "文件可能正被其他程序打开（如 Word、WPS、Excel 或 PDF 阅读器），或被设为只读，请关闭或取消只读后重试"
    if isinstance(error, NotADirectoryError) or error.errno == errno.ENOTDIR:
        return "路径中的某一级是文件而不是文件夹（例如 输出 是一个文件），请移走或改名后重试"
    if isinstance(error, FileNotFoundError):
        return "该位置不存在"
    return error.strerror or str(error)


def os_reason(error: OSError, target: Path) -> str:
    """Why ``target`` could not be written, in words a clerk can act on."""
    return _reason(error, target)


class OutputSet:
    """Outputs that belong together (one build's PDF, documents and page record), replaced
    all together or not at all.

    Each output is staged as a temporary file beside its target (:meth:`stage`). :meth:`commit`
    first checks that every target can be replaced, then replaces them one by one, keeping a
    hard link to each previous file; when one replacement fails, those already replaced get
    their previous files back, and :class:`OutputError` names the file and why. Leaving the
    ``with`` block removes whatever was staged and not committed."""

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def stage(self, target: Path) -> Path:
        target = Path(target)
        if target in self._staged:
            return self._staged[target]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}.", suffix=f".tmp{target.suffix}",
                                        dir=target.parent)
        except OSError as e:
            raise OutputError(f"无法写入文件夹 {target.parent}（{_reason(e, target.parent)}）") from None
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)
        self._staged[target] = Path(name)
        return Path(name)

    @property
    def targets(self) -> tuple[Path, ...]:
        return tuple(self._staged)

    def commit(self) -> None:
        items = list(self._staged.items())
        for target, _ in items:
            problem = _cannot_replace(target)
            if problem:
                raise OutputError(f"无法写入 {target}（{problem}）；本次生成的文件均未替换，原有文件保持不变")
        done: list[tuple[Path, Path | None]] = []
        try:
            for target, tmp in items:
                backup = _keep_previous(target)
                try:
                    os.replace(tmp, target)
                except OSError:
                    if backup is not None:  # the target itself was not touched
                        with contextlib.suppress(OSError):
                            backup.unlink()
                    raise
                done.append((target, backup))
        except OSError as e:
            failed = target
            for target, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, target)
                    else:
                        target.unlink()
            raise OutputError(f"无法写入 {failed}（{_reason(e, failed)}）；本次生成的文件均未替换，"
                              "原有文件保持不变") from None
        finally:
            for _, backup in done:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
        self._staged.clear()

    def discard(self) -> None:
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._staged.clear()


def _cannot_replace(target: Path) -> str | None:
    """Why ``target`` cannot be replaced, checked before anything is: a folder in its place or
    a read-only file (which Windows refuses to replace, and a clerk marks read-only on purpose)."""
    if target.is_dir():
        return "该位置是一个文件夹，请移走或改名后重试"
    if target.exists() and not (os.stat(target).st_mode & stat.S_IWUSR):
        return "文件被设为只读，请取消只读后重试"
    if not os.access(target.parent, os.W_OK):
        return f"文件夹 {target.parent} 是只读的"
    return None


def _keep_previous(target: Path) -> Path | None:
    """A second name for the previous ``target`` until the whole set is in place (a hard link,
    so the target never disappears; a copy where the file system has no links)."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.stem}.{os.getpid()}.bak{target.suffix}")
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup
