"""The pipeline as plain functions (dossier.api), on a project made by init."""

from __future__ import annotations

import pytest

from dossier import api
from dossier.errors import ConfigError
from dossier.scaffold import init_project


def test_api_index_and_check_on_a_fresh_project(tmp_path):
    """This test ensures that api.index and api.check run on a new, empty project: every standard is missing,
    no N-item is violated, and nothing is written outside 输出/."""
    init_project(tmp_path / "p")
    before = {p for p in (tmp_path / "p").rglob("*") if "输出" not in p.parts}
    result = api.index(tmp_path / "p", jobs=1)
    assert result.files == ()
    report = api.check(tmp_path / "p")
    assert report.eligible and report.summary["missing"] == 76 and report.summary["undeclared"] == 7
    assert [f.id for f in report.findings][:3] == ["1.1.1", "1.1.2", "1.2.1"]
    after = {p for p in (tmp_path / "p").rglob("*") if "输出" not in p.parts}
    assert after == before


def test_api_without_project_is_a_settings_error(tmp_path):
    """This test ensures that the API raises the same exit-2 settings error as the CLI for a folder without dossier.yaml."""
    with pytest.raises(ConfigError) as e:
        api.check(tmp_path)
    assert e.value.exit_code == 2
