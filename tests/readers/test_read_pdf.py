"""PDF evidence: Chinese text from both font kinds, scans, encryption, damage, page sizes."""

from __future__ import annotations

import datetime as dt
import shutil

import pikepdf
from reader_makers import MINUTES_LINES, NOTICE_LINES, cid_pdf, image_pdf

from dossier.readers import read, read_file


def test_cid_font_pdf_gives_chinese_text_and_facts(project):
    """A PDF typed with a non-embedded CID font (STSong-Light) yields its Chinese text page
    by page, with the title, 文号, issuer and 成文日期 a clerk reads off it.
    This test ensures that the most common county PDF is read correctly."""
    cid_pdf(project / "材料" / "通知.pdf", [NOTICE_LINES[:5], NOTICE_LINES[5:]])
    ev = read_file(project, "材料/通知.pdf")
    assert ev.ok and ev.format == "pdf" and ev.pages == 2
    assert "现将《示范县未成年人保护工作领导小组工作规则》印发给你们" in ev.page_texts[1]
    assert ev.title == "示范县人民政府办公室关于印发《示范县未成年人保护工作领导小组工作规则》的通知"
    assert ev.doc_number == "示政办发〔2021〕12号"
    assert ev.issuer == "示范县人民政府办公室"
    assert (ev.date, ev.date_source) == (dt.date(2021, 3, 15), "成文日期")
    assert ev.kind == "制度文件"
    assert not ev.scanned and not ev.encrypted
    assert len(ev.sha256) == 64 and ev.size == (project / "材料" / "通知.pdf").stat().st_size


def test_embedded_font_pdf_from_libreoffice(project, office_made):
    """A PDF exported by LibreOffice (embedded font subsets) reads back with no stray spaces
    between Chinese and digits, so its dates and 文号 are found.
    This test ensures that PDFs made from Word documents are read as well as typed ones."""
    shutil.copyfile(office_made["pdf"], project / "材料" / "转换.pdf")
    ev = read_file(project, "材料/转换.pdf")
    assert ev.ok, ev.error
    assert "示政办发〔2021〕12号" in ev.text
    assert "2021年3月15日" in ev.text
    assert ev.doc_number == "示政办发〔2021〕12号"
    # The docx has a table row "培训时间 | 2021年5月20日": a labelled date wins.
    assert (ev.date, ev.date_source) == (dt.date(2021, 5, 20), "培训时间")


def test_labelled_meeting_date_beats_closing_date(project):
    """Minutes with "会议时间：" take that date, not the later signature date.
    This test ensures that CONTRACT §3's date order is followed for PDFs."""
    cid_pdf(project / "材料" / "纪要.pdf", [MINUTES_LINES])
    ev = read_file(project, "材料/纪要.pdf")
    assert (ev.date, ev.date_source) == (dt.date(2021, 4, 8), "会议时间")
    assert ev.kind == "会议纪要"
    assert set(ev.dates) == {dt.date(2021, 4, 8), dt.date(2021, 4, 9)}


def test_scanned_pdf_is_marked(project):
    """A PDF of page images has pages but no text and is marked as a scan.
    This test ensures that scans are told apart from text PDFs (for OCR later)."""
    image_pdf(project / "材料" / "扫描件 2021-06-01.pdf", pages=3)
    ev = read_file(project, "材料/扫描件 2021-06-01.pdf")
    assert ev.ok and ev.scanned and ev.pages == 3
    assert ev.text.strip() == ""
    assert (ev.date, ev.date_source) == (dt.date(2021, 6, 1), "文件名")
    assert ev.title == "扫描件 2021-06-01"


def test_password_pdf_is_an_error_owner_only_pdf_reads(project):
    """A PDF that needs a password is reported in Chinese and marked encrypted; one with
    only an owner password (opens with the empty password) is read normally.
    This test ensures that encryption is handled as the issue asks."""
    plain = cid_pdf(project / "plain.pdf", [NOTICE_LINES])
    with pikepdf.open(plain) as pdf:
        pdf.save(project / "材料" / "加密.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
        pdf.save(project / "材料" / "限制.pdf", encryption=pikepdf.Encryption(owner="o", user=""))
    locked = read_file(project, "材料/加密.pdf")
    assert locked.error == "PDF 已加密，无法读取（请提供未加密的版本）"
    assert locked.encrypted and not locked.ok and len(locked.sha256) == 64
    restricted = read_file(project, "材料/限制.pdf")
    assert restricted.ok and restricted.encrypted
    assert restricted.doc_number == "示政办发〔2021〕12号"


def test_truncated_and_garbage_pdfs(project):
    """A PDF cut short and a file of junk named .pdf are errors with a plain reason.
    This test ensures that corrupt PDFs never raise."""
    whole = cid_pdf(project / "whole.pdf", [NOTICE_LINES])
    (project / "材料" / "截断.pdf").write_bytes(whole.read_bytes()[:400])
    (project / "材料" / "乱码.pdf").write_bytes(b"\x01\x02garbage" * 50)
    for name in ("截断.pdf", "乱码.pdf"):
        ev = read_file(project, f"材料/{name}")
        assert ev.error == "文件已损坏：不是有效的 PDF", (name, ev.error)


def test_page_sizes_and_rotation(project):
    """Page sizes (as shown, rotation applied) and /Rotate come back for the binder.
    This test ensures that landscape and rotated pages are known before binding."""
    path = cid_pdf(project / "材料" / "横版.pdf", [["第一页"], ["第二页"]], size=(841.89, 595.27))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[1].Rotate = 90
        pdf.save(path)
    r = read(project, "材料/横版.pdf")
    assert [(round(s.width), round(s.height), s.rotation) for s in r.page_sizes] == [(842, 595, 0), (595, 842, 90)]


def test_line_end_hyphen_is_restored(project):
    """pdfium reports a hyphen at a line end as U+FFFE; the text shows "-".
    This test ensures that no invisible character reaches search or the index."""
    from reportlab.pdfgen import canvas

    path = project / "材料" / "hyphen.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 12)
    c.drawString(50, 800, "The county child protec-")
    c.drawString(50, 785, "tion office")
    c.save()
    ev = read_file(project, "材料/hyphen.pdf")
    assert "\ufffe" not in ev.text and "protec-tion office" in ev.text


def test_rendering_still_uses_system_fonts_after_reading(project):
    """Reading switches pdfium's system-font lookup off for speed; afterwards a page with
    a non-embedded Chinese font still renders with real glyphs.
    This test ensures that the reader's speed trick does not leak into rendering."""
    import pypdfium2 as pdfium

    path = cid_pdf(project / "材料" / "render.pdf", [["示范县未成年人保护工作领导小组"]])

    def ink() -> int:
        doc = pdfium.PdfDocument(str(path))
        img = doc[0].render(scale=1).to_pil().convert("L")
        doc.close()
        return sum(1 for v in img.getdata() if v < 128)

    before = ink()
    assert read_file(project, "材料/render.pdf").ok
    assert ink() == before and before > 200


def test_mixed_pdf_lists_its_scanned_pages(project):
    """A PDF of a typed page followed by a scanned page is not a scan, but the scanned page
    is listed for OCR.
    This test ensures that partly scanned files keep their text and show what is missing."""
    typed = cid_pdf(project / "typed.pdf", [MINUTES_LINES])
    scan = image_pdf(project / "scan.pdf", pages=1)
    out = pikepdf.new()
    for src in (typed, scan):
        with pikepdf.open(src) as pdf:
            out.pages.extend(pdf.pages)
    out.save(project / "材料" / "混合.pdf")
    r = read(project, "材料/混合.pdf")
    assert r.evidence.ok and not r.evidence.scanned and r.evidence.pages == 2
    assert r.scanned_pages == (2,)


def test_garbled_text_layer_counts_as_no_text():
    """Private-use or replacement characters (fonts without a Unicode map) are noise.
    This test ensures that undecodable text layers are treated like scans, not read as facts."""
    from dossier.readers.pdf import garbled

    assert garbled("\ue001\ue002\ue003 \ue004\ue005 会")
    assert garbled("\ufffd\ufffd\ufffd\ufffd")
    assert not garbled("示范县未成年人保护工作领导小组会议纪要")
    assert not garbled("第1页")
