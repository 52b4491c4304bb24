"""``dossier.verify.verify`` catches a dossier whose pages no longer match its references."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import docx
import pikepdf
import pytest

from dossier import build as build_lib
from dossier import office
from dossier.errors import UsageError
from dossier.verify import distinctive, verify

sys.path.insert(0, str(Path(__file__).parent / "binder"))
from makers import MINUTES, project  # noqa: E402

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("verify") / "县"
    project(root)
    result = build_lib.build(root, dividers=False)
    return root, result


@pytest.fixture
def copy(built, tmp_path):
    root = tmp_path / "县"
    shutil.copytree(built[0], root)
    return root, built[1]


def test_untouched_dossier_passes(built):
    """This test ensures that a freshly built dossier (here without divider pages) verifies clean."""
    result = verify(built[0])
    assert result.ok, result.mismatches
    assert result.pages == built[1].total_pages


def test_swapped_pages_are_caught(copy):
    """This test ensures that swapping two body pages in the PDF is reported: the moved pages carry
    the wrong printed numbers and the meeting minutes are no longer where the 目录 says."""
    root, result = copy
    pm = result.page_map
    placed = pm.placements[MINUTES]
    target = root / "输出" / "证明材料汇编.pdf"
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        a, b = pm.pdf_index(placed.first), pm.pdf_index(1)
        pages = list(pdf.pages)
        first, other = pages[a], pages[b]
        pdf.pages[a] = other
        pdf.pages[b] = first
        pdf.save(target)
    found = verify(root)
    assert not found.ok
    messages = "\n".join(f"{m.where}：{m.message}" for m in found.mismatches)
    assert f"第{placed.first}页" in messages
    assert MINUTES in messages


def test_wrong_reference_in_self_report_is_caught(copy):
    """This test ensures that a 自评报告 whose page reference was edited by hand is reported with the
    document and the line."""
    root, result = copy
    placed = result.page_map.placements[MINUTES]
    path = root / "输出" / "自评报告.docx"
    doc = docx.Document(str(path))
    right = f"见汇编第{placed.first}–{placed.last}页"
    edited = 0
    for p in doc.paragraphs:
        if right in p.text:
            for run in p.runs:
                plain = run.text.replace("\u2060", "")
                if f"{placed.first}–{placed.last}" in plain:
                    run.text = plain.replace(f"{placed.first}–{placed.last}", f"{placed.first + 1}–{placed.last + 1}")
                    edited += 1
            break
    assert edited
    doc.save(str(path))
    found = verify(root)
    assert [m.where.split("“")[0] for m in found.mismatches] == ["自评报告.docx"]


def test_verify_before_build_says_what_to_do(tmp_path):
    """This test ensures that verify on a project never built tells the clerk to run build first."""
    root = tmp_path / "新县"
    project(root)
    with pytest.raises(UsageError) as caught:
        verify(root)
    assert "dossier build" in caught.value.message


def test_distinctive_line_skips_short_and_numeric_runs():
    """This test ensures that the text verify looks for is a real run of words, not a number or a
    one-character token."""
    assert distinctive("1\n2021\n— 3 —\n关于成立未成年人保护工作领导小组的通知") == "关于成立未成年人保护工作"
    assert distinctive("项目\t金额\n专项经费明细\t1000", length=4) == "专项经费"


def test_text_reading_without_font_lookup_finds_the_same_chinese(tmp_path):
    """This test ensures that the switch verify reads pages under (pdfium's system-font lookup
    off, public as dossier.readers.pdf.no_system_fonts, old name kept) finds the same Chinese on a
    PDF with a non-embedded CJK font as a normal read, also when nested, and restores the lookup
    after."""
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from dossier.readers import pdf as pdf_reader

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "cid.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    c.drawString(72, 700, "县级未成年人保护工作领导小组会议纪要")
    c.save()

    def read() -> str:
        doc = pdfium.PdfDocument(str(path))
        try:
            return "".join(doc[0].get_textpage().get_text_range().split())
        finally:
            doc.close()

    normal = read()
    with pdf_reader.no_system_fonts():
        with pdf_reader._no_system_fonts():
            nested = read()
        outer = read()
    assert normal == nested == outer == "县级未成年人保护工作领导小组会议纪要"
    assert pdf_reader._lookup_off == 0
    assert read() == normal


def test_two_files_with_the_same_title_and_date_under_one_standard_verify(tmp_path):
    """Two bound files under 2.1.3 whose manifest rows give the same 材料名称 and 日期 print the same
    目录 text and bookmark title, each pointing at its own pages. This test ensures that verify
    matches such bookmarks one by one instead of reporting a false mismatch."""
    import datetime as dt

    import openpyxl
    from makers import CONFIG, text_pdf

    root = tmp_path / "县"
    root.mkdir()
    (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
    first, second = "材料/2.1.3 县级会议/纪要甲.pdf", "材料/2.1.3 县级会议/纪要乙.pdf"
    text_pdf(root / first, ["县未成年人保护工作领导小组会议纪要甲本正文", "甲本第二页"])
    text_pdf(root / second, ["县未成年人保护工作领导小组会议纪要乙本正文"])
    book = openpyxl.Workbook()
    book.active.append(["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"])
    for path in (first, second):
        book.active.append(["2.1.3", path, "县级会议纪要", "会议纪要", dt.date(2021, 3, 15), "", ""])
    book.save(root / "材料清单.xlsx")
    result = build_lib.build(root)
    pages = {result.page_map.placements[p].first for p in (first, second)}
    assert len(pages) == 2
    checked = verify(root)
    assert checked.ok, checked.mismatches
