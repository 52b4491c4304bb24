"""The four views of a CheckReport: terminal (plain and colour, by category and by
department), JSON (validated against schemas/check-report.schema.json), HTML, XLSX."""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import resources

import jsonschema
import pytest
from openpyxl import load_workbook

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.check import evaluate
from dossier.records import Assignment, EvidenceFile, ManifestProblem
from dossier.reports import html_report, json_report, terminal, xlsx_report

D = dt.date


def _file(path, kind, date, error=None):
    return EvidenceFile(path, "0" * 64, 10, 0.0, "pdf", title=path, kind=kind, date=date, error=error)


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


@pytest.fixture(scope="module")
def report(tmp_path_factory, cat):
    """A county with one meeting in 2021, a broken file, a bad manifest row, townships
    partly covered, and an N4 incident inside the look-back window."""
    root = tmp_path_factory.mktemp("county")
    (root / "dossier.yaml").write_text(
        "application_date: 2021-10-25\nperiod: {start: 2021-01-01, end: 2021-09-30}\npopulation: 200000\n"
        "units:\n  townships: [城关镇, 大坡镇, 六景镇]\n"
        "incidents:\n  - {item: N4, date: 2021-05-01, summary: 户籍登记问题}\n", encoding="utf-8")
    files = [_file("材料/纪要.pdf", "会议纪要", D(2021, 3, 15)), _file("材料/坏.pdf", "", None, "PDF 文件已损坏"),
             _file("材料/工作站.pdf", "照片", D(2021, 4, 1)), _file("材料/承诺书.pdf", "承诺书", D(2021, 10, 1))]
    assignments = [Assignment("材料/纪要.pdf", "2.1.3", "name"),
                   Assignment("材料/纪要.pdf", "1.1.1", "manifest", row=2), Assignment("材料/坏.pdf", "2.1.1", "manifest", row=3),
                   Assignment("材料/工作站.pdf", "10.1.2", "manifest", row=4, unit="城关镇"),
                   Assignment("材料/承诺书.pdf", "N1", "name")]
    bad = [ManifestProblem("材料清单.xlsx", 7, "未知指标编号 2.1.9，相近的有效编号：2.1.1、2.1.2")]
    return evaluate(cat, project_lib.load(root), files, assignments, bad, registers_root=root)


def test_json_matches_contract_and_schema(report, cat):
    """The JSON object has the contract's keys and vocabulary, every item in catalog order,
    and validates against the shipped schema. This test ensures that scripts can rely on §5."""
    data = json.loads(json_report.render(report, cat))
    schema = json.loads(resources.files("dossier").joinpath("schemas", "check-report.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["catalog"] == "minor-protection-2021" and data["eligible"] is False
    assert [i["id"] for i in data["indicators"]] == list(cat.ids())
    assert data["summary"]["violated"] == 1 and data["summary"]["not_applicable"] == 1
    i213 = next(i for i in data["indicators"] if i["id"] == "2.1.3")
    assert i213["status"] == "partial" and i213["evidence"] == ["材料/纪要.pdf"]
    assert i213["problems"] == [{"code": "too-few-per-year", "message": "2021年仅1份会议纪要，需至少2份"}]
    assert {"path": "材料/坏.pdf", "status": "error", "message": "PDF 文件已损坏", "assigned": ["2.1.1"]} in data["files"]
    assert data["manifest"] == [{"source": "材料清单.xlsx", "row": 7, "message": "未知指标编号 2.1.9，相近的有效编号：2.1.1、2.1.2"}]


def test_schema_rejects_a_wrong_status(report, cat):
    """A standard with an N-item status fails validation. This test ensures that the schema
    actually constrains the vocabulary (it can fail)."""
    data = json.loads(json_report.render(report, cat))
    data["indicators"][0]["status"] = "declared"
    schema = json.loads(resources.files("dossier").joinpath("schemas", "check-report.schema.json").read_text("utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_terminal_verdict_first_then_gaps_then_files(report, cat):
    """Plain terminal text starts with 不予推荐 and N4's reason, shows counts and a bar per
    category, then gaps with problem lines and departments, then the broken file and the bad
    manifest row; no ANSI codes when not on a terminal. This test ensures that the report follows the order a clerk reads."""
    text = terminal.render(report, cat, color=False)
    lines = text.splitlines()
    assert lines[0].startswith("检查结论：不予推荐") and "N4" in lines[0]
    assert "户籍登记问题" in lines[1]
    assert "\x1b[" not in text
    assert "部分达标" in text and "11 队伍建设" in text and "█" in text
    assert "2021年仅1份会议纪要，需至少2份" in text and "责任部门：县委、县政府、民政" in text
    assert "大坡镇、六景镇未见工作站材料（1/3，需≥50%）" in text
    assert text.index("需要补充的材料") < text.index("无法读取的文件") < text.index("材料/坏.pdf：PDF 文件已损坏")
    assert "材料清单.xlsx 第7行：未知指标编号 2.1.9" in text


def test_terminal_colour_and_by_department(report, cat):
    """With colour the text carries ANSI codes; --by-department groups gaps under each
    responsible department (2.1.7 under 乡镇). This test ensures that both terminal
    modes (colour, by department) show what they promise."""
    assert "\x1b[" in terminal.render(report, cat, color=True)
    text = terminal.render(report, cat, by_department=True)
    assert "按责任部门" in text
    town = text.index("■ 乡镇（")
    assert text.index("2.1.7", town) > town


def test_html_is_self_contained(report, cat):
    """The HTML has the verdict, an inline SVG chart, every standard row with its status and
    department filter data, and nothing fetched from the network.
    This test ensures that the file can be mailed and opened offline."""
    html = html_report.render(report, cat)
    assert html.startswith("<!DOCTYPE html>") and "不予推荐" in html and "<svg" in html
    assert html.count("<tr data-status=") == len(cat.standards) + len(cat.negative_items)
    assert 'data-status="not_applicable"' in html and "applyFilter" in html
    for needle in ("src=\"http", "href=\"http", "@import", "url(http"):
        assert needle not in html


def test_xlsx_task_list(report, cat):
    """The 任务分解表 has a header-styled sheet of every gap and one sheet per department,
    with the five contract columns, wrapped text and sized columns.
    This test ensures that the workbook is ready to send to each bureau."""
    wb = load_workbook(io.BytesIO(xlsx_report.render(report, cat)))
    ws = wb["全部任务"]
    assert [c.value for c in ws[1]] == ["指标编号", "工作标准", "存在问题", "需补充材料", "责任部门"]
    assert ws["A1"].font.bold and ws["C2"].alignment.wrap_text and ws.column_dimensions["B"].width >= 30
    gaps = [f for f in report.findings if f.status in ("missing", "partial", "undeclared", "violated")]
    assert ws.max_row == len(gaps) + 1
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "2.1.3")
    assert "2021年仅1份会议纪要，需至少2份" in row[2] and row[4] == "县委、县政府、民政"
    assert "乡镇" in wb.sheetnames and "民政" in wb.sheetnames
    assert {r[0] for r in wb["乡镇"].iter_rows(min_row=2, values_only=True)} >= {"2.1.7", "10.1.2"}
