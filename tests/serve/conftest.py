"""Fixtures for the workbench: a copy of the sample county (indexed once per session), accounts,
an in-process client, and a real ``dossier serve`` process for the browser tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier import api

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "示范县"


@pytest.fixture(scope="session")
def indexed_sample(tmp_path_factory) -> Path:
    """The sample county, copied and indexed once (the committed sample is never touched)."""
    root = tmp_path_factory.mktemp("template") / "示范县"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("输出"))
    api.index(root)
    return root


@pytest.fixture
def county(indexed_sample, tmp_path) -> Path:
    """A fresh copy of the indexed sample for one test."""
    root = tmp_path / "示范县"
    shutil.copytree(indexed_sample, root, symlinks=True)
    return root
