"""Builds the committed docxtpl templates ``templates/封面.docx`` and ``templates/目录.docx``.

Run ``python -m dossier.binder.template_builder`` after changing the layout here; the
generated .docx files are committed so a clerk can restyle them in Word (keeping the
``{{ }}`` / ``{%p %}`` tags) and point ``templates:`` in dossier.yaml at the copy.
Page setup follows GB/T 9704-2012: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.0)
        section.start_type = WD_SECTION.NEW_PAGE


def _font(style_or_run, family: str, size: float, bold: bool = False) -> None:
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


def _style(doc, name: str, family: str, size: float, *, bold=False, indent_cm=0.0, before=0.0, after=0.0,
           line=1.25, tab=True, right_cm=0.0, hanging_cm=0.0):
    style = doc.styles.add_style(name, 1)  # paragraph style
    style.base_style = doc.styles["Normal"]
    _font(style, family, size, bold)
    fmt = style.paragraph_format
    # A wrapped line continues under the title, not under the ID before it.
    fmt.left_indent = Cm(indent_cm + hanging_cm)
    fmt.first_line_indent = Cm(-hanging_cm)
    # Titles wrap before the page column; the right tab stop lies beyond the right indent,
    # so the page number still reaches the margin.
    fmt.right_indent = Cm(right_cm)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = line
    fmt.keep_together = True
    if tab:
        fmt.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    return style


def _para(doc, text: str, style=None, align=None):
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    return p


def build_cover(path: Path) -> None:
    doc = Document()
    _page_setup(doc)
    normal = doc.styles["Normal"]
    _font(normal, "仿宋_GB2312", 16)
    title = _style(doc, "封面标题", "方正小标宋简体", 22, before=0, after=12, line=1.5, tab=False)
    big = _style(doc, "封面大标题", "方正小标宋简体", 36, before=24, after=24, line=1.3, tab=False)
    info = _style(doc, "封面信息", "仿宋_GB2312", 16, before=6, after=6, line=1.5, tab=False)
    # 附件3 (the 汇编 as the 请示's attachment) in 3号黑体 at the top left, as on 附件1 and 附件2.
    label = _style(doc, "附件标识", "黑体", 16, line=1.0, tab=False)
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
    _save(doc, path)


def build_toc(path: Path) -> None:
    doc = Document()
    _page_setup(doc)
    _font(doc.styles["Normal"], "仿宋_GB2312", 14)
    heading = _style(doc, "目录标题", "方正小标宋简体", 22, after=18, line=1.2, tab=False)
    level1 = _style(doc, "目录分类", "黑体", 16, before=10, after=4, right_cm=2.2)
    level2 = _style(doc, "目录指标", "仿宋_GB2312", 14, indent_cm=0.0, before=4, after=0, bold=True, right_cm=2.6,
                    hanging_cm=1.75)
    level3 = _style(doc, "目录材料", "仿宋_GB2312", 12, indent_cm=1.0, after=0, right_cm=2.6)
    note = _style(doc, "目录说明", "楷体_GB2312", 12, before=12, tab=False)
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
    _save(doc, path)


def _save(doc, path: Path) -> None:
    """Saved with the zh-CN font table and theme language (documents.fonttable)."""
    import io
    import zipfile

    from dossier.documents.fonttable import localize

    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, localize(info.filename, src.read(info.filename)))


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else TEMPLATES
    out.mkdir(parents=True, exist_ok=True)
    build_cover(out / "封面.docx")
    build_toc(out / "目录.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
