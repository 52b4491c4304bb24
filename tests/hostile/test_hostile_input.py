"""Hostile input and Windows habits, dropped into the sample county as a new user would (issue 10,
input side): every class is answered with a plain Chinese message naming the file, row or key,
never a traceback or exit 3, and never a changed verdict.

The sample is copied and indexed once per module; each test copies that indexed folder (the
index comes along, so only the hostile file is read) and runs the real ``dossier`` command.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
from pathlib import Path

import openpyxl
import pytest

from cli_runner import SAMPLE, invoke
from hostile_makers import (FORMULA, billion_laughs, circular_alias, encrypted_office, gbk_named,
                            hostile_manifest_csv, html_table_xls, huge_integer, pdf_bomb, zip_bomb_xlsx)
from evidence_makers import docx_bytes, pdf_bytes

MEETINGS = "材料/2.1.3 县级会议"
MEETING_2021 = f"{MEETINGS}/2021-03-15 示范县未成年人保护工作领导小组2021年第一次全体会议纪要.pdf"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "示范县"
    shutil.copytree(SAMPLE, root)
    # Nothing here is about scans; without OCR no recognition engine is loaded in this process
    # before the reader workers fork (onnxruntime objects do not survive a fork).
    with open(root / "dossier.yaml", "a", encoding="utf-8") as f:
        f.write("ocr: false\n")
    assert invoke("check", root).exit_code == 1  # the sample has gaps on purpose; each copy reads only what it adds
    return root


@pytest.fixture
def county(indexed, tmp_path) -> Path:
    root = tmp_path / "示范县"
    shutil.copytree(indexed, root, symlinks=True)
    return root


def report(root: Path) -> dict:
    result = invoke("check", root, "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def finding(data: dict, item: str) -> dict:
    return next(i for i in data["indicators"] if i["id"] == item)


def assert_no_crash(result) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- names


def test_gbk_file_name_is_reported_under_a_readable_name(county):
    """A file whose name is GBK bytes (a Windows zip unpacked on Linux) used to crash every
    command in the index. This test ensures that every command runs, that the clerk sees the
    name as it reads in Chinese with a plain reason and a fix, and that the verdict is unchanged."""
    before = finding(report(county), "2.1.3")["status"]
    gbk_named(county / MEETINGS, "2021-09-10 第二次会议纪要.pdf", pdf_bytes([["会议纪要", "会议时间：2021年9月10日"]]))
    check = invoke("check", county)
    assert_no_crash(check)
    assert f"{MEETINGS}/2021-09-10 第二次会议纪要.pdf：文件名或所在文件夹名不是 UTF-8 编码" in check.stdout
    assert "unzip -O GBK" in check.stdout
    data = report(county)
    entry = next(f for f in data["files"] if f["path"].endswith("第二次会议纪要.pdf"))
    assert entry["status"] == "error" and finding(data, "2.1.3")["status"] == before
    for args in (("index", county), ("suggestions", county), ("search", "会议", "-p", county), ("verify", county)):
        assert_no_crash(invoke(*args))


def test_symlink_loop_reads_each_file_once(county):
    """``材料/链接/parent_loop → ..`` used to read the whole evidence tree twice and double the
    counts. This test ensures that links inside the evidence folder are not followed: the file
    list and every verdict stay exactly as they were."""
    before = report(county)
    (county / "材料" / "链接").mkdir()
    os.symlink("..", county / "材料" / "链接" / "parent_loop")
    os.symlink(f"../../{MEETING_2021}", county / "材料" / "链接" / "纪要链接.pdf")
    after = report(county)
    assert [f["path"] for f in after["files"]] == [f["path"] for f in before["files"]]
    assert after["summary"] == before["summary"]
    assert finding(after, "2.1.3")["evidence"] == finding(before, "2.1.3")["evidence"]


def test_identical_copy_in_a_second_folder_counts_once(county):
    """The same minutes copied into a second 2.1.3 folder used to turn 2.1.3 from partial to met:
    a false compliance claim. This test ensures that identical content counts once, that the
    standard warns naming the copy, and that JSON lists the copy with the file it counts as."""
    assert finding(report(county), "2.1.3")["status"] == "partial"
    (county / "材料" / "2.1.3 补充材料").mkdir()
    shutil.copy2(county / MEETING_2021, county / "材料" / "2.1.3 补充材料" / "会议纪要（复印件）.pdf")
    data = report(county)
    item = finding(data, "2.1.3")
    assert item["status"] == "partial"
    assert "材料/2.1.3 补充材料/会议纪要（复印件）.pdf" not in item["evidence"]
    assert any(w["code"] == "duplicate-content" and "会议纪要（复印件）.pdf" in w["message"] for w in item["warnings"])
    assert {"path": "材料/2.1.3 补充材料/会议纪要（复印件）.pdf", "same_as": MEETING_2021} in data["duplicates"]
    text = invoke("check", county).stdout
    assert "内容相同的副本" in text and "会议纪要（复印件）.pdf" in text


# --------------------------------------------------------------------------- manifests


def test_project_files_named_in_a_manifest_are_never_evidence(county):
    """A manifest row naming the project folder, last build's dossier (spelled several ways),
    the manifest, dossier.yaml or the recycle bin used to bind the old dossier into the new one.
    This test ensures that each such row is reported with its row number and reason and that
    none of those files becomes evidence."""
    (county / "输出").mkdir(exist_ok=True)
    (county / "输出" / "证明材料汇编.pdf").write_bytes(pdf_bytes([["会议纪要", "会议时间：2021年6月1日"]]))
    (county / "材料" / ".回收站").mkdir()
    (county / "材料" / ".回收站" / "旧纪要.pdf").write_bytes(pdf_bytes([["会议纪要"]]))
    written = [".", "输出/证明材料汇编.pdf", "./输出\\证明材料汇编.pdf", "输出", "材料清单.xlsx", "dossier.yaml",
               "材料/.回收站/旧纪要.pdf"]
    (county / "材料清单.csv").write_text(hostile_manifest_csv([("2.1.3", w, "", "") for w in written]), encoding="utf-8")
    data = report(county)
    rows = {m["row"]: m["message"] for m in data["manifest"] if m["source"] == "材料清单.csv"}
    assert sorted(rows) == list(range(2, 2 + len(written)))
    for row, w in enumerate(written, 2):
        assert rows[row].startswith(f"文件 {w} 不能作为证明材料（") and rows[row].endswith("此行已跳过")
    assert "输出/ 中是 dossier 生成的申报材料" in rows[3] and "这是整个项目文件夹" in rows[2]
    paths = {f["path"] for f in data["files"]}
    assert not any(p.startswith("输出") or p in ("dossier.yaml", "材料清单.xlsx") or "回收站" in p for p in paths)
    assert finding(data, "2.1.3")["status"] == "partial"


def test_control_characters_and_formulas_stay_text_in_the_built_manifest(tmp_path):
    """Control characters in a CSV manifest's 材料名称 used to stop the build (openpyxl), and a 备注
    or a PDF's first line starting with = became a live formula in 输出/材料清单.xlsx. This test
    ensures that the build finishes and that every such cell is plain text, as written."""
    from evidence_makers import make_project

    rows = [("2.1.3", "材料/会议/纪要一.pdf", "第二次\x01会议\x07纪要", "=HYPERLINK(\"http://x\",\"点我\")"),
            ("2.1.3", "材料/会议/纪要二.pdf", FORMULA, "+1+2"),
            ("4.1.2", "材料/活动.pdf", "", "@SUM(A1)")]
    project = make_project(tmp_path / "县", {
        "材料/会议/纪要一.pdf": pdf_bytes([["会议纪要", "会议时间：2021年3月15日"]]),
        "材料/会议/纪要二.pdf": pdf_bytes([["会议纪要", "会议时间：2021年9月10日"]]),
        "材料/活动.pdf": pdf_bytes([[FORMULA, "家长学校活动记录", "活动时间：2021年4月1日"]]),
    }, manifest_csv=hostile_manifest_csv(rows))
    settings = (SAMPLE / "dossier.yaml").read_text(encoding="utf-8")  # complete enough to build
    settings = settings.replace("narrative: 材料/基本情况.docx", "narrative: 示范县基本情况。")
    settings = settings.replace("communities: {file: 台账/村社区名单.xlsx}", "communities: [城关社区]")
    (project.root / "dossier.yaml").write_text(settings, encoding="utf-8")
    result = invoke("build", project.root)
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(project.root / "输出" / "材料清单.xlsx").active
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert {"第二次会议纪要", "=HYPERLINK(\"http://x\",\"点我\")", FORMULA, "+1+2", "@SUM(A1)"} <= values
    book = openpyxl.load_workbook(io.BytesIO(invoke_xlsx(project.root)))
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def invoke_xlsx(root: Path) -> bytes:
    target = root / "输出" / "任务分解表.xlsx"
    assert invoke("check", root, "--format", "xlsx").exit_code == 1
    return target.read_bytes()


def test_zip_bomb_manifest_is_refused_not_unpacked(county):
    """材料清单.xlsx that inflates to hundreds of megabytes is refused by the same limits as
    evidence workbooks. This test ensures that check reports it as a manifest problem (exit 1)
    and the run goes on with the names."""
    zip_bomb_xlsx(county / "材料清单.xlsx")
    result = invoke("check", county)
    assert_no_crash(result)
    assert result.exit_code == 1
    assert "材料清单.xlsx：" in result.stdout and "压缩炸弹" in result.stdout and "此清单未读取" in result.stdout


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize("make, key, words", [
    (circular_alias, "incidents", "循环引用"),
    (huge_integer, "population", "数字过大"),
    (billion_laughs, "units.schools", "展开后内容过多"),
])
def test_hostile_settings_stop_with_key_and_line(county, make, key, words):
    """A circular alias, a 5,000-digit number and billion-laughs anchors in dossier.yaml used to
    crash or hang with memory growing without bound. This test ensures that each stops at once
    with exit 2, naming dossier.yaml's line and the key."""
    config = county / "dossier.yaml"
    config.write_text(make(config.read_text(encoding="utf-8")), encoding="utf-8")
    result = invoke("check", county)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and f"（键 {key}" in result.stderr
    line = int(result.stderr.split("dossier.yaml:")[1].split("：")[0])
    assert key.split(".")[0] in config.read_text(encoding="utf-8").splitlines()[line - 1] or key == "units.schools"


def test_evidence_dir_naming_a_missing_folder_is_an_error(county):
    """``evidence_dir:`` naming a folder that is not there used to be accepted, every standard
    turning 缺材料. This test ensures that the clerk gets exit 2 naming the key and its line."""
    config = county / "dossier.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("evidence_dir: 材料", "evidence_dir: 证明材料"),
                      encoding="utf-8")
    (county / "材料清单.xlsx").unlink()
    result = invoke("check", county)
    assert result.exit_code == 2, result.output
    assert "材料文件夹 证明材料 不存在" in result.stderr and "（键 evidence_dir）" in result.stderr
    assert "dossier.yaml:" in result.stderr


def test_init_refuses_an_empty_folder_name(tmp_path):
    """``dossier init ""`` used to turn the current folder into a project. This test ensures
    that it is refused with exit 2 and nothing is created."""
    result = invoke("init", "", cwd=tmp_path)
    assert result.exit_code == 2 and "项目文件夹名为空" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_suggested_accept_commands_can_be_pasted_into_a_shell(county):
    """Suggested ``dossier accept`` lines are printed for copy-paste; a name with a space, a
    quote or a $ used to break them. This test ensures that the shell reads the line back as
    exactly the file's path."""
    odd = "材料/未分类/O'Brien $HOME 家长学校 `活动`.docx"
    (county / odd).write_bytes(docx_bytes(["关于建立家长学校的通知", "家长学校每季度至少开展一次活动。",
                                           "活动时间：2021年3月15日"]))
    result = invoke("suggestions", county)
    lines = [ln.strip() for ln in result.stdout.splitlines() if "dossier accept" in ln and "Brien" in ln]
    assert lines, result.stdout
    args = shlex.split(lines[0].split("：", 1)[1])
    assert args[:2] == ["dossier", "accept"] and args[2] == odd


# --------------------------------------------------------------------------- evidence


def test_unassigned_files_are_named_in_every_view(county):
    """Unassigned evidence with no suggestion used to be only a count. This test ensures that
    every evidence file is either assigned or named as unassigned in check's terminal, HTML,
    xlsx and JSON output."""
    data = report(county)
    loose = data["unassigned"]
    assert loose == sorted(f["path"] for f in data["files"] if not f["assigned"] and "duplicate_of" not in f
                           and f["path"] != "材料/基本情况.docx")
    assert "材料/未分类/IMG_20210601_093015.jpg" in loose
    text = invoke("check", county).stdout
    assert "未分配到任何指标的文件" in text and all(p in text for p in loose)
    assert invoke("check", county, "--format", "html").exit_code == 1
    html = (county / "输出" / "检查报告.html").read_text(encoding="utf-8")
    assert all(p.replace("&", "&amp;") in html for p in loose)
    book = openpyxl.load_workbook(io.BytesIO(invoke_xlsx(county)))
    listed = {row[0].value for row in book["未分配的文件"].iter_rows(min_row=2)}
    assert set(loose) <= listed


def test_password_protected_office_files_say_so(county):
    """A password-protected .docx/.xlsx used to be reported as an old Office file with a wrong
    extension. This test ensures that the clerk is told the file has an opening password."""
    folder = county / "材料" / "3.1.1 受理处置程序"
    (folder / "加密的规程.docx").write_bytes(encrypted_office(docx_bytes(["涉未成年人案件受理处置规程"])))
    book = openpyxl.Workbook()
    book.active.append(["姓名", "岗位"])
    buf = io.BytesIO()
    book.save(buf)
    (folder / "加密的台账.xlsx").write_bytes(encrypted_office(buf.getvalue()))
    data = report(county)
    for name in ("加密的规程.docx", "加密的台账.xlsx"):
        entry = next(f for f in data["files"] if f["path"].endswith(name))
        assert entry["status"] == "error" and entry["message"].startswith("文件已加密（设有打开密码）")
        assert "旧版 Office" not in entry["message"]


def test_html_table_saved_as_xls_is_read(county):
    """A web system's "Excel export" (an HTML table named .xls) used to fail conversion though
    LibreOffice opens it. This test ensures that it is read and its text is searchable."""
    (county / "材料" / "11.2.1 儿童主任培训" / "培训名单导出.xls").write_bytes(
        html_table_xls([["姓名", "岗位", "培训日期"], ["韦小宝", "儿童主任", "2021-05-20"]]))
    data = report(county)
    entry = next(f for f in data["files"] if f["path"].endswith("培训名单导出.xls"))
    assert entry["status"] == "ok", entry
    hits = invoke("search", "韦小宝", "-p", county)
    assert hits.exit_code == 0 and "培训名单导出.xls" in hits.stdout


def test_decompression_bomb_pdf_is_reported_within_a_memory_budget(county):
    """A PDF whose content stream inflates a thousandfold (1 MB to 1 GB; here 200 KB to 200 MB)
    used to take that much memory and more. This test ensures that it is reported by name as a
    suspected bomb and nothing else changes."""
    before = report(county)
    (county / MEETINGS / "2021-09-10 纪要.pdf").write_bytes(pdf_bomb(200))
    after = report(county)
    entry = next(f for f in after["files"] if f["path"].endswith("2021-09-10 纪要.pdf"))
    assert entry["status"] == "error" and "压缩炸弹" in entry["message"]
    assert after["summary"] == before["summary"]


def test_reader_workers_have_an_address_space_budget(tmp_path, monkeypatch):
    """A bomb made of many small streams passes the stream guard; the reader worker's memory
    limit is the backstop. This test ensures that such a file is reported (not read without
    bound) while an ordinary file read by the same workers is fine."""
    from dossier import index
    from dossier.catalog import load as load_catalog
    from evidence_makers import make_project

    monkeypatch.setattr(index, "MEMORY_BASE", 256 * 1024 * 1024)
    project = make_project(tmp_path / "县", {
        "材料/2.1.3 会议/纪要.pdf": pdf_bytes([["会议纪要", "会议时间：2021年3月15日"]]),
        "材料/2.1.3 会议/大纪要.pdf": pdf_bomb(60, repeats=12),
    })
    result = index.run_index(project, load_catalog("minor-protection-2021"), jobs=1)
    assert result.file("材料/2.1.3 会议/纪要.pdf").ok
    bomb = result.file("材料/2.1.3 会议/大纪要.pdf")
    assert not bomb.ok and "内存" in bomb.error


def test_build_in_a_gbk_named_project_folder_is_refused_plainly(tmp_path):
    """A project folder unzipped from a Windows zip keeps its GBK bytes; LibreOffice and the
    PDF tools cannot be handed such a path. This test ensures that build says so in Chinese,
    names the folder readably, exits 2 and writes nothing next to it."""
    root = os.fsdecode(os.fsencode(tmp_path) + b"/" + "示范县".encode("gbk"))
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("输出"))
    res = invoke("build", root)
    assert res.exit_code == 2, res.output
    assert "不是有效的 UTF-8 编码" in res.stderr and "示范县" in res.stderr
    assert os.listdir(tmp_path) == [os.path.basename(root)]
