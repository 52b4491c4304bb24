"""One dossier at a time per project: an advisory lock on ``输出/.dossier/project.lock``.

Every command that writes into a project (index, build, the workbench) holds it for its
whole run, so a second run is told at once instead of interleaving its outputs with the
first. The lock belongs to the open file: a process killed with -9 releases it with its
file descriptors, so there is never a stale lock to clean up by hand.

Re-entry is explicit: ``build`` holds the lock with ``reentrant=True`` and calls ``index``,
which takes it again; anyone else in the same process is refused like another process.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import time
from pathlib import Path
from typing import Iterator

from dossier.errors import OutputError, ProjectBusy

LOCK_NAME = "project.lock"
BUSY_MESSAGE = "另一个 dossier 正在处理此项目，请稍候再试"
_POLL = 0.2  # seconds between attempts while waiting

# Locks this process holds: lock file path → depth. Which context may re-enter one is kept
# in a context variable, so a workbench thread never slips into a build another thread runs.
_guard = threading.Lock()
_held: dict[str, int] = {}
_lent: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("dossier_lock_lent", default=frozenset())


def _forget_in_child() -> None:
    """A forked worker (the index's readers) must not keep the lock alive: flock belongs to the
    open file, which the child shares, so a worker orphaned by a killed run would hold the
    project until it exits. The child closes its copies; the parent's lock is unaffected."""
    for handle in list(_handles.values()):
        try:
            # Point the descriptor at /dev/null rather than closing it: the number stays valid
            # for the (never used) file object, and the lock's open file loses this reference.
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, handle.fileno())
            os.close(null)
        except (OSError, ValueError):
            pass
    _handles.clear()
    _held.clear()


_handles: dict[str, object] = {}  # lock file path → open handle, for _forget_in_child
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def state_dir_of(project) -> Path:
    """``输出/.dossier`` of a Project record, a project folder or its dossier.yaml."""
    state = getattr(project, "state_dir", None)
    if state is not None:
        return Path(state)
    from dossier.project import find_config

    return find_config(Path(project)).parent / "输出" / ".dossier"


def project_lock(project, *, wait: bool = False, timeout: float | None = None,
                 reentrant: bool = False) -> contextlib.AbstractContextManager[Path]:
    """Hold the project's lock for the ``with`` block; yields the lock file's path.

    ``project`` is a :class:`~dossier.records.Project`, a project folder or its dossier.yaml.
    With ``wait=False`` a project held by another run raises :class:`ProjectBusy` (exit 2)
    at once; with ``wait=True`` it waits (at most ``timeout`` seconds, when given).
    ``reentrant=True`` lets the stages called inside the block (same thread or task) take
    the lock again: ``build`` holds it and calls ``index``, which takes it itself."""
    return lock_state_dir(state_dir_of(project), wait=wait, timeout=timeout, reentrant=reentrant)


@contextlib.contextmanager
def lock_state_dir(state_dir: Path, *, wait: bool = False, timeout: float | None = None,
                   reentrant: bool = False) -> Iterator[Path]:
    """:func:`project_lock` for a known ``输出/.dossier`` folder."""
    path = _lock_path(state_dir)
    key = str(path)
    if key in _lent.get():
        with _guard:
            _held[key] += 1
        try:
            yield path
        finally:
            with _guard:
                _held[key] -= 1
        return
    handle = _open(path)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with _guard:
                # flock is per open file: another thread of this process holding the lock
                # would not stop this one, so the process keeps its own record too.
                free_here = key not in _held
                if free_here and _try_lock(handle):
                    _held[key] = 1
                    _handles[key] = handle
                    break
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                raise ProjectBusy(BUSY_MESSAGE)
            time.sleep(_POLL)
        token = _lent.set(_lent.get() | {key}) if reentrant else None
        try:
            yield path
        finally:
            if token is not None:
                _lent.reset(token)
            with _guard:
                del _held[key]
                _handles.pop(key, None)
                _unlock(handle)
    finally:
        handle.close()


def is_locked(project) -> bool:
    """Whether some run (in this process or another) holds the project's lock right now."""
    path = _lock_path(state_dir_of(project))
    with _guard:
        if str(path) in _held:
            return True
    if not path.exists():
        return False
    handle = _open(path)
    try:
        if _try_lock(handle):
            _unlock(handle)
            return False
        return True
    finally:
        handle.close()


def _lock_path(state_dir: Path) -> Path:
    return Path(os.path.abspath(state_dir)) / LOCK_NAME


def _open(path: Path):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a+b")
    except OSError as e:
        folder = path.parent.parent
        raise OutputError(f"无法写入文件夹 {folder}（{e.strerror or e}）：请检查该文件夹是否只读、"
                          "磁盘是否已满，或是否有写入权限") from None


def _try_lock(handle) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(handle) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
