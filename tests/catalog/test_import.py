"""``dossier catalog import``: the 指标体系 table of a notice (.docx, text PDF, text) read back
into a draft catalog — verbatim texts, IDs by order, merged cells, page-break continuations,
cells split across pages, the 负面清单 block, and every cell it could not place."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from dossier import catalog as catalog_lib
from dossier import office
from dossier.catalog.importer import import_notice

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "fixtures" / "gx-minor-protection-notice-2021.txt"
EXAMPLE = REPO / "docs" / "examples" / "food-safety-demo.yaml"


def shape(cat):
    """Everything the clerk transcribes: names, IDs and texts, in order."""
    return ([(c.id, c.name) for c in cat.categories], [(s.id, s.name) for s in cat.subitems],
            [(s.id, s.text) for s in cat.items()], cat.negative_name, cat.levels)


def imported(cli, notice: Path, tmp_path: Path, name: str = "draft.yaml"):
    out = tmp_path / name
    r = cli("catalog", "import", str(notice), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    v = cli("catalog", "validate", str(out))
    assert v.exit_code == 0, v.stderr
    return catalog_lib.load(str(out)), out, r


@pytest.mark.parametrize("source", ["minor-protection-2021", str(EXAMPLE)], ids=["builtin", "example"])
def test_render_notice_then_import_round_trips(tmp_path, cli, source):
    """render-notice writes 附件1 as a Word table with merged 项目/内容 cells and the 负面清单
    row spanning two columns; importing that .docx gives the same names, IDs and texts.
    This test ensures that the importer reads what dossier (and Word) writes, verbatim."""
    notice = tmp_path / "通知.docx"
    assert cli("render-notice", source, "-o", str(notice)).exit_code == 0
    draft, out, r = imported(cli, notice, tmp_path)
    original = catalog_lib.load(source)
    assert shape(draft) == shape(original)
    assert draft.name == original.name
    text = out.read_text(encoding="utf-8")
    assert "# 猜测，请核对" in text and "未能放置的单元格（0 个）" in text
    assert f"{len(original.standards)} 条工作标准" in r.stdout


def test_seed_attachment_gives_the_83_items(tmp_path, cli):
    """The seed notice's 附件1 as text (tab-led cells, a wrapped name 法治宣传/教育, names repeated
    after page breaks, the 负面工作清单项 row over two columns) gives 11 categories, 34
    sub-items, 76 standards and 7 negative items identical to the built-in catalog.
    This test ensures that the seed's table is read as CONTRACT §1 numbers it."""
    draft, _, _ = imported(cli, SEED, tmp_path)
    assert (len(draft.categories), len(draft.subitems), len(draft.standards), len(draft.negative_items)) == (11, 34, 76, 7)
    assert shape(draft) == shape(catalog_lib.load())


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")
def test_text_pdf_round_trips(tmp_path, cli):
    """The rendered notice printed to PDF by LibreOffice (the 附件1 table over several pages
    with its header repeated) imports through pdfplumber's tables to the same items.
    This test ensures that a text PDF notice is read like the Word one."""
    notice = tmp_path / "通知.docx"
    assert cli("render-notice", "minor-protection-2021", "-o", str(notice)).exit_code == 0
    done = office.convert([notice], "pdf", tmp_path / "pdf")
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(done[notice].output.read_bytes())
    draft, _, _ = imported(cli, pdf, tmp_path)
    assert shape(draft) == shape(catalog_lib.load())


def _merge_down(table, col: int, first: int, last: int) -> None:
    table.cell(first, col).merge(table.cell(last, col))


def _clerks_notice() -> bytes:
    """A notice as a clerk's Word file: 一级指标/二级指标/评分标准/分值/备注, merged level cells,
    a table cut in two at a page break whose second part starts by finishing a standard,
    a 一票否决项 block with one cell over two columns, and a stray note."""
    d = docx.Document()
    d.add_paragraph("附件1")
    d.add_paragraph("某某县文明城市测评体系")
    t = d.add_table(rows=3, cols=5)
    rows = [
        ["一级指标", "二级指标", "评分标准", "分值", "备注"],
        ["组织保障", "领导机制", "成立创建工作领导小组。", "5", ""],
        ["", "", "每季度召开一次推进会议，", "", "见会议纪要"],
    ]
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            t.cell(r, c).text = v
    _merge_down(t, 0, 1, 2)
    _merge_down(t, 1, 1, 2)
    d.add_page_break()
    # The same table continued on the next page as a second table (no header row); its
    # first row finishes the standard cut at the page break, repeating the names above.
    t2 = d.add_table(rows=7, cols=5)
    rows2 = [
        ["组织保障", "领导机制", "研究解决重点问题。", "", ""],
        ["", "经费保障", "创建经费列入预算。", "5分", ""],
        ["环境整治", "市容市貌", "主次干道整洁有序。", "10", ""],
        ["", "", "背街小巷无乱搭乱建。", "五分", ""],
        ["一票否决项", "", "发生重大安全责任事故的。", "", ""],
        ["", "", "测评期间弄虚作假的。", "", ""],
        ["", "", "", "", ""],
    ]
    for r, values in enumerate(rows2):
        for c, v in enumerate(values):
            t2.cell(r, c).text = v
    _merge_down(t2, 0, 1, 1)
    _merge_down(t2, 0, 2, 3)
    t2.cell(4, 0).merge(t2.cell(4, 1))
    t2.cell(5, 0).merge(t2.cell(5, 1))
    # Word writes a page break as a paragraph: put the second table right after the first
    # one's paragraph-free break so it continues it.
    brk = t._tbl.getnext()
    brk.addnext(t2._tbl)
    brk.getparent().remove(brk)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_clerks_word_table_with_split_cell_and_stray_cells(tmp_path, cli):
    """一级指标 + 二级指标 + 评分标准 give three-level IDs; merged cells continue the name above;
    the standard cut at the page break (ends with “，”) is joined with the first row of the
    continuation table, whose repeated names are a continuation; 分值 becomes score (五分 is not a
    number and is listed); the 备注 cell is listed with its position; the 一票否决项 block
    spans two columns and gives N1, N2.
    This test ensures that a real clerk's table is read and nothing is silently dropped."""
    notice = tmp_path / "测评体系.docx"
    notice.write_bytes(_clerks_notice())
    draft, out, r = imported(cli, notice, tmp_path)
    assert draft.name == "某某县文明城市测评体系" and draft.levels == 3
    assert [(s.id, s.text, s.score) for s in draft.standards] == [
        ("1.1.1", "成立创建工作领导小组。", 5),
        ("1.1.2", "每季度召开一次推进会议，研究解决重点问题。", None),
        ("1.2.1", "创建经费列入预算。", 5),
        ("2.1.1", "主次干道整洁有序。", 10),
        ("2.1.2", "背街小巷无乱搭乱建。", None),
    ]
    assert draft.negative_name == "一票否决项"
    assert [(s.id, s.text) for s in draft.negative_items] == [("N1", "发生重大安全责任事故的。"), ("N2", "测评期间弄虚作假的。")]
    text = out.read_text(encoding="utf-8")
    assert "未能放置的单元格（2 个）" in text
    assert "表1第3行第5列：见会议纪要（不属于项目、内容或工作标准列）" in text
    assert "表2第4行第4列：五分（分值不是数字）" in text
    assert "跨页断开后拼接的单元格" in text and "表2第1行第3列" in text
    assert "未能放置的单元格 2 个" in r.stdout


def test_import_refuses_what_it_cannot_read(tmp_path, cli):
    """A .doc, a Word file without an indicator table, an existing output: a plain Chinese
    reason, exit code 2, nothing overwritten.
    This test ensures that bad input gets a clear answer and loses nothing."""
    old = tmp_path / "通知.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    r = cli("catalog", "import", str(old), "-o", str(tmp_path / "a.yaml"))
    assert r.exit_code == 2 and "另存为 .docx" in r.stderr and "Traceback" not in r.stderr
    d = docx.Document()
    d.add_paragraph("关于开展创建工作的通知")
    plain = tmp_path / "通知.docx"
    d.save(plain)
    r = cli("catalog", "import", str(plain), "-o", str(tmp_path / "a.yaml"))
    assert r.exit_code == 2 and "没有找到指标体系表" in r.stderr
    keep = tmp_path / "keep.yaml"
    keep.write_text("mine\n", encoding="utf-8")
    r = cli("catalog", "import", str(SEED), "-o", str(keep))
    assert r.exit_code == 2 and "已存在" in r.stderr and keep.read_text(encoding="utf-8") == "mine\n"


def test_draft_marks_guesses(tmp_path):
    """Kinds and departments are guessed from the text's words and marked; negative items
    get 承诺书 and the usual negative-list rules.
    This test ensures that the clerk can tell guesses from transcription."""
    draft = import_notice(SEED)
    from dossier.catalog.importer import guess_departments, guess_kinds, to_yaml

    assert "会议纪要" in guess_kinds("县级党委或政府每年至少召开两次会议")
    assert "公安" in guess_departments("向公安机关、人民检察院查询") and "检察院" in guess_departments("人民检察院")
    data = yaml.safe_load(to_yaml(draft))
    assert data["negative_list"]["items"][0]["kinds"] == ["承诺书"]
    assert to_yaml(draft).count("# 猜测，请核对") >= 83


def _pdf_over_two_pages() -> bytes:
    """A text PDF whose table continues on page 2 (header repeated) and whose standard
    “每季度召开一次推进会议，” is cut at the page end; merged cells have no inner rules."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=11, leading=15, wordWrap="CJK")

    def table(rows, spans):
        t = Table([[Paragraph(c, style) for c in r] for r in rows], colWidths=[70, 70, 300])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")] + [("SPAN", a, b) for a, b in spans]))
        return t

    head = ["项目", "内容", "工作标准"]
    story = [Paragraph("附件1", style), Paragraph("某某县儿童友好测评体系", style),
             table([head, ["组织保障", "领导机制", "成立创建工作领导小组。"], ["", "", "每季度召开一次推进会议，"]],
                   [((0, 1), (0, 2)), ((1, 1), (1, 2))]),
             PageBreak(),
             table([head, ["组织保障", "领导机制", "研究解决重点问题。"],
                    ["", "经费保障", "创建经费列入预算，并随工作需要逐年增长，保障儿童友好空间建设和运行维护。"],
                    ["负面清单", "", "发生严重侵害儿童权益事件的。"]], [((0, 1), (0, 2)), ((0, 3), (1, 3))])]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def test_pdf_cell_split_across_pages_is_joined(tmp_path, cli):
    """pdfplumber gives one table per page: the repeated header is skipped, the repeated
    项目/内容 names continue, the cut standard is joined with the first row of page 2, a long
    cell wrapped over two lines is one text, and the 负面清单 row opens the negative list.
    This test ensures that tables spanning pages are read as one table."""
    pdf = tmp_path / "测评体系.pdf"
    pdf.write_bytes(_pdf_over_two_pages())
    draft, out, r = imported(cli, pdf, tmp_path)
    assert [(s.id, s.text) for s in draft.items()] == [
        ("1.1.1", "成立创建工作领导小组。"), ("1.1.2", "每季度召开一次推进会议，研究解决重点问题。"),
        ("1.2.1", "创建经费列入预算，并随工作需要逐年增长，保障儿童友好空间建设和运行维护。"),
        ("N1", "发生严重侵害儿童权益事件的。")]
    assert draft.name == "某某县儿童友好测评体系" and draft.negative_name == "负面清单"
    assert "跨页断开后拼接的单元格 1 处：第2页表1第2行第3列" in r.stdout
