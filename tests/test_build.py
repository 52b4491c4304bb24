"""``dossier.build.build`` on a real project folder: the whole packet, atomic, cached."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from dossier import build as build_lib
from dossier import office
from dossier.verify import verify

sys.path.insert(0, str(Path(__file__).parent / "binder"))
from makers import MINUTES, photo, project, text_pdf, word  # noqa: E402

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")
OUTPUTS = ("证明材料汇编.pdf", "申报表.docx", "请示.docx", "自评报告.docx", "材料清单.xlsx")


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("county") / "示例县"
    texts = project(root)
    evidence_before = _digest(root / "材料")
    stages = []
    result = build_lib.build(root, progress=lambda stage, done, total: stages.append(stage))
    return root, texts, result, evidence_before, stages


def test_packet_is_complete_and_verified(built):
    """This test ensures that one build writes all five outputs, leaves the evidence untouched,
    reports progress per stage, lists what could not be bound and what check still misses, and that
    verify finds every printed page reference true."""
    root, texts, result, before, stages = built
    for name in OUTPUTS:
        assert (root / "输出" / name).is_file()
    assert _digest(root / "材料") == before
    assert {"转换", "装订", "文书"} <= set(stages)
    assert list(result.left_out) == ["材料/2.1.2 制度/加密的制度文件.pdf"]
    assert any(line.startswith("2.1.3") for line in result.gaps)
    assert result.files_bound == 7 and result.total_pages == result.page_map.front + result.page_map.body
    assert not list((root / "输出").glob(".*tmp*"))
    checked = verify(root)
    assert checked.ok, checked.mismatches
    assert checked.checked > 50


def test_documents_and_manifest_carry_true_pages(built):
    """This test ensures that the 自评报告 cites the shared meeting minutes with the pages where they
    are bound under both standards, and that 材料清单.xlsx has one row per file × standard with the
    same page range."""
    root, texts, result, _, _ = built
    placed = result.page_map.placements[MINUTES]
    pages = f"{placed.first}–{placed.last}"
    report = "\n".join(p.text for p in docx.Document(str(root / "输出" / "自评报告.docx")).paragraphs)
    assert report.count(f"见汇编第{pages}页") == 2
    sheet = openpyxl.load_workbook(root / "输出" / "材料清单.xlsx").active
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == MINUTES]
    assert sorted(r[0] for r in rows) == ["2.1.3", "2.1.7"]
    assert {r[7] for r in rows} == {pages}
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"]
    locked = [r for r in sheet.iter_rows(min_row=2, values_only=True) if "加密" in r[1]]
    assert locked and locked[0][7] in (None, "") and "加密" in locked[0][8]


def test_failed_build_leaves_previous_packet(built, tmp_path, monkeypatch):
    """This test ensures that a build failing after the PDF was bound again (the meeting minutes
    gained a page; then the manifest writer raises) leaves every previous output byte for byte,
    and no temporary file behind."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    before = _digest(root / "输出")
    before = {k: v for k, v in before.items() if not k.startswith(".dossier")}
    text_pdf(root / MINUTES, ["城关镇未成年人保护工作第一次会议纪要（2021年3月15日）", "第二页", "第三页"])

    def broken(*args, **kwargs):
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(build_lib, "write_manifest", broken)
    with pytest.raises(RuntimeError):
        build_lib.build(root)
    after = {k: v for k, v in _digest(root / "输出").items() if not k.startswith(".dossier")}
    assert after == before
    assert not [p for p in (root / "输出").rglob("*") if "tmp" in p.name or p.name.startswith("build-")]


def test_second_build_converts_only_the_changed_file(built, tmp_path):
    """This test ensures that the conversion cache is keyed by content: after one Word file changes,
    a rebuild converts that file only and reuses the spreadsheet's conversion."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    notice = root / "材料/1.1.1 宣贯/学习通知.docx"
    word(notice, ["关于开展习近平新时代中国特色社会主义思想学习的通知（修订）", "2021年4月3日"])
    again = build_lib.build(root)
    assert (again.conversions_done, again.conversions_reused) == (1, 1)
    assert again.index_read == 1
    assert verify(root).ok


def test_strict_refuses_and_writes_nothing(tmp_path):
    """This test ensures that --strict refuses a project with gaps with exit code 1, names the gaps,
    and writes none of the outputs."""
    root = tmp_path / "县"
    project(root)
    with pytest.raises(build_lib.BuildRefused) as caught:
        build_lib.build(root, strict=True)
    assert caught.value.exit_code == 1
    assert "--strict" in caught.value.message and "2.1.3" in caught.value.message
    assert not any((root / "输出" / name).exists() for name in OUTPUTS)


def test_project_without_evidence_still_builds_a_verifiable_packet(tmp_path, cli):
    """This test ensures that a freshly initialised project (scaffold placeholders, no evidence)
    is refused for submission (exit 2 naming dossier.yaml's key and line) and builds as a --draft
    whose 目录 lists every standard as 缺少材料 and which verify accepts."""
    root = tmp_path / "空县"
    assert cli("init", root).exit_code == 0
    refused = cli("build", root)
    assert refused.exit_code == 2 and "applicant.name" in refused.stderr and "dossier.yaml:" in refused.stderr
    assert "Traceback" not in refused.output and not (root / "输出" / "证明材料汇编.pdf").exists()
    result = build_lib.build(root, draft=True)
    assert result.page_map.body == 0 and result.files_bound == 0
    missing = [e for e in result.page_map.entries if e.kind == "missing"]
    assert len(missing) >= 76
    assert verify(root).ok


def _stamps(root: Path) -> dict[str, tuple[int, str]]:
    return {name: ((root / "输出" / name).stat().st_mtime_ns, hashlib.sha256((root / "输出" / name).read_bytes()).hexdigest())
            for name in OUTPUTS}


def test_unchanged_project_reuses_every_output(built, tmp_path):
    """This test ensures that building again with nothing changed binds nothing and rewrites none
    of the five outputs (same bytes, same modification time), and that they still verify."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    before = _stamps(root)
    again = build_lib.build(root)
    assert again.dossier == "reused" and again.documents_reused
    assert again.conversions_done == 0 and again.index_read == 0
    assert _stamps(root) == before
    assert again.page_map.placements == built[2].page_map.placements
    assert verify(root).ok


def _page_text(pdf: Path, index: int) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(doc[index].get_textpage().get_text_range().split())
    finally:
        doc.close()


def test_changed_docx_with_same_pages_is_patched_in_place(built, tmp_path):
    """This test ensures that when one Word file changes but keeps its title, date and page count,
    the rebuild converts only that file, replaces only its page in the previous dossier (every other
    page number stays), shows the new text on that page with its printed number, and verifies."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    notice = "材料/1.1.1 宣贯/学习通知.docx"
    old_pages = built[2].page_map.placements
    word(root / notice, [built[1][notice], "各乡镇人民政府：", "为深入学习贯彻，现将补充事项通知如下。",
                         "请各单位于五月底前报送学习体会。", "2021年4月2日"])
    again = build_lib.build(root)
    assert again.dossier == "patched"
    assert (again.conversions_done, again.conversions_reused) == (1, 1)
    assert again.page_map.placements == old_pages
    placed = again.page_map.placements[notice]
    pdf = root / "输出" / "证明材料汇编.pdf"
    assert "请各单位于五月底前报送学习体会" in _page_text(pdf, again.page_map.pdf_index(placed.first))
    checked = verify(root)
    assert checked.ok, checked.mismatches
    checked_pdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked_pdf.returncode == 0, checked_pdf.stdout


def test_changed_file_with_more_pages_rebinds_and_shifts_later_pages(built, tmp_path):
    """This test ensures that when a PDF gains a page, the dossier is bound again: every file after
    it moves one page later, the 自评报告 and 材料清单 cite the new pages, and verify passes."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    old = built[2].page_map.placements
    text_pdf(root / MINUTES, [built[1][MINUTES] + "（2021年3月15日）", "会议纪要第二页出席人员名单", "会议纪要第三页议定事项"],
             footer="— 1 —")
    again = build_lib.build(root)
    assert again.dossier == "bound" and not again.documents_reused
    new = again.page_map.placements
    minutes = old[MINUTES]
    assert new[MINUTES].last == minutes.last + 1
    for path, placed in old.items():
        if placed.first > minutes.last:
            assert (new[path].first, new[path].last) == (placed.first + 1, placed.last + 1), path
        else:
            assert new[path].first == placed.first, path
    assert any(p.first > minutes.last for p in old.values())
    checked = verify(root)
    assert checked.ok, checked.mismatches


def test_changed_photo_is_redrawn_in_place(built, tmp_path):
    """This test ensures that replacing a photo by another picture under the same name patches its
    one page (caption and page number kept) and that the dossier still verifies."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    path = "材料/4.1.2 活动/活动现场照片.jpg"
    photo(root / path, orientation=1, size=(300, 400))
    again = build_lib.build(root)
    assert again.dossier == "patched"
    placed = again.page_map.placements[path]
    assert "活动现场照片" in _page_text(root / "输出" / "证明材料汇编.pdf", again.page_map.pdf_index(placed.first))
    assert verify(root).ok


def _outputs(root: Path) -> dict[str, str]:
    """Every output and the page record, by content (temp files would show up here too)."""
    found = {k: v for k, v in _digest(root / "输出").items()
             if not k.startswith(".dossier") or k.endswith(("pagemap.json", "last-build.json"))}
    return found


def test_output_that_cannot_be_replaced_leaves_the_whole_previous_set(built, tmp_path, monkeypatch):
    """This test ensures that when one output cannot be replaced (a read-only PDF, a folder standing
    where the 自评报告 goes, a rename refused as for a file open in a viewer), the build exits 2
    naming that file and why, and every other output and the page record stay the previous ones
    byte for byte (no mixed set), with no temp or backup file left; the next build succeeds."""
    import os

    from dossier import atomic
    from dossier.errors import OutputError

    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    out = root / "输出"
    text_pdf(root / MINUTES, [built[1][MINUTES] + "（2021年3月15日）", "会议纪要第二页", "会议纪要第三页"])

    pdf = out / "证明材料汇编.pdf"
    pdf.chmod(0o444)
    before = _outputs(root)
    with pytest.raises(OutputError) as caught:
        build_lib.build(root)
    assert caught.value.exit_code == 2
    assert "证明材料汇编.pdf" in caught.value.message and "只读" in caught.value.message
    assert _outputs(root) == before
    pdf.chmod(0o644)

    report = out / "自评报告.docx"
    report.unlink()
    report.mkdir()
    before = _outputs(root)
    with pytest.raises(OutputError) as caught:
        build_lib.build(root)
    assert "自评报告.docx" in caught.value.message and "文件夹" in caught.value.message
    assert _outputs(root) == before
    report.rmdir()
    shutil.copy(built[0] / "输出" / "自评报告.docx", report)

    real_replace = os.replace

    def refuse_manifest(src, dst):
        if Path(dst).name == "材料清单.xlsx":
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    before = _outputs(root)
    monkeypatch.setattr(atomic.os, "replace", refuse_manifest)
    with pytest.raises(OutputError) as caught:
        build_lib.build(root)
    assert "材料清单.xlsx" in caught.value.message and "正被其他程序打开" in caught.value.message
    assert _outputs(root) == before
    assert verify(root).ok
    monkeypatch.undo()

    again = build_lib.build(root)
    assert again.dossier == "bound"
    assert _outputs(root) != before
    checked = verify(root)
    assert checked.ok, checked.mismatches


def test_cli_names_the_output_it_could_not_replace(built, tmp_path, cli):
    """This test ensures that `dossier build` facing a read-only output exits 2 with a Chinese
    message naming the file, and no traceback."""
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    text_pdf(root / MINUTES, [built[1][MINUTES] + "（2021年3月15日）", "会议纪要第二页", "会议纪要第三页"])
    (root / "输出" / "自评报告.docx").chmod(0o444)
    result = cli("build", root)
    assert result.exit_code == 2, result.output
    assert "自评报告.docx" in result.stderr and "Traceback" not in result.output


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_build_is_refused_while_one_runs(built, tmp_path, cli):
    """This test ensures that while another process holds the project (as a running build does for its
    whole run), `dossier build` is refused at once with exit 2 and 另一个 dossier 正在处理此项目，请稍候再试,
    writing nothing; that project_lock(wait=True) waits its timeout out; and that the project is free
    again once the other process ends."""
    from dossier import lock
    from dossier.errors import ProjectBusy

    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom dossier.lock import project_lock\n"
         "with project_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n", str(root)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = _outputs(root)
        busy = cli("build", root)
        assert busy.exit_code == 2 and "另一个 dossier 正在处理此项目，请稍候再试" in busy.stderr
        assert _outputs(root) == before
        assert lock.is_locked(root)
        with pytest.raises(ProjectBusy):
            with lock.project_lock(root, wait=True, timeout=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
    assert not lock.is_locked(root)
    with lock.project_lock(root, wait=True, timeout=5):
        with pytest.raises(ProjectBusy):  # a second holder in the same process is refused too
            build_lib.build(root)
    assert build_lib.build(root).dossier == "reused"


def test_what_a_killed_build_left_is_cleaned_by_the_next(built, tmp_path):
    """This test ensures that the staged outputs, build folders and LibreOffice scratch folders of a
    run that was killed (its process gone, or from before process ids were in the names and older
    than a day) are removed by the next build, while a clerk's own files and a live run's folders stay."""
    import os
    import tempfile
    import time

    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    out = root / "输出"
    dead = _dead_pid()
    stale = [out / f".证明材料汇编.{dead}.abcd1234.tmp.pdf", out / f".自评报告.{dead}.bak.docx",
             out / ".材料清单.k2j4h5g6.tmp.xlsx", out / ".dossier" / f".pagemap.{dead}.x1y2z3w4.tmp.json"]
    for path in stale:
        path.write_bytes(b"")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale[2], (old, old))
    stale_dirs = [out / ".dossier" / "scratch" / f"build-{dead}-q1w2e3", Path(tempfile.gettempdir())
                  / f"dossier-soffice-{dead}-r4t5y6"]
    kept = [out / ".我的笔记.abcd1234.tmp.pdf", out / ".申报表.qwer1234.tmp.docx"]  # the latter: too recent
    live = Path(tempfile.mkdtemp(prefix=f"dossier-soffice-{os.getpid()}-"))
    for path in kept:
        path.write_bytes(b"mine")
    for folder in stale_dirs:
        (folder / "profile").mkdir(parents=True)
    try:
        build_lib.build(root)
        assert not any(p.exists() for p in stale + stale_dirs)
        assert all(p.exists() for p in kept) and live.is_dir()
        assert not list((out / ".dossier" / "scratch").iterdir())
    finally:
        shutil.rmtree(live, ignore_errors=True)
        for folder in stale_dirs:
            shutil.rmtree(folder, ignore_errors=True)
