"""The project lock (``dossier.lock``): one run per project, released with its process."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from dossier import lock
from dossier.errors import ProjectBusy


def _project(tmp_path):
    root = tmp_path / "县"
    root.mkdir()
    (root / "dossier.yaml").write_text("catalog: minor-protection-2021\n", encoding="utf-8")
    return root


def test_reentrant_holder_lets_its_stages_in_and_refuses_others(tmp_path):
    """This test ensures that a holder with reentrant=True lets the stages it calls take the lock
    again (as build calls index), while a plain holder, another thread and a waiting caller whose
    timeout runs out are refused with the Chinese busy message; afterwards the lock is free."""
    import threading

    root = _project(tmp_path)
    with lock.project_lock(root, reentrant=True):
        with lock.project_lock(root):
            assert lock.is_locked(root)
        refused = []

        def other_thread():
            try:
                with lock.project_lock(root, wait=True, timeout=0.3):
                    pass
            except ProjectBusy as e:
                refused.append(str(e))

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert refused == ["另一个 dossier 正在处理此项目，请稍候再试"]
    with lock.project_lock(root):
        with pytest.raises(ProjectBusy):
            with lock.project_lock(root):
                pass
    assert not lock.is_locked(root)


def test_forked_worker_outliving_a_killed_run_does_not_hold_the_project(tmp_path):
    """A run forks a worker (as index does for its readers) and is then killed; the worker lives on.
    This test ensures that the project is free at once anyway, so the clerk's next run is not refused."""
    root = _project(tmp_path)
    code = (
        "import os, sys, time\n"
        "from dossier.lock import project_lock\n"
        "with project_lock(sys.argv[1]):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        time.sleep(30); os._exit(0)\n"
        "    print(child, flush=True)\n"
        "    os._exit(0)\n"  # killed while holding the lock: no cleanup runs
    )
    parent = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True)
    orphan = int(parent.stdout.readline().strip())
    parent.wait(timeout=30)
    parent.stdout.close()
    try:
        deadline = time.monotonic() + 5
        while lock.is_locked(root) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not lock.is_locked(root)
        with lock.project_lock(root):
            pass
    finally:
        import os
        import signal

        try:
            os.kill(orphan, signal.SIGKILL)
        except ProcessLookupError:
            pass
