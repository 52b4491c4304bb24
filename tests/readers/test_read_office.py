"""Word and Excel evidence: .docx body, tables, headers/footers, properties; .xlsx cells
and real date cells; legacy .doc/.wps/.xls/.et through LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

from reader_makers import MINUTES_LINES, NOTICE_LINES, make_docx, make_xlsx, rezip

from dossier import office
from dossier.readers import convert_legacy, read, read_file


def test_docx_paragraphs_tables_headers_footers(project):
    """A .docx gives its paragraphs, its table rows (cells joined by a tab), its header and
    footer, and the facts: title, 文号, issuer, labelled date from a table cell.
    This test ensures that nothing a reader sees in Word is missed."""
    make_docx(project / "材料" / "培训.docx",
              ["示范县儿童主任培训班培训记录", "参训人员认真学习了《未成年人保护法》。"],
              table=[["培训时间", "2021年5月20日"], ["培训地点", "县民政局会议室"]],
              header="示范县民政局", footer="第 1 页")
    ev = read_file(project, "材料/培训.docx")
    assert ev.ok and ev.format == "docx"
    assert "培训时间\t2021年5月20日" in ev.text
    assert "培训地点\t县民政局会议室" in ev.text
    assert "示范县民政局" in ev.text and "第 1 页" in ev.text
    assert ev.title == "示范县儿童主任培训班培训记录"
    assert (ev.date, ev.date_source) == (dt.date(2021, 5, 20), "培训时间")
    assert ev.kind == "培训记录"


def test_docx_notice_facts_and_core_title_fallback(project):
    """The 公文 facts come from the body; the core-properties title is used only when the
    body shows no title line.
    This test ensures that stale document properties do not override the real title."""
    make_docx(project / "材料" / "通知.docx", NOTICE_LINES, core_title="旧模板标题")
    ev = read_file(project, "材料/通知.docx")
    assert ev.title == "示范县人民政府办公室关于印发《示范县未成年人保护工作领导小组工作规则》的通知"
    assert ev.doc_number == "示政办发〔2021〕12号" and ev.issuer == "示范县人民政府办公室"
    assert (ev.date, ev.date_source) == (dt.date(2021, 3, 15), "成文日期")
    make_docx(project / "材料" / "表格.docx", [], table=[["姓名", "单位"], ["张三", "城关镇"]],
              core_title="城关镇儿童主任名册")
    assert read_file(project, "材料/表格.docx").title == "城关镇儿童主任名册"


def test_docx_page_count_from_app_properties(project):
    """The page count Word saved in docProps/app.xml is taken; without that part it is unknown.
    This test ensures that pages are known for Word files without converting them."""
    import re

    path = make_docx(project / "材料" / "三页.docx", NOTICE_LINES)
    import zipfile

    with zipfile.ZipFile(path) as z:
        app = z.read("docProps/app.xml")
    rezip(path, {"docProps/app.xml": re.sub(rb"<Pages>\d+</Pages>", b"<Pages>3</Pages>", app)})
    assert read_file(project, "材料/三页.docx").pages == 3
    rezip(path, {"docProps/app.xml": None})
    ev = read_file(project, "材料/三页.docx")
    assert ev.ok and ev.pages is None


def test_xlsx_cells_and_real_dates(project):
    """Every sheet's cells come out as text; a real date cell reads 2021-05-20, whole numbers
    have no ".0"; a register is a 工作台账 titled by its first title row.
    This test ensures that registers' dates and names are searchable and datable."""
    make_xlsx(project / "材料" / "台账.xlsx", {
        "培训": [["示范县儿童主任培训台账"], ["姓名", "培训日期", "总课时", "儿童社会工作课时"],
                 ["张三", dt.date(2021, 5, 20), 8, 4.5], ["李四", dt.datetime(2021, 6, 3), 6, 3]],
        "说明": [["填报单位", "示范县民政局"]],
    })
    r = read(project, "材料/台账.xlsx")
    ev = r.evidence
    assert ev.ok and ev.format == "xlsx" and r.sheets == ("培训", "说明")
    assert "张三\t2021-05-20\t8\t4.5" in ev.page_texts[0]
    assert "李四\t2021-06-03\t6\t3" in ev.page_texts[0]
    assert "填报单位\t示范县民政局" in ev.page_texts[1]
    assert ev.title == "示范县儿童主任培训台账"
    assert ev.kind == "工作台账"
    assert ev.dates == (dt.date(2021, 5, 20), dt.date(2021, 6, 3))
    assert (ev.date, ev.date_source) == (dt.date(2021, 5, 20), "正文")


def test_legacy_doc_wps_xls_et_read_through_libreoffice(project, office_made, tmp_path):
    """.doc and .wps (Word 97 bytes) and .xls and .et (Excel 97 bytes) are converted once by
    LibreOffice and read like .docx/.xlsx; the batch helper converts them all up front
    (a broken one fails alone, a modern file is left out) and a later read answers from
    the cache.
    This test ensures that county offices' legacy files count as evidence."""
    for ext, src in ((".doc", "doc"), (".wps", "doc"), (".xls", "xls"), (".et", "xls")):
        shutil.copyfile(office_made[src], project / "材料" / f"旧{ext}")
    rels = ["材料/旧.doc", "材料/旧.wps", "材料/旧.xls", "材料/旧.et"]
    # Word 97's signature with broken insides: fails in the same batch, alone.
    (project / "材料" / "坏.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    cache = project / "输出" / ".dossier" / "legacy"
    done = convert_legacy(project, [*rels, "材料/坏.doc", "材料/新.docx"], cache)
    assert set(done) == {*rels, "材料/坏.doc"}
    assert "LibreOffice" in done["材料/坏.doc"]
    assert read_file(project, "材料/坏.doc", legacy_cache=cache).error == done["材料/坏.doc"]
    assert all(not isinstance(done[rel], str) for rel in rels), done
    for rel in rels:
        r = read(project, rel, converted=done[rel])
        ev = r.evidence
        assert ev.ok, (rel, ev.error)
        assert ev.format == rel.rsplit(".", 1)[1]
        assert ev.sha256 == office.sha256_file(project / rel)
        if rel.endswith((".doc", ".wps")):
            assert ev.doc_number == "示政办发〔2021〕12号"
            assert (ev.date, ev.date_source) == (dt.date(2021, 5, 20), "培训时间")
        else:
            assert "张三\t2021-05-20\t8" in ev.text
    # read_file with the same cache finds the conversion without LibreOffice.
    before = sorted(p.name for p in cache.iterdir())
    assert read_file(project, "材料/旧.doc", legacy_cache=cache).doc_number == "示政办发〔2021〕12号"
    assert sorted(p.name for p in cache.iterdir()) == before


def test_legacy_without_libreoffice_is_an_error_for_those_files_only(project, office_made, monkeypatch):
    """With no LibreOffice installed, a .doc is reported with the install hint while a .docx
    beside it still reads.
    This test ensures that a missing LibreOffice costs only the legacy files."""
    monkeypatch.setattr(office, "soffice", lambda: None)
    shutil.copyfile(office_made["doc"], project / "材料" / "旧.doc")
    make_docx(project / "材料" / "新.docx", MINUTES_LINES)
    old = read_file(project, "材料/旧.doc", legacy_cache=project / "输出" / "cache")
    assert old.error == office.MISSING_MESSAGE and old.format == "doc"
    assert read_file(project, "材料/新.docx").ok


def test_docx_text_boxes_once_and_non_breaking_hyphens(project):
    """Text in a Word text box is read once (not again from its VML fallback copy), and a
    date typed with non-breaking hyphens reads as a date.
    This test ensures that layouts with text boxes neither lose nor double text."""
    path = make_docx(project / "材料" / "文本框.docx", ["示范县关爱活动记录", "PLACEHOLDER"])
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
    box = ("<w:txbxContent><w:p><w:r><w:t>活动地点：城关镇儿童之家</w:t></w:r></w:p></w:txbxContent>")
    run = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>' + box +
           '</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>' + box +
           "</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    dated = "<w:r><w:t>活动时间：2021</w:t><w:noBreakHyphen/><w:t>06</w:t><w:noBreakHyphen/><w:t>01</w:t></w:r>"
    body = body.replace("<w:r><w:t>PLACEHOLDER</w:t></w:r>", dated + run)
    rezip(path, {"word/document.xml": body.encode("utf-8")})
    ev = read_file(project, "材料/文本框.docx")
    assert ev.ok, ev.error
    assert ev.text.count("活动地点：城关镇儿童之家") == 1
    assert (ev.date, ev.date_source) == (dt.date(2021, 6, 1), "活动时间")
    assert ev.kind == "活动记录"
