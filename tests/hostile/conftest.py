"""``from conftest import SAMPLE, invoke`` in this folder's tests must reach the root
conftest's helpers; without this file the name ``conftest`` is whichever folder's conftest
pytest imported last (tests/documents/ has one), and collection fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_dossier_tests_root_conftest",
                                               Path(__file__).resolve().parents[1] / "conftest.py")
_root = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
if not hasattr(_root, "invoke"):
    _spec.loader.exec_module(_root)

SAMPLE = _root.SAMPLE
invoke = _root.invoke
