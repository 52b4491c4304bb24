"""Spreadsheet pages as LibreOffice prints them for the 汇编 (issue 11 §8): the file's title on
every page, nothing below the 9 pt floor, wide tables split into page columns with the header
repeated — measured with pdfplumber on the converted PDFs."""

from __future__ import annotations

import shutil

import pdfplumber
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from dossier import office

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")

HEADER = ["序号", "姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训内容", "学时", "考核结果", "备注"]


def _register(path, *, rows: int, widths, size: float | None = None, title_row: str | None = None) -> None:
    """A register as clerks keep them: an optional merged title row, a header row, data rows."""
    wb = Workbook()
    ws = wb.active
    cols = len(widths)
    if title_row:
        ws.append([title_row])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=cols)
        ws["A1"].font = Font(name="宋体", sz=16, bold=True)
    ws.append(HEADER[:cols])
    for i in range(1, rows + 1):
        ws.append([i, f"韦丽华{i}", "儿童督导员", "城关镇人民政府社会事务办公室", "2019-03-01", "2020-07-16",
                   "未成年人保护法及儿童督导员工作职责", 8, "合格", "无"][:cols])
    if size:
        for row in ws.iter_rows():
            for cell in row:
                cell.font = Font(name="宋体", sz=size)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = width
    wb.save(path)


def _pages(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        return [(["".join(c["text"] for c in p.chars)], [c["size"] for c in p.chars if c["text"].strip()])
                for p in pdf.pages]


def test_sheet_pages_carry_the_title_and_never_print_below_the_floor(tmp_path):
    """This test ensures that a long register in 8 pt type, a very wide one and a legacy .et
    copy of it are printed with the file's title (as the index knows it) on every page, no
    character below the size that still prints at 9 pt once the binder has fitted the page
    (≈9.7 pt), the wide table split into page columns with its header row on every page, a
    sheet that prints its own title not given a second one on page 1, and the evidence file
    itself left unchanged."""
    long_sheet, wide_sheet, titled = tmp_path / "培训台账.xlsx", tmp_path / "宽表.xlsx", tmp_path / "有标题.xlsx"
    _register(long_sheet, rows=90, widths=(6, 10, 12, 30, 12, 12, 30), size=8)
    _register(wide_sheet, rows=12, widths=(6, 10, 16, 34, 12, 12, 40, 8, 12, 30))
    _register(titled, rows=5, widths=(6, 10, 16, 30, 12), title_row="示范县儿童督导员培训台账（2021年）")
    legacy = tmp_path / "宽表旧版.et"
    made = office.convert([wide_sheet], "xls", tmp_path / "xls")[wide_sheet].output
    shutil.copyfile(made, legacy)
    before = {p: p.read_bytes() for p in (long_sheet, wide_sheet, titled, legacy)}
    titles = {long_sheet: "示范县儿童督导员培训台账", wide_sheet: "示范县儿童主任培训考核登记表",
              legacy: "示范县儿童主任培训考核登记表", titled: "示范县儿童督导员培训台账（2021年）"}
    done = office.convert(list(titles), "pdf", tmp_path / "cache", titles=titles)
    floor = office.min_sheet_point_size()
    assert 9.6 < floor < 9.8
    for src, title in titles.items():
        pages = _pages(done[src].output)
        for n, (texts, sizes) in enumerate(pages):
            text = texts[0]
            assert text.count(title) == 1, (src.name, n, text[:80])
            assert min(sizes) >= floor - 0.05, (src.name, n, min(sizes))
        if src == long_sheet:
            assert len(pages) >= 2
            # The header row repeats on every page (page columns included).
            assert all(any(h in texts[0] for h in HEADER[1:7]) for texts, _ in pages)
            # 8 pt type is printed at the floor rather than fitted smaller.
            assert abs(min(pages[0][1]) - floor) < 0.5
    for src in (wide_sheet, legacy):
        pages = _pages(done[src].output)
        assert len(pages) >= 2  # one page wide would print 11 pt at ≈ 55 %: split instead
        heads = [[h for h in HEADER if h in texts[0]] for texts, _ in pages]
        assert all(heads) and set(sum(heads, [])) == set(HEADER)  # every column, each page headed
        assert all("序号" in texts[0] for texts, _ in pages)  # the key column repeats
    for path, data in before.items():
        assert path.read_bytes() == data


def test_sheet_cache_name_carries_the_title(tmp_path):
    """This test ensures that a converted sheet is reused only for the same content and the
    same printed title: another title is converted again (and printed), the same one is not."""
    src = tmp_path / "台账.xlsx"
    _register(src, rows=3, widths=(6, 10, 16))
    cache = tmp_path / "cache"
    first = office.convert([src], "pdf", cache, titles={src: "甲台账"})[src]
    again = office.convert([src], "pdf", cache, titles={src: "甲台账"})[src]
    other = office.convert([src], "pdf", cache, titles={src: "乙台账"})[src]
    assert not first.cached and again.cached and again.output == first.output
    assert not other.cached and other.output != first.output
    assert "乙台账" in _pages(other.output)[0][0][0] and "乙台账" not in _pages(first.output)[0][0][0]


def test_a_fit_smaller_than_estimated_is_printed_again_at_the_floor(tmp_path, monkeypatch):
    """This test ensures that when LibreOffice's own fit-to-width comes out smaller than dossier
    estimated (here: the width estimate is made 30 % too small, so a wide table in 14 pt type is
    left to LibreOffice's fit, which would print it at ≈ 8.7 pt), the sheet is converted again
    at the floor scale and still prints nothing below it."""
    monkeypatch.setattr(office, "_WIDTH_PT_PER_UNIT_AND_SIZE", {})
    monkeypatch.setattr(office, "_WIDTH_PT_OTHER", 0.44)
    wide = tmp_path / "宽表.xlsx"
    _register(wide, rows=6, widths=(6, 10, 16, 34, 12, 12, 40, 8, 12, 30), size=14)
    out = office.convert([wide], "pdf", tmp_path / "cache", titles={wide: "宽表"})[wide].output
    pages = _pages(out)
    assert len(pages) >= 2
    assert min(min(sizes) for _, sizes in pages) >= office.min_sheet_point_size() - 0.05
