"""``dossier index / suggestions / accept / search`` through the real entry point."""

from __future__ import annotations

import shlex

import openpyxl
import pytest

from dossier.store import project_lock
from evidence_makers import docx_bytes, pdf_bytes


@pytest.fixture(scope="module")
def blobs():
    return {
        "minutes": pdf_bytes([["县未成年人保护工作领导小组会议纪要", "会议时间：2021年3月15日"],
                              ["会议研究了困境儿童保障资金。"]]),
        "school": docx_bytes(["关于建立家长学校的通知", "各乡镇：为加强家庭教育指导，开展家长学校活动。",
                              "家长学校每季度至少开展一次活动。"]),
    }


@pytest.fixture
def county(tmp_path, blobs):
    root = tmp_path / "某某县"
    (root / "材料" / "2.1.3 县级会议").mkdir(parents=True)
    (root / "dossier.yaml").write_text("catalog: minor-protection-2021\nevidence_dir: 材料\n", encoding="utf-8")
    (root / "材料" / "2.1.3 县级会议" / "纪要.pdf").write_bytes(blobs["minutes"])
    (root / "材料" / "家长学校.docx").write_bytes(blobs["school"])
    return root


def test_index_clean_project_exits_0_with_summary(cli, county):
    """A clean project indexes with exit 0 and a Chinese summary; the second run reads nothing.
    This test ensures that the clerk sees counts, pages, assignment and read/reused figures."""
    first = cli("index", county)
    assert first.exit_code == 0, first.output
    for word in ("文件总数", "页数", "已分配到指标的文件", "未分配的文件", "无法读取的文件", "本次读取 / 沿用上次", "用时"):
        assert word in first.stdout
    assert "2 / 0" in first.stdout
    assert "材料/家长学校.docx → 4.1.2" in first.stdout
    assert f"dossier accept '材料/家长学校.docx' 4.1.2 -p {shlex.quote(str(county))}" in first.stdout
    here = cli("index", ".", cwd=county)
    assert "dossier accept '材料/家长学校.docx' 4.1.2\n" in here.stdout
    second = cli("index", county, "--jobs", "1")  # after the run from inside the folder: still nothing new
    assert second.exit_code == 0 and "0 / 2" in second.stdout
    assert "Traceback" not in first.output + second.output


def test_index_with_bad_rows_and_bad_files_exits_1(cli, county):
    """Bad manifest rows (with row numbers) and unreadable files are listed and the exit code is 1.
    This test ensures that problems are reported without stopping the run."""
    (county / "材料清单.csv").write_text("指标编号,文件\n2.1.9,材料/家长学校.docx\n2.1.4,材料/没有.pdf\n",
                                        encoding="utf-8")
    (county / "材料" / "某政办发[2021]1号 坏.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (county / "材料" / "空.docx").write_bytes(b"")
    result = cli("index", county)
    assert result.exit_code == 1
    assert "材料清单.csv 第 2 行：未知指标编号 2.1.9，相近的有效编号：2.1.1" in result.stdout
    assert "材料清单.csv 第 3 行：找不到文件 材料/没有.pdf" in result.stdout
    assert "材料/某政办发[2021]1号 坏.pdf：" in result.stdout and "材料/空.docx：文件为空" in result.stdout
    assert "Traceback" not in result.output


def test_usage_and_settings_errors_exit_2(cli, tmp_path, county):
    """No dossier.yaml, a bad --jobs value and a busy project each exit 2 with a Chinese message.
    This test ensures that usage problems are never tracebacks."""
    missing = cli("index", tmp_path / "没有")
    assert missing.exit_code == 2 and "项目文件夹不存在" in missing.stderr
    bad_jobs = cli("index", county, "--jobs", "0")
    assert bad_jobs.exit_code == 2 and "--jobs 应为正整数" in bad_jobs.stderr
    with project_lock(county / "输出" / ".dossier"):
        busy = cli("index", county)
    assert busy.exit_code == 2 and "另一个 dossier 正在处理此项目，请稍候再试" in busy.stderr


def test_suggestions_then_accept_then_counted(cli, county):
    """suggestions proposes 4.1.2 for the unassigned docx; accept writes it into 材料清单.xlsx;
    the next index counts it as assigned and no longer suggests it.
    This test ensures that the suggest → accept loop works end to end."""
    shown = cli("suggestions", county)
    assert shown.exit_code == 0 and "材料/家长学校.docx → 4.1.2" in shown.stdout and "不计入" in shown.stdout
    accepted = cli("accept", "家长学校.docx", "4.1.2", "--project", county)
    assert accepted.exit_code == 0, accepted.output
    assert "材料清单.xlsx（新建） 第 2 行添加：材料/家长学校.docx → 4.1.2" in accepted.stdout
    ws = openpyxl.load_workbook(county / "材料清单.xlsx")["材料清单"]
    assert (ws["A2"].value, ws["B2"].value) == ("4.1.2", "材料/家长学校.docx")
    after = cli("index", county)
    assert after.exit_code == 0 and "建议" not in after.stdout
    assert cli("suggestions", county).stdout.startswith("没有建议")


def test_accept_from_inside_the_folder_and_refusals(cli, county):
    """accept takes a path relative to the current folder; an unknown ID or a missing file exits 2.
    This test ensures that accept understands how clerks type paths and refuses bad input."""
    ok = cli("accept", "家长学校.docx", "４．１．１", "--project", "..", cwd=county / "材料")
    assert ok.exit_code == 0 and "材料/家长学校.docx → 4.1.1" in ok.stdout
    again = cli("accept", "材料/家长学校.docx", "4.1.1", "-p", county)
    assert again.exit_code == 0 and "未重复添加" in again.stdout
    unknown = cli("accept", "材料/家长学校.docx", "4.1.9", "-p", county)
    assert unknown.exit_code == 2 and "未知指标编号 4.1.9" in unknown.stderr
    missing = cli("accept", "材料/无.pdf", "4.1.1", "-p", county)
    assert missing.exit_code == 2 and "找不到文件" in missing.stderr


def test_search_prints_file_page_and_marked_snippet(cli, county):
    """search prints file, page and the snippet with the term marked; nothing found exits 1.
    This test ensures that full-text search is usable from the command line."""
    found = cli("search", "困境儿童", "-p", county)
    assert found.exit_code == 0
    assert "材料/2.1.3 县级会议/纪要.pdf  第 2 页：会议研究了【困境儿童】保障资金。" in found.stdout
    short = cli("search", "家长", "--project", county)
    assert short.exit_code == 0 and "材料/家长学校.docx  第 1 页" in short.stdout
    none = cli("search", "不存在的词语", "-p", county)
    assert none.exit_code == 1 and "没有找到" in none.stdout


@pytest.mark.parametrize("command", ["index", "suggestions", "accept", "search"])
def test_help_is_chinese(cli, command):
    """Every command's --help is in Chinese. This test ensures that clerks can read the help."""
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"用法： dossier {command} [选项]")
    description = [line for line in result.stdout.splitlines() if line.strip()][1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in description)
    assert "Options" not in result.stdout and "Usage" not in result.stdout


def test_missing_evidence_folder_is_pointed_out(cli, county):
    """When evidence_dir names a folder that does not exist, index stops with exit 2 naming the
    key and line instead of silently finding nothing. This test ensures that a typo in
    dossier.yaml is noticed before every standard turns into 缺材料."""
    (county / "dossier.yaml").write_text("catalog: minor-protection-2021\nevidence_dir: 证明材料\n", encoding="utf-8")
    result = cli("index", county)
    assert result.exit_code == 2
    assert "dossier.yaml:2" in result.stderr and "材料文件夹 证明材料 不存在" in result.stderr
    assert "键 evidence_dir" in result.stderr
