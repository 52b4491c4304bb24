"""The sample's check JSON is byte-for-byte what ``main`` produced before the scheme became
data (issue 13): tests/fixtures/sample-check-baseline.json was captured from main at
f3be48d with ``dossier check samples/示范县 --format json``. If the committed sample
changes on purpose, recapture it from main before changing the check. Keys added to the
report since by other issues (``duplicates`` and ``unassigned``, issue 10) are outside the
baseline; every key the baseline has must be identical, in the same order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "tests" / "fixtures" / "sample-check-baseline.json"


def test_sample_check_json_is_unchanged(tmp_path, cli):
    """Every ID, status, evidence path, problem code and message, file and manifest row of
    the sample's check equals the captured JSON (ordering included).
    This test ensures that moving the scheme into data changed no verdict of the built-in catalog."""
    project = tmp_path / "示范县"
    shutil.copytree(REPO / "samples" / "示范县", project, ignore=shutil.ignore_patterns("输出"))
    result = cli("check", str(project), "--format", "json")
    assert result.exit_code == 1, result.stderr
    got = json.loads(result.stdout)
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert set(got) - set(baseline) <= {"duplicates", "unassigned"}
    assert list(got)[:len(baseline)] == list(baseline)
    for key in baseline:
        assert got[key] == baseline[key], key
    same_keys = {k: got[k] for k in baseline}
    assert json.dumps(same_keys, ensure_ascii=False, indent=2) + "\n" == BASELINE.read_text(encoding="utf-8")
