"""GB/T 9704-2012 (党政机关公文格式) page geometry, defined once, in millimetres and points as
the standard states it, with converters to the units each consumer writes: PDF points (the
binder), twips (WordprocessingML) and EMU (python-docx lengths).

Everything that places text on a page — the document templates (documents/layout.py and the
template tool), the 封面/目录 templates and the binder's page fitting and numbering — imports
these numbers; none of them spells a margin again.
"""

from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_INCH = 72
TWIPS_PER_PT = 20
EMU_PER_MM = 36000


def pt(mm: float) -> float:
    """Millimetres → PDF points (1/72 inch)."""
    return mm * PT_PER_INCH / MM_PER_INCH


def twips(mm: float) -> int:
    """Millimetres → twentieths of a point, rounded (WordprocessingML's unit)."""
    return round(mm * PT_PER_INCH * TWIPS_PER_PT / MM_PER_INCH)


def emu(mm: float) -> int:
    """Millimetres → English Metric Units (python-docx ``Length``)."""
    return round(mm * EMU_PER_MM)


# 5.2.1 A4 paper.
PAGE_W_MM, PAGE_H_MM = 210, 297
# 5.2.2 版心 156 mm × 225 mm; 天头 37 mm, 订口 (left) 28 mm — so bottom 35 mm and right 26 mm.
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_W_MM = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_H_MM = PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
# 5.2.3 22 lines of 28 characters of 3号 text.
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

# Type sizes in points (号 → pt): 初号 42, 2号 22, 3号 16, 4号 14, 小四 12.
MARK_MAX_PT = 42  # 发文机关标志: at most 初号 (7.2.3: 不大于 22 mm × 15 mm per character)
TITLE_PT = 22  # 标题 2号小标宋
BODY_PT = 16  # 正文 3号仿宋
PAGE_NUMBER_PT = 14  # 页码 4号半角宋体

# 7.2.3 发文机关标志: its top edge 35 mm below the 版心's top edge.
MARK_TOP_MM = 35

# 7.5 页码: 一字线上距版心下边缘 7 mm; odd pages right, even left, 空一字 from the 版心 edge.
PAGE_NUMBER_BELOW_TEXT_MM = 7
