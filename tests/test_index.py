"""run_index over real generated evidence: reading, incremental reuse, assignment, limits."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time

import pytest

from dossier import catalog as catalog_lib
from dossier import index as index_lib
from dossier import project as project_lib
from dossier import readers
from dossier.index import load_index, run_index, search
from dossier.store import ProjectBusy, project_lock
from evidence_makers import docx_bytes, make_project, pdf_bytes, png_bytes


@pytest.fixture(scope="module")
def evidence():
    """The files of a small county folder, generated once for the module."""
    return {
        "材料/2.1.3 县级会议/第一次会议纪要.pdf": pdf_bytes([
            ["县未成年人保护工作领导小组会议纪要", "会议时间：2021年3月15日"], ["会议研究了困境儿童保障资金。"]]),
        "材料/2.1.3 县级会议/第二次会议纪要.pdf": pdf_bytes([
            ["县未成年人保护工作领导小组会议纪要", "会议时间：2021年9月10日"]]),
        "材料/家长学校.docx": docx_bytes(["关于建立家长学校的通知", "各乡镇：为加强家庭教育指导，开展家长学校活动。",
                                      "家长学校每季度至少开展一次活动。"]),
        "材料/照片/活动.png": png_bytes(),
        "材料/说明.txt": "这是说明".encode("utf-8"),
    }


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def test_first_run_reads_assigns_and_reports(tmp_path, evidence, cat):
    """The first run reads every file (pages, Chinese titles), assigns by name and manifest,
    lists the unsupported file with its reason, and suggests for the unassigned docx.
    This test ensures that one index run gives check everything it needs."""
    project = make_project(tmp_path, evidence, "指标编号,文件,主体\n4.1.2,照片/活动.png,城关镇\n")
    calls = []
    result = run_index(project, cat, jobs=2, progress=lambda *a: calls.append(a))
    assert result.stats.read == 5 and result.stats.reused == 0 and result.stats.errors == 1
    paths = [f.path for f in result.files]
    assert paths == sorted(evidence)
    minutes = result.file("材料/2.1.3 县级会议/第一次会议纪要.pdf")
    assert minutes.ok and minutes.pages == 2 and "困境儿童" in minutes.page_texts[1]
    assert minutes.title == "县未成年人保护工作领导小组会议纪要"
    assert result.stats.pages >= 4
    assert result.file("材料/说明.txt").error.startswith("不支持的文件类型")
    pairs = {(a.path, a.indicator, a.source) for a in result.assignments}
    assert pairs == {("材料/2.1.3 县级会议/第一次会议纪要.pdf", "2.1.3", "name"),
                     ("材料/2.1.3 县级会议/第二次会议纪要.pdf", "2.1.3", "name"),
                     ("材料/照片/活动.png", "4.1.2", "manifest")}
    assert next(a for a in result.assignments if a.source == "manifest").unit == "城关镇"
    assert result.manifest_problems == ()
    assert {s.path for s in result.suggestions} == {"材料/家长学校.docx"}
    assert result.suggestions[0].indicator == "4.1.2"
    assert calls[-1] == ("read", 5, 5)
    assert (tmp_path / "输出" / ".dossier" / "index.sqlite").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier.yaml", "材料", "材料清单.csv", "输出"]


def test_incremental_runs(tmp_path, evidence, cat):
    """Unchanged → nothing read; one file changed → one read; a touched but identical file →
    not read; a removed file leaves the index; a changed manifest reassigns without reading.
    This test ensures that a second run costs almost nothing and stays correct."""
    project = make_project(tmp_path, evidence)
    first = run_index(project, cat)
    assert first.stats.read == 5

    again = load_index(project, cat)
    assert (again.stats.read, again.stats.reused, again.stats.removed) == (0, 5, 0)
    assert again.files == first.files and again.assignments == first.assignments

    changed = tmp_path / "材料/家长学校.docx"
    changed.write_bytes(docx_bytes(["关于建立家长学校的通知", "家长学校新增内容：无烟家庭。"]))
    os.utime(changed, ns=(1, 1))  # a new mtime that certainly differs from the first run's
    touched = tmp_path / "材料/照片/活动.png"
    os.utime(touched, ns=(2_000_000_000, 2_000_000_000))
    (tmp_path / "材料/说明.txt").unlink()
    third = run_index(project, cat)
    assert (third.stats.read, third.stats.reused, third.stats.removed) == (1, 3, 1)
    assert "无烟家庭" in third.file("材料/家长学校.docx").text
    assert third.file("材料/说明.txt") is None
    assert search(project, ["说明"]) == []

    (tmp_path / "材料清单.csv").write_text("指标编号,文件\n4.1.2、4.1.1,家长学校.docx\n", encoding="utf-8")
    fourth = run_index(project, cat)
    assert fourth.stats.read == 0
    assert {a.indicator for a in fourth.assignments if a.path == "材料/家长学校.docx"} == {"4.1.1", "4.1.2"}
    assert all(s.path != "材料/家长学校.docx" for s in fourth.suggestions)


def test_moving_a_file_into_an_id_folder_assigns_it(tmp_path, evidence, cat):
    """The clerk files the unassigned 家长学校 notice under a folder named 4.1.1 and runs
    index again: the new path is assigned by its folder name, its suggestions go, and the
    old path leaves the index and the search.
    This test ensures that sorting files into ID folders between runs is picked up."""
    project = make_project(tmp_path, evidence)
    first = run_index(project, cat)
    assert first.assigned("材料/家长学校.docx") == ()
    assert any(s.path == "材料/家长学校.docx" for s in first.suggestions)

    (tmp_path / "材料/4.1.1 家庭教育").mkdir()
    os.rename(tmp_path / "材料/家长学校.docx", tmp_path / "材料/4.1.1 家庭教育/家长学校.docx")
    second = run_index(project, cat)
    moved = "材料/4.1.1 家庭教育/家长学校.docx"
    assert (second.stats.read, second.stats.removed) == (1, 1)
    assert second.file("材料/家长学校.docx") is None
    assert second.assigned(moved) == ("4.1.1",)
    assert all(s.path not in (moved, "材料/家长学校.docx") for s in second.suggestions)
    assert {h.path for h in search(project, ["家长学校"])} == {moved}


def test_search_after_index(tmp_path, evidence, cat):
    """Search finds a Chinese substring on the right page of the right file after indexing.
    This test ensures that dossier search works on real PDF and Word text."""
    project = make_project(tmp_path, evidence)
    run_index(project, cat)
    hits = search(project, ["困境儿童"])
    assert [(h.path, h.page) for h in hits] == [("材料/2.1.3 县级会议/第一次会议纪要.pdf", 2)]
    assert [h.path for h in search(project, ["家长学校"])] == ["材料/家长学校.docx"]


def test_manifest_named_file_outside_evidence_folder_and_bad_rows(tmp_path, evidence, cat):
    """A file the manifest names outside 材料/ is indexed too; bad rows and bogus ID folder names
    come back as problems with row numbers. This test ensures that index reports every manifest problem."""
    files = dict(evidence)
    files["附件/总结.docx"] = docx_bytes(["工作总结", "成员单位职责分工明确"])
    files["材料/2.1.9 会议/纪要.pdf"] = evidence["材料/2.1.3 县级会议/第二次会议纪要.pdf"]
    project = make_project(tmp_path, files, "指标编号,文件\n2.1.4,附件/总结.docx\n9.9.9,材料/家长学校.docx\n"
                                            "2.1.4,../外面.pdf\n")
    result = run_index(project, cat)
    assert result.file("附件/总结.docx").ok
    assert ("附件/总结.docx", "2.1.4") in {(a.path, a.indicator) for a in result.assignments}
    got = {(p.source, p.row) for p in result.manifest_problems}
    assert got == {("材料清单.csv", 3), ("材料清单.csv", 4), ("材料/2.1.9 会议", None)}


def test_symlink_outside_project_is_not_followed(tmp_path, evidence, cat):
    """A link in 材料/ leading outside the project (to a file or a folder) is listed with a reason
    and never read. This test ensures that the index never reads files outside the project."""
    outside = tmp_path / "外部"
    outside.mkdir()
    (outside / "机密.docx").write_bytes(docx_bytes(["外部机密文件内容"]))
    project = make_project(tmp_path / "县", {"材料/家长学校.docx": evidence["材料/家长学校.docx"]})
    os.symlink(outside / "机密.docx", project.root / "材料" / "链接.docx")
    os.symlink(outside, project.root / "材料" / "链接文件夹")
    os.symlink(project.root / "材料" / "家长学校.docx", project.root / "材料" / "内部链接.docx")
    result = run_index(project, cat)
    errors = {f.path: f.error for f in result.files if not f.ok}
    assert set(errors) == {"材料/链接.docx", "材料/链接文件夹"}
    assert all("材料文件夹之外" in e for e in errors.values())
    # A link to a file already in 材料/ is not a second copy: the file is read once, under its own name.
    assert result.file("材料/内部链接.docx") is None and result.file("材料/家长学校.docx").ok
    assert search(project, ["机密文件"]) == []


def test_concurrent_run_is_refused(tmp_path, evidence, cat):
    """While another process holds the project, run_index says so in Chinese instead of waiting.
    This test ensures that two dossier runs never corrupt one index."""
    project = make_project(tmp_path, {"材料/家长学校.docx": evidence["材料/家长学校.docx"]})
    with project_lock(project.state_dir):
        with pytest.raises(ProjectBusy, match="另一个 dossier 正在处理此项目"):
            run_index(project, cat)
    assert run_index(project, cat).stats.read == 1


def test_hung_and_crashing_readers_do_not_stop_the_run(tmp_path, evidence, cat, monkeypatch):
    """A file whose reader never returns is killed after the time limit and reported 读取超时; one
    whose reader kills its process is reported too; the other files are read normally.
    This test ensures that one pathological file cannot hang or end the run."""
    real = readers.read_file

    def hostile(root, rel, **kw):
        if rel.endswith("hang.pdf"):
            time.sleep(3600)
        if rel.endswith("crash.pdf"):
            os._exit(3)
        return real(root, rel, **kw)

    monkeypatch.setattr(readers, "read_file", hostile)
    # The hostile reader is patched into this process, so the workers must be forked from it
    # (after an OCR test the index would otherwise start them fresh, without the patch).
    monkeypatch.setattr(index_lib, "_context", lambda: multiprocessing.get_context("fork"))
    files = {"材料/hang.pdf": b"%PDF-1.4", "材料/crash.pdf": b"%PDF-1.4",
             "材料/家长学校.docx": evidence["材料/家长学校.docx"]}
    project = make_project(tmp_path, files)
    result = run_index(project, cat, jobs=2, time_limit=1.5)
    assert "读取超时" in result.file("材料/hang.pdf").error
    assert "异常退出" in result.file("材料/crash.pdf").error
    assert result.file("材料/家长学校.docx").ok and result.stats.errors == 2


def test_legacy_files_are_converted_in_one_batch(tmp_path, cat, monkeypatch):
    """Two Word 97 .doc files are converted by one batched LibreOffice call before reading, and
    their Chinese text is indexed; the next run converts nothing.
    This test ensures that legacy files cost one LibreOffice start, not one per file."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from dossier import office

    sources = []
    for name, text in (("甲", "县未成年人保护工作会议纪要甲"), ("乙", "县未成年人保护工作会议纪要乙")):
        path = tmp_path / "src" / f"{name}.docx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(docx_bytes([text]))
        sources.append(path)
    made = office.convert(sources, "doc", tmp_path / "doc")
    files = {f"材料/{p.stem}.doc": made[p].output.read_bytes() for p in sources}
    calls = []
    real = readers.convert_legacy

    def spy(root, rels, cache):
        calls.append(sorted(rels))
        return real(root, rels, cache)

    monkeypatch.setattr(readers, "convert_legacy", spy)
    project = make_project(tmp_path / "县", files)
    result = run_index(project, cat)
    assert calls == [sorted(files)]
    assert all(f.ok for f in result.files), [f.error for f in result.files]
    assert "会议纪要甲" in result.file("材料/甲.doc").text
    assert run_index(project, cat).stats.read == 0 and len(calls) == 1


def test_second_run_only_stats(tmp_path, evidence, cat, monkeypatch):
    """A second run over an unchanged folder neither reads nor hashes a single file (stat only),
    yet returns the same records. This test ensures that the warm index costs almost nothing
    (the ≥10× figure itself is measured by the benchmark, not asserted here)."""
    files = {}
    for i in range(10):
        files[f"材料/会议/{i:02d} 纪要.pdf"] = evidence["材料/2.1.3 县级会议/第一次会议纪要.pdf"]
        files[f"材料/通知/{i:02d} 通知.docx"] = evidence["材料/家长学校.docx"]
    project = make_project(tmp_path, files)
    first = run_index(project, cat)

    def forbidden(*args, **kwargs):
        raise AssertionError("an unchanged file was opened")

    monkeypatch.setattr(readers, "read_file", forbidden)
    monkeypatch.setattr(index_lib, "sha256_or_empty", forbidden)
    monkeypatch.setattr(index_lib, "iter_read", forbidden)
    second = run_index(project, cat)
    assert second.stats.read == 0 and second.stats.reused == 20
    assert second.files == first.files and second.suggestions == first.suggestions


def test_interrupted_run_keeps_what_it_read(tmp_path, evidence, cat):
    """A run interrupted after two files leaves a usable index holding those two; the next run
    reads only the rest. This test ensures that Ctrl-C never costs the work already done."""
    project = make_project(tmp_path, evidence)

    def interrupt(phase, done, total):
        if phase == "read" and done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_index(project, cat, jobs=1, progress=interrupt)
    resumed = run_index(project, cat)
    assert (resumed.stats.read, resumed.stats.reused) == (3, 2)
    assert [f.path for f in resumed.files] == sorted(evidence)


def test_names_in_another_unicode_form(tmp_path, evidence, cat):
    """A file whose name is stored decomposed (NFD, as macOS writes it) is indexed under its
    composed name, found by a manifest row typed normally, and reused on the next run.
    This test ensures that odd Unicode normalisation neither hides nor duplicates a file."""
    import unicodedata

    name = unicodedata.normalize("NFD", "材料/café 会议纪要.pdf")
    assert name != unicodedata.normalize("NFC", name)
    project = make_project(tmp_path, {name: evidence["材料/2.1.3 县级会议/第二次会议纪要.pdf"]},
                           "指标编号,文件\n2.1.3,材料/café 会议纪要.pdf\n")
    result = run_index(project, cat)
    assert [f.path for f in result.files] == ["材料/café 会议纪要.pdf"]
    assert result.files[0].ok and result.manifest_problems == ()
    assert [(a.path, a.indicator) for a in result.assignments] == [("材料/café 会议纪要.pdf", "2.1.3")]
    assert run_index(project, cat).stats.reused == 1


def test_new_reader_code_reads_again(tmp_path, evidence, cat, monkeypatch):
    """When the reader code changes (an upgrade or a fix), every file is read again and remembered
    LibreOffice failures are forgotten. This test ensures that a fixed reader is not hidden behind the cache."""
    project = make_project(tmp_path, {"材料/家长学校.docx": evidence["材料/家长学校.docx"]})
    run_index(project, cat)
    marker = project.state_dir / "legacy" / "abc.docx.failed"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("LibreOffice 无法转换此文件", encoding="utf-8")
    assert run_index(project, cat).stats.read == 0 and marker.exists()
    monkeypatch.setattr(index_lib, "reader_fingerprint", lambda: "a newer reader")
    assert run_index(project, cat).stats.read == 1
    assert not marker.exists()


def test_narrative_file_is_not_suggested(tmp_path, evidence, cat):
    """The 基本情况 file that dossier.yaml's `narrative` names is text for the 申报表, not evidence waiting for a
    standard. This test ensures that it gets no suggestions while other unassigned files still do."""
    narrative = docx_bytes(["关于建立家长学校的通知", "各乡镇：为加强家庭教育指导，开展家长学校活动。", "（基本情况）"])
    files = {"材料/基本情况.docx": narrative, "材料/家长学校.docx": evidence["材料/家长学校.docx"]}
    root = tmp_path / "p"
    make_project(root, files)
    with open(root / "dossier.yaml", "a", encoding="utf-8") as f:
        f.write("narrative: 材料/基本情况.docx\n")
    result = run_index(project_lib.load(root), cat, jobs=1)
    suggested = {s.path for s in result.suggestions}
    assert "材料/家长学校.docx" in suggested and "材料/基本情况.docx" not in suggested
