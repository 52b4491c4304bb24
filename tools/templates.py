"""Build the docxtpl templates that ship in ``src/dossier/templates/``: 申报表, 请示, 自评报告
and 通知 (the documents) and 封面, 目录 (the 汇编's front matter).

    python tools/templates.py [OUT_DIR]     # default: src/dossier/templates

The committed .docx files are the source dossier renders from; this tool is how they were
made, kept so a layout change is a reviewable diff of code rather than of zipped XML. After
changing it, run it and commit the templates; tests/test_templates_tool.py runs it into a
temporary folder and checks its output equals the committed files part by part. A clerk may
restyle a copy in Word (keeping the ``{{ }}`` / ``{%p %}`` tags) and point ``templates:`` in
dossier.yaml at it.

Layout follows GB/T 9704-2012 with the numbers in :mod:`dossier.gbt9704` (twips via
:mod:`dossier.documents.layout`). Some attributes carry Jinja expressions
(``w:pStyle w:val="{{ para.style }}"``, ``w:vMerge w:val="{{ row.cat_merge }}"``): docxtpl
renders the whole part as one Jinja template, so a paragraph's style or a cell's merge state
can follow the data. Zip timestamps are fixed so an unchanged template rebuilds byte for byte.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from dossier import gbt9704 as G
from dossier.atomic import write_bytes
from dossier.documents import layout as L
from dossier.documents.fonttable import localize

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

DOCUMENT_FILES = ("申报表.docx", "请示.docx", "自评报告.docx", "通知.docx")
BINDER_FILES = ("封面.docx", "目录.docx")
TEMPLATE_FILES = DOCUMENT_FILES + BINDER_FILES


def default_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "src" / "dossier" / "templates"


# ----------------------------------------------------------------------------- XML bits


def fonts(face: str, ascii_face: str | None = None) -> str:
    a = ascii_face or face
    return f'<w:rFonts w:ascii="{a}" w:hAnsi="{a}" w:eastAsia="{face}" w:cs="{a}" w:hint="eastAsia"/>'


def rpr(face: str | None = None, size_pt: float | None = None, *, color: str | None = None,
        spacing: int | None = None, bold: bool = False, ascii_face: str | None = None,
        lang: bool = False) -> str:
    parts = []
    if face:
        parts.append(fonts(face, ascii_face))
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if size_pt:
        hp = round(size_pt * 2)
        parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    if lang:
        parts.append('<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')
    return "".join(parts)


def ppr(*, keep_next=False, keep_lines=False, page_break=False, border: str = "", tabs: str = "", line: int | None = None,
        line_rule: str = "exact", before: int = 0, after: int = 0, ind: str = "", jc: str | None = None,
        outline: int | None = None, widow=False) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    parts.append(f'<w:widowControl w:val="{1 if widow else 0}"/>')
    if border:
        parts.append(f"<w:pBdr>{border}</w:pBdr>")
    if tabs:
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    parts.append('<w:snapToGrid w:val="0"/>')
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="{line_rule}"'
    parts.append(spacing + "/>")
    if ind:
        parts.append(ind)
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "".join(parts)


def ind(*, first: int | None = None, left: int | None = None, right: int | None = None,
        hanging: int | None = None) -> str:
    attrs = []
    if left is not None:
        attrs.append(f'w:left="{left}"')
    if right is not None:
        attrs.append(f'w:right="{right}"')
    if first is not None:
        attrs.append(f'w:firstLine="{first}"')
    if hanging is not None:
        attrs.append(f'w:hanging="{hanging}"')
    return f'<w:ind {" ".join(attrs)}/>'


def run(text: str = "", *, rstyle: str | None = None, props: str = "", tab_before=False) -> str:
    rp = ""
    if rstyle or props:
        rp = "<w:rPr>" + (f'<w:rStyle w:val="{rstyle}"/>' if rstyle else "") + props + "</w:rPr>"
    tab = "<w:tab/>" if tab_before else ""
    t = f'<w:t xml:space="preserve">{escape(text)}</w:t>' if text else ""
    return f"<w:r>{rp}{tab}{t}</w:r>"


def para(style: str, *runs: str, extra_ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>{"".join(runs)}</w:p>'


def text_para(style: str, text: str = "", extra_ppr: str = "") -> str:
    return para(style, run(text) if text else "", extra_ppr=extra_ppr)


def tag(text: str) -> str:
    """A docxtpl control paragraph (``{%p for … %}``); it disappears when rendered."""
    return text_para("GwPlain", text)


def generic_para(var: str, *, keep_next: bool = False) -> str:
    """A paragraph whose style and run-in heading come from the item ``var``
    (see :func:`dossier.documents.layout.classify`)."""
    keep = "<w:keepNext/><w:keepLines/>" if keep_next else ""
    return (f'<w:p><w:pPr><w:pStyle w:val="{{{{ {var}.style }}}}"/>{keep}</w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{{{{ {var}.head_style }}}}"/></w:rPr>'
            f'<w:t xml:space="preserve">{{{{ {var}.head }}}}</w:t></w:r>'
            f'<w:r><w:t xml:space="preserve">{{{{ {var}.text }}}}</w:t></w:r></w:p>')


def loop(items: str, var: str, body: str) -> str:
    return tag(f"{{%p for {var} in {items} %}}") + body + tag("{%p endfor %}")


def title_block(var: str = "title_lines") -> str:
    return loop(var, "line", f'<w:p><w:pPr><w:pStyle w:val="{{{{ line.style }}}}"/></w:pPr>'
                             f'<w:r><w:t xml:space="preserve">{{{{ line.text }}}}</w:t></w:r></w:p>')


def blank(n: int = 1, style: str = "GwPlain") -> str:
    return text_para(style) * n


# ----------------------------------------------------------------------------- styles


def style(sid: str, name: str, *, kind: str = "paragraph", based: str | None = "Normal", p: str = "",
          r: str = "", default=False) -> str:
    head = f'<w:style {W_NS} w:type="{kind}" w:styleId="{sid}"' + (' w:default="1"' if default else "") + ">"
    body = f'<w:name w:val="{name}"/>'
    if based:
        body += f'<w:basedOn w:val="{based}"/>'
    if kind == "paragraph" and sid != "Normal":
        body += f'<w:next w:val="{"GwBody" if sid.startswith("GwH") or sid.startswith("GwTitle") else sid}"/>'
    body += "<w:qFormat/>"
    if p:
        body += f"<w:pPr>{p}</w:pPr>"
    if r:
        body += f"<w:rPr>{r}</w:rPr>"
    return head + body + "</w:style>"


TWO = 2 * L.CHAR_TWIPS  # 左空二字
RED_RULE = f'<w:bottom w:val="single" w:sz="12" w:space="11" w:color="{L.RED}"/>'
FORM_PT, FORM_LINE = 14, 520  # 申报表: 4号, 26 pt lines
# Room for the seal: with the （公章） line it leaves ≥ 4.5 cm clear above 年 月 日.
SEAL_SPACE = L.mm(38)
TABLE_PT, TABLE_LINE = 12, 400  # 附件1: 小四, 20 pt lines


def styles_xml() -> list[str]:
    body_r = rpr(L.FANGSONG, L.BODY_PT, spacing=L.CHAR_SPACING_TWIPS, lang=True)
    base_p = ppr(line=L.LINE_TWIPS, jc="both")
    return [
        style("Normal", "Normal", based=None, p=base_p, r=body_r, default=True),
        style("GwPlain", "公文无缩进"),
        style("GwBody", "公文正文", p=ppr(line=L.LINE_TWIPS, jc="both", ind=ind(first=TWO))),
        # The last body paragraph before the 署名 (see context._closing_body_items): keeps with
        # the signature block; widow/orphan control lets Word, WPS and LibreOffice carry its
        # last lines (not the whole paragraph) over with it.
        style("GwBodyKeep", "公文正文（与署名同页）", p=ppr(keep_next=True, widow=True, line=L.LINE_TWIPS,
              jc="both", ind=ind(first=TWO))),
        style("GwH1", "公文一级标题", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="both", ind=ind(first=TWO), outline=0),
              r=rpr(L.HEITI)),
        style("GwH2", "公文二级标题", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="both", ind=ind(first=TWO), outline=1),
              r=rpr(L.KAITI)),
        style("GwH3", "公文三级标题", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="both", ind=ind(first=TWO), outline=2),
              r=rpr(L.FANGSONG)),
        style("GwH4", "公文四级标题", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="both", ind=ind(first=TWO), outline=3),
              r=rpr(L.FANGSONG)),
        style("GwTitle", "公文标题", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="center"),
              r=rpr(L.XIAOBIAOSONG, L.TITLE_PT, spacing=0)),
        style("GwTitleBreak", "公文标题（另起一页）", based="GwTitle", p=ppr(keep_next=True, page_break=True,
              line=L.LINE_TWIPS, jc="center")),
        style("GwMark", "发文机关标志", p=ppr(line=240, line_rule="auto", before=L.mm(G.MARK_TOP_MM), jc="center"),
              r=rpr(L.XIAOBIAOSONG, 42, color=L.RED, spacing=0)),
        style("GwDocNo", "发文字号", p=ppr(border=RED_RULE, line=L.LINE_TWIPS, before=2 * L.LINE_TWIPS, jc="center")),
        style("GwDocNoSigned", "发文字号（签发人）", p=ppr(
            border=RED_RULE, line=L.LINE_TWIPS, before=2 * L.LINE_TWIPS, jc="left",
            tabs=f'<w:tab w:val="right" w:pos="{L.TEXT_W - L.CHAR_TWIPS}"/>')),
        style("GwTo", "主送机关", p=ppr(line=L.LINE_TWIPS, jc="both")),
        style("GwNote", "附注", p=ppr(line=L.LINE_TWIPS, jc="left", ind=ind(first=TWO))),
        # The closing block (seal room, 署名, 成文日期, 附注) stays together on one page.
        style("GwKeepBlank", "署名前空行", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="both")),
        style("GwSign", "发文机关署名", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="right")),
        style("GwDate", "成文日期", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="right", ind=ind(right=4 * L.CHAR_TWIPS))),
        # 附件说明: "附件：1." then the name; wrapped lines align with the name's first character.
        style("GwAttachFirst", "附件说明", p=ppr(line=L.LINE_TWIPS, jc="both", ind=ind(left=6 * L.CHAR_TWIPS,
              hanging=4 * L.CHAR_TWIPS))),
        style("GwAttachNext", "附件说明（续）", p=ppr(line=L.LINE_TWIPS, jc="both", ind=ind(left=6 * L.CHAR_TWIPS,
              hanging=L.CHAR_TWIPS))),
        style("GwAttachOnly", "附件说明（单个）", p=ppr(line=L.LINE_TWIPS, jc="both", ind=ind(left=5 * L.CHAR_TWIPS,
              hanging=3 * L.CHAR_TWIPS))),
        style("GwAnnexLabel", "附件标识", p=ppr(page_break=True, keep_next=True, line=L.LINE_TWIPS, jc="left"),
              r=rpr(L.HEITI)),
        # 附件1/附件2 on the first page of an attachment printed on its own: 3号黑体, top left.
        style("GwAnnexTop", "附件标识（首页）", p=ppr(keep_next=True, line=L.LINE_TWIPS, jc="left"),
              r=rpr(L.HEITI, L.BODY_PT, spacing=0)),
        style("GwTable", "表格文字", p=ppr(line=TABLE_LINE, jc="both"), r=rpr(L.FANGSONG, TABLE_PT, spacing=0)),
        style("GwTableCenter", "表格文字居中", based="GwTable", p=ppr(line=TABLE_LINE, jc="center")),
        style("GwTableHead", "表头", based="GwTable", p=ppr(line=TABLE_LINE, jc="center"), r=rpr(L.HEITI)),
        style("GwForm", "申报表文字", p=ppr(line=FORM_LINE, jc="both"), r=rpr(L.FANGSONG, FORM_PT, spacing=0)),
        style("GwFormCenter", "申报表栏目", based="GwForm", p=ppr(line=FORM_LINE, jc="center")),
        style("GwFormBody", "申报表正文", based="GwForm", p=ppr(line=FORM_LINE, jc="both",
              ind=ind(first=2 * FORM_PT * 20))),
        style("GwFormHeading", "申报表内标题", based="GwForm", p=ppr(keep_next=True, line=FORM_LINE, jc="center")),
        style("GwFormSign", "申报表内署名", based="GwForm", p=ppr(line=FORM_LINE, jc="right",
              ind=ind(right=2 * FORM_PT * 20))),
        style("GwFormRight", "申报表盖章", based="GwForm", p=ppr(line=FORM_LINE, jc="right",
              ind=ind(right=2 * FORM_PT * 20))),
        style("GwSealSpace", "盖章留空", based="GwForm", p=ppr(line=SEAL_SPACE, jc="right")),
        style("GwImprint", "版记", p=ppr(line=L.LINE_TWIPS - 40, jc="left",
              tabs=f'<w:tab w:val="right" w:pos="{L.TEXT_W - FORM_PT * 20}"/>'),
              r=rpr(L.FANGSONG, FORM_PT, spacing=0)),
        style("GwWatermark", "草稿标记", p=ppr(line=L.mm(12), jc="center"),
              r=rpr(L.HEITI, 26, color="C00000", spacing=0)),
        style("GwPageNum", "页码", p=ppr(line=L.PAGE_NUMBER_LINE_TWIPS, jc="right"),
              r=rpr(L.SONGTI, L.PAGE_NUMBER_PT, spacing=0)),
        style("GwRunPlain", "正文字体", kind="character", based=None),
        style("GwRunHei", "黑体字", kind="character", based=None, r=rpr(L.HEITI)),
        style("GwRunKai", "楷体字", kind="character", based=None, r=rpr(L.KAITI)),
    ]


def install_styles(document) -> None:
    root = document.styles.element
    defaults = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docDefaults")
    root.remove(defaults)
    root.insert(0, parse_xml(
        f"<w:docDefaults {W_NS}><w:rPrDefault><w:rPr>{rpr(L.FANGSONG, L.BODY_PT, lang=True)}</w:rPr></w:rPrDefault>"
        f"<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"{L.LINE_TWIPS}\" w:lineRule=\"exact\"/>"
        f"</w:pPr></w:pPrDefault></w:docDefaults>"))
    wanted = styles_xml()
    for xml in wanted:
        el = parse_xml(xml)
        sid = el.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId")
        for old in root.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}style"):
            if old.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId") == sid:
                root.remove(old)
        root.append(el)


# ----------------------------------------------------------------------------- page setup


def page_number_para(odd: bool) -> str:
    # 4号 half-width Song digits between 一字线, one character in from the outer edge.
    indent = ind(right=L.PAGE_NUMBER_PT * 20) if odd else ind(left=L.PAGE_NUMBER_PT * 20)
    return (f'<w:p {W_NS}><w:pPr><w:pStyle w:val="GwPageNum"/>{indent}<w:jc w:val="{"right" if odd else "left"}"/></w:pPr>'
            '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>')


def watermark_para() -> str:
    """The draft mark in the header of every page; empty (and invisible) in the packet."""
    return (f'<w:p {W_NS}><w:pPr><w:pStyle w:val="GwWatermark"/></w:pPr>'
            '<w:r><w:t xml:space="preserve">{{ watermark }}</w:t></w:r></w:p>')


def setup_page(document) -> None:
    section = document.sections[0]
    document.settings.odd_and_even_pages_header_footer = True
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        el = header._element
        for child in list(el):
            el.remove(child)
        el.append(parse_xml(watermark_para()))
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        el = footer._element
        for child in list(el):
            el.remove(child)
        el.append(parse_xml(page_number_para(odd)))
    sect = section._sectPr
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for name in ("pgSz", "pgMar", "cols", "docGrid"):
        for old in sect.findall(W + name):
            sect.remove(old)
    sect.append(parse_xml(f'<w:pgSz {W_NS} w:w="{L.PAGE_W}" w:h="{L.PAGE_H}"/>'))
    sect.append(parse_xml(
        f'<w:pgMar {W_NS} w:top="{L.MARGIN_TOP}" w:right="{L.MARGIN_RIGHT}" w:bottom="{L.MARGIN_BOTTOM}" '
        f'w:left="{L.MARGIN_LEFT}" w:header="851" w:footer="{L.FOOTER_DISTANCE}" w:gutter="0"/>'))
    sect.append(parse_xml(f'<w:cols {W_NS} w:space="425"/>'))
    # Word shows 22 lines on its grid; paragraphs do not snap to it (snapToGrid off), so
    # LibreOffice and Word both lay out by the exact line spacing.
    sect.append(parse_xml(f'<w:docGrid {W_NS} w:type="lines" w:linePitch="{L.LINE_TWIPS}"/>'))


# ----------------------------------------------------------------------------- tables


FIXED_LAYOUT = '<w:tblLayout w:type="fixed"/>'


def tbl_open(widths: list[int], *, borders=True, floating: str = "", layout_fixed=True) -> str:
    b = ""
    if borders:
        b = "<w:tblBorders>" + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl><w:tblPr>{floating}<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>{b}'
            + (FIXED_LAYOUT if layout_fixed else "") +
            '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>')


def row(cells: str, *, header=False, cant_split=True, height: int | None = None, exact=False) -> str:
    pr = ("<w:cantSplit/>" if cant_split else "") + (
        f'<w:trHeight w:val="{height}" w:hRule="{"exact" if exact else "atLeast"}"/>' if height else "") + (
        "<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{pr}</w:trPr>{cells}</w:tr>"


def cell(width: int, content: str, *, span: int = 1, vmerge: str | None = None, valign: str = "center",
         borders: str = "") -> str:
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        pr += f'<w:vMerge w:val="{vmerge}"/>'
    if borders:
        pr += f"<w:tcBorders>{borders}</w:tcBorders>"
    pr += f'<w:vAlign w:val="{valign}"/>'
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{content}</w:tc>"


def tag_row(text: str, ncols_width: int) -> str:
    return row(cell(ncols_width, tag(text)), cant_split=False)


CATALOG_COLS = [L.mm(24), L.mm(27), L.TEXT_W - L.mm(24) - L.mm(27)]


def catalog_table() -> str:
    """附件1: 项目 / 内容 / 工作标准, a category's and a sub-item's cells merged down their rows;
    the header row repeats on every page and no row splits across pages."""
    c1, c2, c3 = CATALOG_COLS
    head = row(cell(c1, text_para("GwTableHead", "项 目")) + cell(c2, text_para("GwTableHead", "内 容"))
               + cell(c3, text_para("GwTableHead", "工 作 标 准")), header=True, height=L.mm(10))
    # A name is one paragraph per line (as the notice breaks it), an empty cell one empty
    # paragraph: a table cell must hold at least one.
    def names(var: str) -> str:
        return (tag(f"{{%p if {var} %}}") + loop(var, "line", text_para("GwTableCenter", "{{ line }}"))
                + tag("{%p else %}") + text_para("GwTableCenter") + tag("{%p endif %}"))

    std_row = row(
        cell(c1, names("row.category"), vmerge="{{ row.cat_merge }}")
        + cell(c2, names("row.subitem"), vmerge="{{ row.sub_merge }}")
        + cell(c3, text_para("GwTable", "{{ row.text }}")))
    neg_row = row(
        cell(c1 + c2, names("row.category"), span=2, vmerge="{{ row.cat_merge }}")
        + cell(c3, text_para("GwTable", "{{ row.text }}")))
    total = sum(CATALOG_COLS)
    return (tbl_open(CATALOG_COLS) + head
            + tag_row("{%tr for row in catalog_rows %}", total) + std_row + tag_row("{%tr endfor %}", total)
            + tag_row("{%tr for row in negative_rows %}", total) + neg_row + tag_row("{%tr endfor %}", total)
            + "</w:tbl>")


FORM_COLS = [L.mm(33), L.mm(43), L.mm(30), L.TEXT_W - L.mm(33) - L.mm(43) - L.mm(30)]
SEAL_ROW_HEIGHT = L.mm(70)  # label + ≥ 4.5 cm clear for the seal + （公章） + 年月日 line


def form_table(filled: bool) -> str:
    """附件2 申报表. ``filled``: the project's values (申报表.docx); otherwise blank (通知 附件2)."""
    c1, c2, c3, c4 = FORM_COLS
    total = sum(FORM_COLS)
    v = (lambda expr: expr) if filled else (lambda expr: "")
    r1 = row(cell(c1, text_para("GwFormCenter", "单位名称"))
             + cell(c2 + c3 + c4, text_para("GwForm", v("{{ applicant }}")), span=3), height=L.mm(16))
    r2 = row(cell(c1, text_para("GwFormCenter", "联系人姓名及职务"))
             + cell(c2, text_para("GwFormCenter", v("{{ contact_name }}"))
                    + text_para("GwFormCenter", v("{{ contact_title }}")))
             + cell(c3, text_para("GwFormCenter", "联系方式") + text_para("GwFormCenter", "（办公电话及手机）"))
             + cell(c4, text_para("GwFormCenter", v("{{ contact_phone }}"))
                    + text_para("GwFormCenter", v("{{ contact_mobile }}"))), height=L.mm(18))
    # A scheme's own rows (catalog form.fields: one label and its value per row) replace the
    # notice's 单位名称 / 联系人 rows.
    field = row(cell(c1, text_para("GwFormCenter", "{{ f.label }}"))
                + cell(c2 + c3 + c4, text_para("GwForm", v("{{ f.value }}")), span=3), height=L.mm(12))
    fields = (tag_row("{%tr for f in fields %}", total) + field + tag_row("{%tr endfor %}", total))
    narrative = (loop("narrative", "para", generic_para("para")) if filled else blank(12, "GwForm"))
    # The narrative row may split: a long text flows onto continuation pages instead of
    # being cut off, which is what the form's "超出可另附页" asks for.
    r3 = row(cell(total, text_para("GwForm", "{{ narrative_label }}：") + narrative
                  + text_para("GwForm", "{{ narrative_note }}"), span=4, valign="top"),
             cant_split=False, height=L.mm(100))
    opinion_text = loop("op.text", "para", text_para("GwFormBody", "{{ para }}")) if filled else ""
    date = "{{ op.date_cn }}" if filled else "年　　月　　日"
    # A box the notice prints without a seal line (民政部评估核实意见) keeps only its room.
    seal = (text_para("GwForm", "{{ op.label }}：") + opinion_text + text_para("GwSealSpace")
            + tag("{%p if op.seal %}") + text_para("GwFormRight", "（公章）") + text_para("GwFormRight", date)
            + tag("{%p else %}") + text_para("GwForm") + text_para("GwForm") + tag("{%p endif %}"))
    r4 = row(cell(total, seal, span=4, valign="top"), height=SEAL_ROW_HEIGHT)
    return (tbl_open(FORM_COLS) + tag_row("{%tr if fields %}", total) + fields + tag_row("{%tr else %}", total)
            + r1 + r2 + tag_row("{%tr endif %}", total) + r3
            + tag_row("{%tr for op in opinions %}", total) + r4 + tag_row("{%tr endfor %}", total) + "</w:tbl>")


IMPRINT_LINE = L.LINE_TWIPS  # height of one 版记 line


def imprint() -> str:
    """版记: 抄送 and 印发机关/印发日期 between rules (thick first and last, thin between) at
    the bottom of the type area of the page it falls on: the last.

    Each line is its own one-paragraph frame at a fixed distance above the type area's
    bottom edge. LibreOffice 7 lays a full-width floating table inline and drops frames
    that hold several bordered paragraphs; single bordered frame paragraphs it keeps, as
    Word does."""
    thick, thin = 8, 4  # eighths of a point: ≈0.35 mm and ≈0.25 mm rules

    def frame(lines_from_bottom: int) -> str:
        y = L.TEXT_H - lines_from_bottom * IMPRINT_LINE
        return (f'<w:framePr w:w="{L.TEXT_W}" w:h="{IMPRINT_LINE}" w:hRule="exact" w:wrap="around" '
                f'w:hAnchor="margin" w:vAnchor="margin" w:xAlign="center" w:y="{y}"/>')

    def rule(side: str, size: int) -> str:
        return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'

    # 抄送 and 印发机关 are 左空一字 and 印发日期 右空一字 by a full-width space and a tab, not
    # by indents: indents would shorten the rules, which must span the type area.
    cc = para("GwImprint", run("\u3000{{ cc_line }}"),
              extra_ppr=frame(2) + f"<w:pBdr>{rule('top', thick)}{rule('bottom', thin)}</w:pBdr>")

    def printer(top: str) -> str:
        return para("GwImprint", run("\u3000{{ printer }}"), run("{{ print_date_cn }}印发", tab_before=True),
                    extra_ppr=frame(1) + f"<w:pBdr>{top}{rule('bottom', thick)}</w:pBdr>")

    # A frame anchors to the paragraph after it; 1 pt high so it never adds a page.
    anchor = text_para("GwPlain", extra_ppr='<w:spacing w:line="20" w:lineRule="exact"/>')
    return (tag("{%p if cc_line %}") + cc + printer("") + tag("{%p else %}") + printer(rule("top", thick))
            + tag("{%p endif %}") + anchor)


# ----------------------------------------------------------------------------- documents


def _mark() -> str:
    return para("GwMark", run("{{ issuer_mark }}", props='<w:sz w:val="{{ mark_size }}"/><w:szCs w:val="{{ mark_size }}"/>'))


def _closing() -> str:
    """附件说明, room for the seal, 署名 centred over 成文日期 (右空四字), 附注."""
    # 附件说明 stays with the body's last lines and the 署名 (the keep chain runs on).
    return (loop("attachments", "para", generic_para("para", keep_next=True))
            + blank(2, "GwKeepBlank")
            + para("GwSign", run("{{ issuer }}"), extra_ppr='<w:ind w:right="{{ sign_indent }}"/>')
            + text_para("GwDate", "{{ date_cn }}")
            + loop("notes", "para", text_para("GwNote", "{{ para }}")))


def request_body() -> str:
    """请示 (上行文): 发文机关标志, 发文字号 left and 签发人 right on one line, red rule."""
    docno = para("GwDocNoSigned", run("\u3000{{ doc_number }}"), run("签发人：", tab_before=True),
                 run("{{ signer }}", rstyle="GwRunKai"))
    return (_mark() + docno + blank(2) + title_block() + blank() + text_para("GwTo", "{{ to }}：")
            + loop("body", "para", generic_para("para")) + _closing()
            # 版记 on the last page, an even one: a blank page first when the 请示 ends on an odd
            # page (the renderer measures and sets even_page).
            + tag("{%p if imprint_new_page %}") + text_para("GwPlain", extra_ppr="<w:pageBreakBefore/>")
            + tag("{%p endif %}") + imprint())


def notice_body() -> str:
    """通知 (下行文) with the 印发 plan, 附件1 (catalog table), 附件2 (blank form) and 版记."""
    docno = text_para("GwDocNo", "{{ doc_number }}")
    plan = (title_block("plan_title_lines") + blank() + loop("plan", "para", generic_para("para"))
            + loop("plan_attachments", "para", generic_para("para", keep_next=True)))
    annex1 = (text_para("GwAnnexLabel", "附件1") + blank() + title_block("annex1_title_lines") + blank()
              + catalog_table())
    annex2 = (text_para("GwAnnexLabel", "附件2") + blank() + title_block("form_title_lines") + blank()
              + form_table(filled=False) + text_para("GwForm", "{{ footer }}"))
    return (_mark() + docno + blank(2) + title_block() + blank() + text_para("GwTo", "{{ to }}：")
            + loop("body", "para", generic_para("para")) + _closing()
            + plan + annex1 + annex2 + imprint())


def annex_top() -> str:
    """附件N in 3号黑体 at the top left of an attachment's first page (GB/T 9704 附件)."""
    return tag("{%p if annex_label %}") + text_para("GwAnnexTop", "{{ annex_label }}") + tag("{%p endif %}")


def form_body() -> str:
    return (annex_top() + title_block() + blank() + form_table(filled=True) + text_para("GwForm", "{{ footer }}"))


def report_body() -> str:
    """自评报告: overall assessment, then category → sub-item → standard with 自评情况,
    evidence (title, 文号, date) and its pages in the dossier."""
    standards = loop("sub.standards", "s",
                     text_para("GwH4", "{{ s.heading }}")
                     + para("{{ s.status_style }}", run("指标编号：{{ s.id }}　自评情况："),
                            run("{{ s.status }}", rstyle="GwRunHei"), run("{{ s.score }}"))
                     + loop("s.lines", "line", text_para("{{ s.last_style if loop.last else 'GwBody' }}", "{{ line }}")))
    subitems = loop("cat.subitems", "sub",
                    tag("{%p if sub.heading %}") + text_para("GwH3", "{{ sub.heading }}") + tag("{%p endif %}")
                    + standards)
    return (annex_top() + title_block() + blank()
            + text_para("GwH1", "一、总体自评情况") + loop("intro", "para", generic_para("para"))
            + text_para("GwH1", "二、逐项自评情况")
            + loop("categories", "cat", text_para("GwH2", "{{ cat.heading }}") + subitems)
            + loop("closing", "para", generic_para("para"))
            + blank(2, "GwKeepBlank")
            + para("GwSign", run("{{ issuer }}"), extra_ppr='<w:ind w:right="{{ sign_indent }}"/>')
            + text_para("GwDate", "{{ date_cn }}"))


# ----------------------------------------------------------------------------- 封面 / 目录 (binder)


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Emu(G.emu(G.PAGE_W_MM)), Emu(G.emu(G.PAGE_H_MM))
        section.top_margin, section.bottom_margin = Emu(G.emu(G.MARGIN_TOP_MM)), Emu(G.emu(G.MARGIN_BOTTOM_MM))
        section.left_margin, section.right_margin = Emu(G.emu(G.MARGIN_LEFT_MM)), Emu(G.emu(G.MARGIN_RIGHT_MM))
        # No page number in these templates (the binder stamps it); the footer is only kept clear.
        section.footer_distance = Emu(G.emu(20))
        section.start_type = WD_SECTION.NEW_PAGE


def _binder_font(style_or_run, family: str, size: float, bold: bool = False) -> None:
    font = style_or_run.font
    font.name = family
    font.size = Pt(size)
    font.bold = bold
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _binder_style(doc, name: str, family: str, size: float, *, bold=False, indent_cm=0.0, before=0.0, after=0.0,
           line=1.25, tab=True, right_cm=0.0, hanging_cm=0.0):
    style = doc.styles.add_style(name, 1)  # paragraph style
    style.base_style = doc.styles["Normal"]
    _binder_font(style, family, size, bold)
    fmt = style.paragraph_format
    # A wrapped line continues under the title, not under the ID before it.
    fmt.left_indent = Emu(G.emu(10 * (indent_cm + hanging_cm)))
    fmt.first_line_indent = Emu(G.emu(-10 * hanging_cm))
    # Titles wrap before the page column; the right tab stop lies beyond the right indent,
    # so the page number still reaches the margin.
    fmt.right_indent = Emu(G.emu(10 * right_cm))
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = line
    fmt.keep_together = True
    if tab:
        fmt.tab_stops.add_tab_stop(Emu(G.emu(G.TEXT_W_MM)), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    return style


def _para(doc, text: str, style=None, align=None):
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    return p


def cover_template() -> bytes:
    doc = docx.Document()
    _page_setup(doc)
    normal = doc.styles["Normal"]
    _binder_font(normal, "仿宋_GB2312", 16)
    title = _binder_style(doc, "封面标题", "方正小标宋简体", 22, before=0, after=12, line=1.5, tab=False)
    big = _binder_style(doc, "封面大标题", "方正小标宋简体", 36, before=24, after=24, line=1.3, tab=False)
    info = _binder_style(doc, "封面信息", "仿宋_GB2312", 16, before=6, after=6, line=1.5, tab=False)
    # 附件3 (the 汇编 as the 请示's attachment) in 3号黑体 at the top left, as on 附件1 and 附件2.
    label = _binder_style(doc, "附件标识", "黑体", 16, line=1.0, tab=False)
    _para(doc, "{{ annex_label }}", label, WD_ALIGN_PARAGRAPH.LEFT)
    for _ in range(2):
        _para(doc, "")
    _para(doc, "{{ scheme }}", title, WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ heading }}", big, WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(6):
        _para(doc, "")
    _para(doc, "申报单位：{{ applicant }}", info, WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ date }}", info, WD_ALIGN_PARAGRAPH.CENTER)
    doc.core_properties.title = "证明材料汇编封面"
    return _docx_bytes(doc)


def toc_template() -> bytes:
    doc = docx.Document()
    _page_setup(doc)
    _binder_font(doc.styles["Normal"], "仿宋_GB2312", 14)
    heading = _binder_style(doc, "目录标题", "方正小标宋简体", 22, after=18, line=1.2, tab=False)
    level1 = _binder_style(doc, "目录分类", "黑体", 16, before=10, after=4, right_cm=2.2)
    level2 = _binder_style(doc, "目录指标", "仿宋_GB2312", 14, indent_cm=0.0, before=4, after=0, bold=True, right_cm=2.6,
                    hanging_cm=1.75)
    level3 = _binder_style(doc, "目录材料", "仿宋_GB2312", 12, indent_cm=1.0, after=0, right_cm=2.6)
    note = _binder_style(doc, "目录说明", "楷体_GB2312", 12, before=12, tab=False)
    _para(doc, "目  录", heading, WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{%p for e in entries %}")
    _para(doc, "{%p if e.level == 1 %}")
    _para(doc, "{{ e.text }}\t{{ e.pages }}", level1)
    _para(doc, "{%p elif e.level == 2 %}")
    _para(doc, "{{ e.text }}\t{{ e.pages }}", level2)
    _para(doc, "{%p else %}")
    _para(doc, "{{ e.text }}\t{{ e.pages }}", level3)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if notes %}")
    _para(doc, "{{ notes }}", note)
    _para(doc, "{%p endif %}")
    doc.core_properties.title = "证明材料汇编目录"
    return _docx_bytes(doc)


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


# ----------------------------------------------------------------------------- all


BODIES = {"申报表.docx": form_body, "请示.docx": request_body, "自评报告.docx": report_body, "通知.docx": notice_body}


BINDER = {"封面.docx": cover_template, "目录.docx": toc_template}


def build_template(name: str) -> bytes:
    if name in BINDER:
        return BINDER[name]()
    document = docx.Document()
    install_styles(document)
    setup_page(document)
    body = document.element.body
    sect = body[-1]
    for child in list(body)[:-1]:
        body.remove(child)
    wrapped = parse_xml(f"<w:body {W_NS}>{BODIES[name]()}</w:body>")
    for child in list(wrapped):
        sect.addprevious(child)
    props = document.core_properties
    props.author = props.last_modified_by = "dossier"
    props.title = name[:-5]
    props.revision = 1
    import datetime as dt

    props.created = props.modified = dt.datetime(2021, 1, 1)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Same entries, fixed timestamps (an unchanged template rebuilds byte for byte), and the
    font table and languages of a Chinese document (documents.fonttable)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, localize(info.filename, src.read(info.filename)))
    return out.getvalue()


def build_all(out_dir: Path | None = None) -> list[Path]:
    out_dir = Path(out_dir) if out_dir else default_dir()
    written = []
    for name in TEMPLATE_FILES:
        target = out_dir / name
        write_bytes(target, build_template(name))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    for path in build_all(Path(argv[0]) if argv else None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
