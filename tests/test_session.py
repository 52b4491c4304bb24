"""The session (issue 13 §5): one object holds project, catalog, index and report, and the
evidence per standard is merged once per run; the CLI's check goes through it via ``api``."""

from __future__ import annotations

from dossier import api, check
from evidence_makers import make_project, pdf_bytes


def test_evidence_is_merged_once_and_shared(tmp_path, monkeypatch):
    """Checking twice, asking for evidence and the report: merge_evidence runs once per
    catalog item, and the session hands out the same records the check used.
    This test ensures that ids.normalize grouping and merging are not redone per stage."""
    root = tmp_path / "县"
    make_project(root, {"材料/2.1.3 会议/2021年第一次会议纪要.pdf":
                        pdf_bytes([["示范县未成年人保护工作会议纪要", "会议时间：2021年3月15日"]])})
    calls = []
    real = check.merge_evidence
    monkeypatch.setattr(check, "merge_evidence", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    s = api.session(root)
    report = s.check()
    assert s.check() is report and report.finding("2.1.3").evidence == ("材料/2.1.3 会议/2021年第一次会议纪要.pdf",)
    first = s.evidence("2.1.3")
    assert [e.kind for e in first] == ["会议纪要"] and s.evidence("2.1.3") is first
    assert len(calls) == len(s.catalog.ids()) and len(set(calls)) == len(calls)
    assert s.index_result.files and s.files_by_path()["材料/2.1.3 会议/2021年第一次会议纪要.pdf"].ok


def test_cli_check_goes_through_the_api(tmp_path, cli, monkeypatch):
    """``dossier check`` asks ``api.checked`` for a session and only presents it.
    This test ensures that the CLI calls the library, not the stages directly."""
    root = tmp_path / "县"
    make_project(root, {})
    (root / "材料").mkdir(exist_ok=True)
    seen = []
    real = api.checked
    monkeypatch.setattr(api, "checked", lambda *a, **k: seen.append(a) or real(*a, **k))
    r = cli("check", str(root), "--format", "json")
    assert r.exit_code == 1 and seen and '"catalog": "minor-protection-2021"' in r.stdout


def test_build_plan_and_render_use_the_sessions_grouping(tmp_path, monkeypatch):
    """Planning a build (plan_build → make_plan) and describing the 自评报告's evidence
    (render.evidence_refs) merge each item's evidence once, in the session, and neither
    regroups assignments by ids.normalize itself.
    This test ensures that check, the build plan and the documents share one grouping."""
    from dossier import build, ids, project as project_lib
    from dossier.documents import render

    root = tmp_path / "县"
    make_project(root, {"材料/2.1.3 会议/2021年第一次会议纪要.pdf":
                        pdf_bytes([["示范县未成年人保护工作会议纪要", "会议时间：2021年3月15日"]])})
    project, catalog = project_lib.open_project(root)
    merges, normalized = [], []
    real_merge, real_normalize = check.merge_evidence, ids.normalize
    monkeypatch.setattr(check, "merge_evidence", lambda *a, **k: merges.append(a[0]) or real_merge(*a, **k))
    planned = build.plan_build(project, catalog)
    assert len(merges) == len(catalog.ids())
    entries = {s.id: s.files for c in planned.plan.categories for s in c.standards}
    assert [e.title for e in entries["2.1.3"]] == ["示范县未成年人保护工作会议纪要"]
    assert [e.path for e in planned.evidence["2.1.3"]] == ["材料/2.1.3 会议/2021年第一次会议纪要.pdf"]

    s = api.session(root)
    s.check()
    merges.clear()
    monkeypatch.setattr(ids, "normalize", lambda x: normalized.append(x) or real_normalize(x))
    refs = render.evidence_refs(s.catalog, s.report, s.evidence_per_standard())
    assert [r.title for r in refs["2.1.3"]] == ["示范县未成年人保护工作会议纪要"]
    assert merges == [] and normalized == []
