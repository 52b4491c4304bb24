"""`dossier check` end to end: real project folders (Chinese-text PDFs made with reportlab,
a .docx made with python-docx, an .xlsx manifest and register) through the real entry point."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import docx
import jsonschema
import pytest
from openpyxl import Workbook, load_workbook
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CONFIG = """\
catalog: minor-protection-2021
evidence_dir: 材料
application_date: 2021-10-25
period: {start: 2021-01-01, end: 2021-09-30}
population: 350000
units:
  townships: [城关镇, 大坡镇]
"""

TINY_CATALOG = """\
id: tiny
name: 小型测试指标体系
categories:
  - name: 组织领导
    subitems:
      - name: 组织协调
        standards:
          - text: 每年至少召开一次会议。
            short: 每年至少召开一次会议
            kinds: [会议纪要]
            departments: [民政]
            rules:
              - {type: count_per_period, period: year, min: 1, kind: 会议纪要}
negative_list:
  items:
    - text: 申报前2年间未发生重大事件。
      short: 未发生重大事件
      departments: [县政府]
      rules:
        - {type: incident_lookback, years: 2}
        - {type: declaration, kind: 承诺书}
"""


def pdf(path, *lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 28 * i, line)
    c.save()


def commitment(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.add_heading("承诺书", level=1)
    d.add_paragraph("我县申报前2年间未发生因履职不力导致的重大案件，特此承诺。")
    d.add_paragraph("2021年10月20日")
    d.save(str(path))


def manifest(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["指标编号", "文件", "材料类型", "日期", "主体"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Template county: 2.1.3 with two 2021 minutes (by folder name), a 城关镇 工作站 photo
    PDF for 10.1.2 (manifest, 主体), N1's 承诺书 (manifest), a broken PDF, and a manifest
    row naming the unknown ID 2.1.9."""
    root = tmp_path_factory.mktemp("示范县")
    (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
    ev = root / "材料"
    pdf(ev / "2.1.3 县级会议" / "第一次会议纪要.pdf", "县未成年人保护工作领导小组会议纪要", "会议时间：2021年3月15日")
    pdf(ev / "2.1.3 县级会议" / "第二次会议纪要.pdf", "县未成年人保护工作领导小组会议纪要", "会议时间：2021年8月2日")
    pdf(ev / "工作站" / "城关镇工作站.pdf", "城关镇未成年人保护工作站挂牌", "时间：2021年4月1日")
    commitment(ev / "承诺书.docx")
    (ev / "坏文件.pdf").write_bytes(b"%PDF-1.4\n1 0 obj broken")
    manifest(root / "材料清单.xlsx", [
        ["10.1.2", "工作站/城关镇工作站.pdf", "照片", None, "城关镇"],
        ["N1", "承诺书.docx", "承诺书", None, None],
        ["2.1.1", "坏文件.pdf", None, None, None],
        ["2.1.9", "承诺书.docx", None, None, None],
    ])
    return root


@pytest.fixture
def project(county, tmp_path):
    dest = tmp_path / "示范县"
    shutil.copytree(county, dest)
    return dest


def test_json_report_end_to_end(project, cli):
    """On a real folder: 2.1.3 met from two dated minutes found by folder name, 10.1.2 met
    (1 of 2 townships = 50%), N1 declared by its 承诺书, the broken PDF listed as an error
    assigned to 2.1.1, the 2.1.9 row reported with row 5; the JSON validates and exit is 1.
    This test ensures index → check → JSON works on real files."""
    r = cli("check", project, "--format", "json")
    assert r.exit_code == 1, r.stderr
    data = json.loads(r.stdout)
    schema = json.loads(resources.files("dossier").joinpath("schemas", "check-report.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    status = {i["id"]: i for i in data["indicators"]}
    assert status["2.1.3"]["status"] == "met", status["2.1.3"]
    assert status["10.1.2"]["status"] == "met", status["10.1.2"]
    assert status["N1"]["status"] == "declared"
    assert status["2.1.1"]["status"] == "partial"
    assert status["2.1.1"]["problems"][0]["code"] == "no-usable-evidence"
    broken = next(f for f in data["files"] if f["path"] == "材料/坏文件.pdf")
    assert broken["status"] == "error" and broken["message"] and broken["assigned"] == ["2.1.1"]
    rows = [(m["source"], m["row"]) for m in data["manifest"]]
    assert ("材料清单.xlsx", 5) in rows


def test_one_meeting_in_a_year_is_partial(project, cli):
    """Removing the second minutes leaves 2021 with one: 2.1.3 partial with the exact message.
    This test ensures the check follows the folder's real content."""
    (project / "材料" / "2.1.3 县级会议" / "第二次会议纪要.pdf").unlink()
    data = json.loads(cli("check", project, "--format", "json").stdout)
    i = next(i for i in data["indicators"] if i["id"] == "2.1.3")
    assert i["status"] == "partial"
    assert i["problems"] == [{"code": "too-few-per-year", "message": "2021年仅1份会议纪要，需至少2份"}]


def test_terminal_plain_when_piped(project, cli):
    """The default terminal view, piped, has no ANSI codes, starts with the verdict and
    groups by department with --by-department. This test ensures the daily command's text."""
    r = cli("check", project)
    assert r.exit_code == 1 and "\x1b[" not in r.stdout
    assert r.stdout.startswith("检查结论：符合申报条件")
    assert "材料/坏文件.pdf" in r.stdout and "材料清单.xlsx 第5行" in r.stdout
    r = cli("check", project, "--by-department")
    assert "■ 民政（" in r.stdout


def test_html_and_xlsx_written_under_output(project, cli):
    """--format html/xlsx write 输出/检查报告.html and 输出/任务分解表.xlsx and print the path;
    --output puts JSON into a file. This test ensures every format is produced where promised."""
    r = cli("check", project, "--format", "html")
    html = project / "输出" / "检查报告.html"
    assert r.exit_code == 1 and html.is_file() and "检查报告.html" in r.stdout
    assert "<svg" in html.read_text(encoding="utf-8")
    r = cli("check", project, "--format", "xlsx")
    xlsx = project / "输出" / "任务分解表.xlsx"
    assert xlsx.is_file() and "任务分解表.xlsx" in r.stdout
    assert "全部任务" in load_workbook(xlsx).sheetnames
    out = project / "输出" / "check.json"
    r = cli("check", project, "--format", "json", "--output", out)
    assert json.loads(out.read_text(encoding="utf-8"))["catalog"] == "minor-protection-2021"


def test_training_register_counts_end_to_end(project, cli):
    """A 台账/培训台账.xlsx with a 儿童主任 trained in time proves 11.2.1 without any
    manifest row, and is listed among the files. This test ensures registers are read by
    the real command."""
    (project / "台账").mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时"])
    ws.append(["李某", "儿童主任", "城关社区", "2021-03-01", "2021-05-20", "入职培训", 8, 4])
    wb.save(project / "台账" / "培训台账.xlsx")
    data = json.loads(cli("check", project, "--format", "json").stdout)
    i = next(i for i in data["indicators"] if i["id"] == "11.2.1")
    assert i["status"] == "met" and i["evidence"] == ["台账/培训台账.xlsx"]
    assert any(f["path"] == "台账/培训台账.xlsx" and f["assigned"] == ["11.2.1"] for f in data["files"])


def test_violated_incident_says_ineligible_first(project, cli):
    """An N4 incident on 2020-05-01 (inside 2019-10-25…2021-10-25) makes the first line
    不予推荐 and eligible false. This test ensures the verdict comes first."""
    cfg = project / "dossier.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "incidents:\n  - {item: N4, date: 2020-05-01, summary: 某事件}\n",
                   encoding="utf-8")
    r = cli("check", project)
    assert r.exit_code == 1 and r.stdout.splitlines()[0].startswith("检查结论：不予推荐")
    assert json.loads(cli("check", project, "--format", "json").stdout)["eligible"] is False


def test_exit_zero_when_all_good(tmp_path, cli):
    """A custom one-standard catalog with its minutes and 承诺书 (by name) is all good: exit 0.
    This test ensures a complete packet passes."""
    (tmp_path / "小指标.yaml").write_text(TINY_CATALOG, encoding="utf-8")
    (tmp_path / "dossier.yaml").write_text(
        "catalog: 小指标.yaml\napplication_date: 2021-10-25\nperiod: {start: 2021-01-01, end: 2021-09-30}\n",
        encoding="utf-8")
    pdf(tmp_path / "材料" / "1.1.1 会议" / "会议纪要.pdf", "领导小组会议纪要", "会议时间：2021年6月1日")
    commitment(tmp_path / "材料" / "N1 承诺书.docx")
    r = cli("check", tmp_path)
    assert r.exit_code == 0, r.output
    assert "全部工作标准已达标" in r.stdout


def test_unusable_settings_exit_2(tmp_path, cli):
    """No dossier.yaml, an unknown catalog, and an incident naming an item the catalog lacks
    each stop with exit 2 and a Chinese message, never a traceback.
    This test ensures settings errors are usage errors."""
    r = cli("check", tmp_path)
    assert r.exit_code == 2 and "dossier.yaml" in r.stderr and "Traceback" not in r.output
    (tmp_path / "dossier.yaml").write_text("catalog: no-such-catalog\n", encoding="utf-8")
    r = cli("check", tmp_path)
    assert r.exit_code == 2 and "未知的指标体系" in r.stderr
    (tmp_path / "小指标.yaml").write_text(TINY_CATALOG, encoding="utf-8")
    (tmp_path / "dossier.yaml").write_text(
        "catalog: 小指标.yaml\napplication_date: 2021-10-25\nincidents:\n  - {item: N5, date: 2021-01-01}\n",
        encoding="utf-8")
    r = cli("check", tmp_path)
    assert r.exit_code == 2 and "N5" in r.stderr and "Traceback" not in r.output
