"""Batched, cached LibreOffice conversion with the official-font map."""

from __future__ import annotations

import subprocess

import docx
from docx.oxml.ns import qn
import pytest

from dossier import office

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")


def test_batch_converts_once_and_caches(tmp_path):
    """This test ensures that one call converts several Word files (with Chinese text in 仿宋_GB2312), that
    identical content is converted once (also a copy under another name in the same batch, as a clerk
    files one notice under two standards), and that a second call reuses the cache without LibreOffice."""
    sources = []
    for i, text in enumerate(["县级未成年人保护工作会议纪要", "培训通知"]):
        d = docx.Document()
        run = d.add_paragraph().add_run(text)
        run.font.name = "仿宋_GB2312"
        run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
        p = tmp_path / f"{i}.docx"
        d.save(p)
        sources.append(p)
    (tmp_path / "副本").mkdir()
    sources.append(tmp_path / "副本" / "会议纪要.docx")
    sources[2].write_bytes(sources[0].read_bytes())
    before = [p.read_bytes() for p in sources]
    converted = []
    result = office.convert(sources, "pdf", tmp_path / "cache", progress=converted.append)
    assert all(r.output and r.output.is_file() and not r.cached and r.error is None for r in result.values())
    assert result[sources[0]].output == result[sources[2]].output != result[sources[1]].output
    assert sum(converted) == 3 and len(list((tmp_path / "cache").iterdir())) == 2
    text = subprocess.run(["pdftotext", str(result[sources[0]].output), "-"], capture_output=True, text=True).stdout
    assert "县级未成年人保护工作会议纪要" in text
    fonts = subprocess.run(["pdffonts", str(result[sources[0]].output)], capture_output=True, text=True).stdout
    assert "Fandol" in fonts and " yes " in fonts  # mapped to FandolFang and embedded
    assert [p.read_bytes() for p in sources] == before  # evidence never modified
    again = office.convert(sources, "pdf", tmp_path / "cache")
    assert all(r.cached for r in again.values())


def test_broken_file_gets_an_error_not_an_exception(tmp_path):
    """This test ensures that a spreadsheet LibreOffice cannot open is reported per file while the others convert."""
    good = tmp_path / "good.docx"
    docx.Document().save(good)
    bad = tmp_path / "bad.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    bad_docx = tmp_path / "bad.docx"
    bad_docx.write_bytes(b"PK\x03\x04 truncated")
    rtf = tmp_path / "really-rtf.doc"
    rtf.write_bytes(rb"{\rtf1\ansi\ansicpg936 {\fonttbl{\f0 SimSun;}} \f0 \u20250?\u20250? hello}")
    result = office.convert([good, bad, bad_docx, rtf], "pdf", tmp_path / "cache")
    assert result[good].output is not None
    assert result[rtf].output is not None
    for broken in (bad, bad_docx):
        assert result[broken].output is None and "LibreOffice" in result[broken].error


def test_missing_libreoffice_is_plain(tmp_path, monkeypatch):
    """This test ensures that without LibreOffice each file gets the plain Chinese reason."""
    monkeypatch.setattr(office, "soffice", lambda: None)
    src = tmp_path / "a.docx"
    docx.Document().save(src)
    result = office.convert([src], "pdf", tmp_path / "cache")
    assert result[src].error == office.MISSING_MESSAGE


def test_wide_spreadsheet_prints_one_page_wide(tmp_path):
    """This test ensures that a wide Excel table becomes A4 landscape pages one page wide (no columns cut onto a
    second page), and that only a scratch copy is changed, never the evidence file."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "批示日期", "批示领导", "批示内容摘要", "承办单位", "办结日期", "办理结果"])
    for i in range(1, 5):
        ws.append([i, "2021-03-02", "县长", "加强农村留守儿童关爱服务" * 2, "县民政局", "2021-03-30", "已办结，报送书面报告"])
    for col, width in zip("ABCDEFG", (6, 12, 10, 40, 16, 12, 30)):
        ws.column_dimensions[col].width = width
    src = tmp_path / "台账.xlsx"
    wb.save(src)
    before = src.read_bytes()
    out = office.convert([src], "pdf", tmp_path / "cache")[src].output
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info and "Page size:       841.89 x" in info  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    first_row = next(line for line in text.splitlines() if "序号" in line)
    assert "办理结果" in first_row
    assert src.read_bytes() == before
