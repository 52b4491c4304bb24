"""材料清单 reading and ``accept``: real .xlsx and .csv files written in each test."""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pytest

from dossier import catalog as catalog_lib
from dossier.errors import UsageError
from dossier.manifest import accept, read_manifests
from dossier.scaffold import manifest_workbook
from evidence_makers import make_project


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def write_xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "材料清单"
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_every_chinese_column_is_read_with_row_numbers(tmp_path):
    """Every column of the contract is read from an xlsx, with the header as row 1 and blank
    rows ignored but still counted in row numbers. This test ensures that clerks' row numbers match messages."""
    write_xlsx(tmp_path / "材料清单.xlsx", [
        ("指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"),
        ("2.1.3", "材料/纪要.pdf", "第一次会议纪要", "会议纪要", dt.date(2021, 3, 15), "城关镇", "原件存档"),
        (None, None, None, None, None, None, None),
        ("N1", "材料/承诺.pdf", None, None, "2021年3月1日", None, None),
    ])
    rows, problems = read_manifests(tmp_path)
    assert problems == []
    assert [r.row for r in rows] == [2, 4]
    first = rows[0]
    assert (first.indicator, first.file, first.title, first.kind, first.unit, first.note) == (
        "2.1.3", "材料/纪要.pdf", "第一次会议纪要", "会议纪要", "城关镇", "原件存档")
    assert first.date == dt.date(2021, 3, 15)
    assert rows[1].date == "2021年3月1日"
    assert rows[0].source == "材料清单.xlsx"


def test_english_aliases_and_reordered_columns(tmp_path):
    """English header aliases in any order and case map to the same fields.
    This test ensures that a manifest made from an English template is understood."""
    write_xlsx(tmp_path / "材料清单.xlsx", [
        ("Note", "Unit", "Date", "Kind", "Title", "File", "Indicator"),
        ("n", "大坡镇", "2021/3/15", "照片", "活动照片", "材料/a.jpg", "4.1.2"),
    ])
    rows, problems = read_manifests(tmp_path)
    assert problems == []
    r = rows[0]
    assert (r.indicator, r.file, r.title, r.kind, r.date, r.unit, r.note) == (
        "4.1.2", "材料/a.jpg", "活动照片", "照片", "2021/3/15", "大坡镇", "n")


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gb18030", False)])
def test_csv_encodings(tmp_path, encoding, bom):
    """A CSV in UTF-8, UTF-8 with BOM or GB18030 reads to the same Chinese text.
    This test ensures that a CSV saved by Excel on Chinese Windows is not garbled."""
    text = "指标编号,文件,材料名称\r\n2.1.3、2.1.7,材料\\纪要.pdf,县委常委会会议纪要\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    (tmp_path / "材料清单.csv").write_bytes(data)
    rows, problems = read_manifests(tmp_path)
    assert problems == []
    assert rows[0].title == "县委常委会会议纪要"
    assert rows[0].indicator == "2.1.3、2.1.7"
    assert rows[0].file == "材料\\纪要.pdf"
    assert rows[0].row == 2


def test_both_manifests_are_read(tmp_path):
    """When both 材料清单.xlsx and 材料清单.csv exist, rows of both are read, each with its source.
    This test ensures that neither manifest is silently ignored."""
    write_xlsx(tmp_path / "材料清单.xlsx", [("指标编号", "文件"), ("2.1.3", "材料/a.pdf")])
    (tmp_path / "材料清单.csv").write_text("指标编号,文件\n2.1.7,材料/b.pdf\n", encoding="utf-8")
    rows, _ = read_manifests(tmp_path)
    assert {(r.source, r.indicator) for r in rows} == {("材料清单.xlsx", "2.1.3"), ("材料清单.csv", "2.1.7")}


def test_missing_header_is_reported(tmp_path):
    """A manifest whose row 1 lacks the required 指标编号/文件 headers yields one problem on row 1.
    This test ensures that a sheet with data but no header is not misread."""
    write_xlsx(tmp_path / "材料清单.xlsx", [("2.1.3", "材料/a.pdf"), ("2.1.7", "材料/b.pdf")])
    rows, problems = read_manifests(tmp_path)
    assert rows == []
    assert problems[0].row == 1 and "指标编号" in problems[0].message and "表头" in problems[0].message


def test_unreadable_csv_and_damaged_xlsx(tmp_path):
    """Bytes that are neither UTF-8 nor GB18030, and an .xlsx that is not a workbook, are each
    one plain problem. This test ensures that a broken manifest never stops the run."""
    (tmp_path / "材料清单.csv").write_bytes(b"\x81\x30\xff\xfe\x00\x81")
    (tmp_path / "材料清单.xlsx").write_bytes(b"not a zip")
    rows, problems = read_manifests(tmp_path)
    assert rows == []
    messages = {p.source: p.message for p in problems}
    assert "编码" in messages["材料清单.csv"]
    assert "损坏" in messages["材料清单.xlsx"]


def test_accept_keeps_formatting_and_validation(tmp_path, cat):
    """accept appends right after the last filled row of the template, keeping header style,
    column widths and both dropdown validations. This test ensures that accept never damages the clerk's workbook."""
    project = make_project(tmp_path, ["材料/会议/纪要.pdf"])
    wb = manifest_workbook(cat)
    ws = wb.active
    ws["A2"], ws["B2"] = "2.1.7", "材料/已有.pdf"  # the template pre-formats 500 rows below this
    wb.save(tmp_path / "材料清单.xlsx")

    result = accept(project, cat, "会议/纪要.pdf", ["２．１．３", "N1"])
    assert result.added and result.row == 3 and result.ids == ("2.1.3", "N1")
    assert result.path == "材料/会议/纪要.pdf"

    wb = openpyxl.load_workbook(tmp_path / "材料清单.xlsx")
    ws = wb["材料清单"]
    assert ws["A3"].value == "2.1.3、N1" and ws["B3"].value == "材料/会议/纪要.pdf"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.column_dimensions["B"].width == 48
    assert ws.freeze_panes == "A2"
    ranges = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert ranges["A2:A501"].startswith("=指标体系!") and ranges["D2:D501"].startswith("=材料类型!")
    assert wb["材料类型"].sheet_state == "hidden"
    rows, problems = read_manifests(tmp_path)
    assert [(r.row, r.indicator) for r in rows] == [(2, "2.1.7"), (3, "2.1.3、N1")]

    again = accept(project, cat, "材料/会议/纪要.pdf", ["2.1.3"])
    assert not again.added


def test_accept_creates_manifest_and_refuses_bad_input(tmp_path, cat):
    """Without a manifest, accept creates one from the template; unknown IDs, missing files
    and paths outside the project are refused in Chinese. This test ensures that accept only writes valid rows."""
    project = make_project(tmp_path, ["材料/纪要.pdf"])
    result = accept(project, cat, "材料/纪要.pdf", ["2.1.3"])
    assert result.created and result.row == 2
    assert "指标体系" in openpyxl.load_workbook(tmp_path / "材料清单.xlsx").sheetnames
    with pytest.raises(UsageError, match="未知指标编号 2.1.9.*2.1.3"):
        accept(project, cat, "材料/纪要.pdf", ["2.1.9"])
    with pytest.raises(UsageError, match="找不到文件"):
        accept(project, cat, "材料/没有.pdf", ["2.1.3"])
    with pytest.raises(UsageError, match="项目文件夹之外"):
        accept(project, cat, "../x.pdf", ["2.1.3"])


@pytest.mark.parametrize("encoding,bom", [("utf-8", True), ("gb18030", False)])
def test_accept_appends_to_csv_in_its_encoding(tmp_path, cat, encoding, bom):
    """With only a CSV, accept appends to it in the CSV's own encoding (and BOM) and line endings.
    This test ensures that Excel still opens the CSV correctly after accept."""
    project = make_project(tmp_path, ["材料/纪要.pdf"])
    data = "指标编号,文件,材料名称\r\n2.1.7,材料/a.pdf,甲\r\n".encode(encoding)
    (tmp_path / "材料清单.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    result = accept(project, cat, "纪要.pdf", ["2.1.3"])
    assert result.manifest == "材料清单.csv" and result.row == 3
    raw = (tmp_path / "材料清单.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    body = raw[3:] if bom else raw
    assert body.decode(encoding).endswith("2.1.3,材料/纪要.pdf,\r\n")
    assert not (tmp_path / "材料清单.xlsx").exists()


def test_tab_separated_csv(tmp_path, cat):
    """A CSV exported as tab-separated text is read by its header, and accept appends with tabs.
    This test ensures that Excel's "Unicode text" export works as a manifest."""
    project = make_project(tmp_path, ["材料/纪要.pdf"])
    (tmp_path / "材料清单.csv").write_text("指标编号\t文件\n2.1.7\t材料/a.pdf\n", encoding="utf-8")
    rows, problems = read_manifests(tmp_path)
    assert problems == [] and (rows[0].indicator, rows[0].file) == ("2.1.7", "材料/a.pdf")
    accept(project, cat, "纪要.pdf", ["2.1.3"])
    assert (tmp_path / "材料清单.csv").read_text(encoding="utf-8").endswith("2.1.3\t材料/纪要.pdf\n")


X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>指标体系!$A$2:$A$84</xm:f>'
    '</x14:formula1><xm:sqref>A2:A501</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def test_accept_keeps_excel_2010_extensions_byte_for_byte(tmp_path, cat):
    """A manifest saved by Excel keeps cross-sheet dropdowns in an x14 extension list that
    openpyxl drops on save; accept edits only the sheet's rows, so the extension and every
    other part of the workbook stay byte for byte. This test ensures that accept never loses a clerk's dropdowns."""
    import zipfile

    project = make_project(tmp_path, ["材料/纪要.pdf"])
    source = tmp_path / "template.xlsx"
    manifest_workbook(cat).save(source)
    target = tmp_path / "材料清单.xlsx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", X14_VALIDATION.encode() + b"</worksheet>")
            out.writestr(info, data)
    before = {i.filename: zipfile.ZipFile(target).read(i.filename) for i in zipfile.ZipFile(target).infolist()}

    result = accept(project, cat, "材料/纪要.pdf", ["2.1.3"])
    assert result.row == 2
    after = {i.filename: zipfile.ZipFile(target).read(i.filename) for i in zipfile.ZipFile(target).infolist()}
    assert after.keys() == before.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["xl/worksheets/sheet1.xml"]
    assert "指标体系!$A$2:$A$84".encode() in after["xl/worksheets/sheet1.xml"]
    rows, problems = read_manifests(tmp_path)
    assert problems == [] and [(r.row, r.indicator, r.file, r.note) for r in rows] == [
        (2, "2.1.3", "材料/纪要.pdf", "由 dossier accept 确认")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl announcing it would drop the x14 list
        ws = openpyxl.load_workbook(target)["材料清单"]
    assert ws["E2"].number_format == "yyyy-mm-dd"  # the template's pre-formatted date cell kept its style
    assert ws["A1"].font.b
