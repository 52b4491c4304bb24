"""Shared test fixtures (the runner itself lives in cli_runner.py, importable by any test)."""

from __future__ import annotations

import pytest

from cli_runner import REPO, SAMPLE, Result, invoke  # noqa: F401  (re-exported for tests)


@pytest.fixture
def cli():
    return invoke
