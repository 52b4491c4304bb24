#!/usr/bin/env python3
"""Generate the bundled sample county project ``samples/示范县`` (fictional, realistic).

    .venv/bin/python samples/make_sample.py [--out DIR] [--expected FILE]

Everything is deterministic: fixed dates, fixed random seeds, reportlab ``invariant=1``,
zip entries and document properties stamped with a fixed time, and LibreOffice PDFs
stripped of their creation times, so regenerating gives the same files and texts.

The evidence proves most standards of ``minor-protection-2021`` the way the contract's
rules want it; a few gaps are deliberate (``GAPS`` below) so ``dossier check`` has
something to find. ``samples/expected.json`` is written from the same tables, and
``samples/README.md`` explains each gap to a clerk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO / "src") not in sys.path:  # lets the script run from a clone before `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))

D = dt.date
FIXED_TIME = (2021, 10, 20, 9, 0, 0)  # stamped on every zip entry and document property
FIXED_ISO = "2021-10-20T09:00:00Z"

# =========================================================================== the county

COUNTY = "示范县"
GOV = "示范县人民政府"
GOV_OFFICE = "示范县人民政府办公室"
GROUP = "示范县未成年人保护工作领导小组"
GROUP_OFFICE = "示范县未成年人保护工作领导小组办公室"
CITY = "某某市"
PERIOD = (D(2020, 1, 1), D(2021, 9, 30))
APPLICATION_DATE = D(2021, 10, 25)

TOWNSHIPS = ["城关镇", "大坡镇", "六景镇", "新圩镇"]
# (名称, 所属乡镇, 类型)
COMMUNITIES = [
    ("城东社区", "城关镇", "社区"), ("城西社区", "城关镇", "社区"), ("南街社区", "城关镇", "社区"),
    ("大坡社区", "大坡镇", "社区"), ("那良村", "大坡镇", "行政村"),
    ("六景社区", "六景镇", "社区"), ("郁江村", "六景镇", "行政村"),
    ("新圩社区", "新圩镇", "社区"), ("长塘村", "新圩镇", "行政村"), ("平安村", "新圩镇", "行政村"),
]
COMMUNITY_NAMES = [c[0] for c in COMMUNITIES]
SCHOOLS = ["示范县第一中学", "示范县实验小学", "大坡镇中心学校", "六景镇初级中学", "新圩镇中心小学"]
ORGS = ["示范县阳光社会工作服务中心", "示范县青苗青少年服务协会"]
# 10.2.2: the two villages whose 儿童之家 was still being built (deliberate gap).
SITES_UNFINISHED = ["长塘村", "平安村"]
# 10.1.2: townships with a 未成年人保护工作站 (3 of 4 = 75 %, the rule asks 50 %).
WORKSTATIONS = ["城关镇", "大坡镇", "六景镇"]

TOWNSHIP_HEADS = {"城关镇": ("黄立新", "李晓梅"), "大坡镇": ("韦国庆", "蒙丽娟"),
                  "六景镇": ("陆振华", "覃美玲"), "新圩镇": ("梁家宝", "农秀兰")}

# =========================================================================== deliberate gaps

# id → (status, problem codes that must appear, why — shown to the clerk in README.md)
GAPS: dict[str, tuple[str, list[str], str]] = {
    "2.1.3": ("partial", ["too-few-per-year"],
              "县领导小组2021年在评估期内（截至9月30日）只召开了1次全体会议（3月15日），规则要求每年至少2次；"
              "2020年的2次会议符合要求（第二次全体会议纪要是纸质扫描件，文件名和清单都没有写日期，"
              "其会议时间由文字识别（OCR）读出；用 --no-ocr 时它没有日期，2020年也只算1次）。"),
    "2.1.8": ("missing", ["no-evidence"],
              "材料清单第{bad_row}行把《平安建设考核评分细则》误填为不存在的编号 2.1.9，该行被跳过，"
              "2.1.8 因此没有任何材料；改成 2.1.8 即可。"),
    "4.1.2": ("partial", ["too-few-per-quarter"],
              "2020年第一季度受新冠肺炎疫情影响，社区家长学校暂停线下活动，该季度没有活动记录；其余6个季度各有1份。"),
    "6.2.1": ("missing", ["no-evidence"],
              "没有分配任何材料。《公益广告刊播情况》放在 材料/未分类/ 下、未写入清单也未按编号命名，"
              "dossier suggestions 会建议把它分配给 6.2.1，确认后（dossier accept）即可计入。"),
    "6.3.4": ("missing", ["no-evidence"], "母婴室建设材料尚未收集，没有任何材料。"),
    "7.2.1": ("missing", ["no-evidence"], "网络产品和服务投诉举报机制材料尚未收集，没有任何材料。"),
    "9.2.2": ("partial", ["no-usable-evidence"],
              "唯一的材料《“一站式”询问救助中心建设情况（扫描件）》即 材料/其他/损坏的扫描件.pdf，文件不完整、无法打开，"
              "不能作为证明材料；需重新扫描。"),
    "10.2.2": ("partial", ["coverage-below"],
               "10个村（社区）中8个有关爱服务场所材料（80%），低于90%；长塘村、平安村的儿童之家仍在建设中。"),
    "11.2.1": ("partial", ["onboarding-late"],
               "平安村儿童主任潘玉兰2021年3月1日任职，应在2021年6月1日前完成入职培训，实际6月18日才参加补训，超过3个月。"),
    "N6": ("undeclared", ["no-declaration"],
           "N6（实习实训安全事故）没有承诺书：县教育局的承诺书尚未报送。没有已知事件，因此不影响推荐资格。"),
}
CORRUPT = "材料/其他/损坏的扫描件.pdf"
BAD_ID = "2.1.9"

# =========================================================================== records


@dataclass
class Use:
    """One manifest row (``via='manifest'``) or the ID carried by a folder/file name (``via='name'``)."""

    ids: str
    via: str = "manifest"
    kind: str = ""
    date: object = None  # the manifest 日期 cell: a date (Excel date cell) or text as a clerk types it
    unit: str = ""
    title: str = ""
    note: str = ""
    written: str = ""  # the 文件 cell when a clerk wrote it differently from the project path


@dataclass
class Item:
    path: str  # project-relative
    fmt: str  # docx | lo (Word → PDF via LibreOffice) | rl (reportlab PDF) | jpg | xlsx | raw
    uses: list[Use] = field(default_factory=list)
    doc: "Doc | None" = None
    photo: "Photo | None" = None
    build: Callable[[Path], None] | None = None  # xlsx / raw


@dataclass
class Doc:
    """A 公文-like document, rendered identically to Word or to a PDF."""

    title: str
    body: list  # str paragraphs, ("h", heading), ("h2", heading), ("table", [[...], ...]), ("line", text)
    date: dt.date | None = None  # 成文日期: the closing date line
    signature: str = ""  # 落款
    header: str = ""  # 版头: 发文机关标志
    number: str = ""  # 发文字号
    to: str = ""  # 主送机关
    meta: list = field(default_factory=list)  # (label, value) lines under the title: 会议时间 …


@dataclass
class Photo:
    banner: str
    taken: dt.datetime
    scene: str = "room"  # room | outdoor | sign
    orientation: int = 1
    people: int = 8
    seed: int = 0
    size: tuple = (800, 600)


# =========================================================================== rendering: Word

def _docx_fonts(run_or_style, east_asia: str, size_pt: float | None = None, bold: bool | None = None,
                color: tuple | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = run_or_style.font
    font.name = east_asia  # sets w:ascii and w:hAnsi; Chinese text is set in w:eastAsia
    rfonts = run_or_style.element.rPr.rFonts
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        # A theme font in the template's headings would win over the named font.
        rfonts.attrib.pop(qn(theme), None)
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color:
        font.color.rgb = RGBColor(*color)


def header_lines(header: str) -> list[str]:
    """A joint document's 版头 stacks its issuers, one a line (``A B文件`` → ``A``, ``B文件``)."""
    return header.split() if header else []


def render_docx(doc: Doc, path: Path) -> None:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    # GB/T 9704-2012 margins (天头 37 mm, 订口 28 mm).
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = d.styles["Normal"]
    _docx_fonts(normal, "仿宋_GB2312", 16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size in (("Title", "方正小标宋简体", 22), ("Heading 1", "黑体", 16), ("Heading 2", "楷体_GB2312", 16)):
        st = d.styles[name]
        _docx_fonts(st, font, size, bold=False, color=(0, 0, 0))
        st.paragraph_format.space_before = Pt(0)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.line_spacing = Pt(28 if name != "Title" else 36)
    title_style = d.styles["Title"]
    # The template's Title carries a bottom border; a 公文 title has none.
    ppr = title_style.element.find(qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)

    def para(text: str, *, align=None, indent=True, style=None, font=None, size=None, color=None):
        p = d.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        if indent and style is None:
            p.paragraph_format.first_line_indent = Pt(32)
        run = p.add_run(text)
        if font:
            _docx_fonts(run, font, size, color=color)
        return p

    for issuer in header_lines(doc.header):
        para(issuer, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font="方正小标宋简体", size=30 if len(issuer) < 14 else 24,
             color=(0xE0, 0x00, 0x00))
    if doc.number:
        p = para(doc.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        # The red rule under the 发文字号 (版头中的分隔线).
        pbdr = p._p.get_or_add_pPr().makeelement(qn("w:pBdr"), {})
        bottom = pbdr.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12",
                                                    qn("w:space"): "4", qn("w:color"): "E00000"})
        pbdr.append(bottom)
        p._p.get_or_add_pPr().append(pbdr)
    if doc.header or doc.number:
        para("", indent=False)
    para(doc.title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, style="Title")
    para("", indent=False)
    for label, value in doc.meta:
        para(f"{label}：{value}", indent=True)
    if doc.to:
        para(f"{doc.to}：", indent=False)
    for block in doc.body:
        if isinstance(block, str):
            para(block)
        elif block[0] == "h":
            para(block[1], style="Heading 1")
        elif block[0] == "h2":
            para(block[1], style="Heading 2")
        elif block[0] == "line":
            para(block[1], indent=False)
        elif block[0] == "table":
            rows = block[1]
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(str(value))
                    _docx_fonts(run, "黑体" if r == 0 else "仿宋_GB2312", 12)
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            para("", indent=False)
    if doc.signature or doc.date:
        para("", indent=False)
    if doc.signature:
        para(doc.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if doc.date:
        para(cn_date(doc.date), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    props = d.core_properties
    props.title, props.author, props.last_modified_by = doc.title, "示范县民政局", "示范县民政局"
    props.created = props.modified = dt.datetime(*FIXED_TIME)
    props.revision = 1
    d.save(str(path))
    normalize_zip(path)


# =========================================================================== rendering: reportlab PDF

CID_FONT = "STSong-Light"
_NO_LINE_START = set("，。、；：？！）》」』”’%％")


def _register_cid_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))


def _wrap(text: str, width: float, size: float, first_indent: float = 0) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line, limit = [], "", width - first_indent
    for ch in text:
        if line and stringWidth(line + ch, CID_FONT, size) > limit and ch not in _NO_LINE_START:
            lines.append(line)
            line, limit = "", width
        line += ch
    lines.append(line)
    return lines


def _balanced(text: str, width: float, size: float) -> list[str]:
    """A title broken into lines of about equal length: never one character alone, never
    inside a number (``2021``), never before closing punctuation."""
    n = len(_wrap(text, width, size))
    if n == 1:
        return [text]

    def breakable(i: int) -> bool:
        return not (text[i - 1].isascii() and text[i - 1].isalnum() and text[i].isascii() and text[i].isalnum()) \
            and text[i] not in _NO_LINE_START

    cuts, last = [], 0
    for k in range(1, n):
        target = round(len(text) * k / n)
        best = min((i for i in range(last + 2, len(text) - 1) if breakable(i)), key=lambda i: abs(i - target))
        cuts.append(best)
        last = best
    bounds = [0] + cuts + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def render_pdf(doc: Doc, path: Path) -> None:
    """A text PDF drawn with the non-embedded CJK font STSong-Light (as many scanners' OCR
    exports and older office suites produce)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_cid_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(doc.title)
    c.setAuthor("示范县民政局")
    c.setCreator("示范县电子公文系统")
    page_w, page_h = A4
    left, right, top, bottom = 28 * mm, 26 * mm, 37 * mm, 35 * mm
    width = page_w - left - right
    body_size, lead = 14, 25
    y = page_h - top
    page = [1]

    def new_page():
        nonlocal y
        footer()
        c.showPage()
        page[0] += 1
        y = page_h - top

    def footer():
        c.setFont(CID_FONT, 12)
        c.drawCentredString(page_w / 2, 20 * mm, f"— {page[0]} —")

    def need(h):
        if y - h < bottom:
            new_page()

    def text_line(s, size=body_size, align="left", x_off=0.0, color=(0, 0, 0)):
        nonlocal y
        need(lead)
        c.setFillColorRGB(*color)
        c.setFont(CID_FONT, size)
        if align == "center":
            c.drawCentredString(page_w / 2, y - size, s)
        elif align == "right":
            c.drawRightString(page_w - right - 2 * size, y - size, s)
        else:
            c.drawString(left + x_off, y - size, s)
        y -= max(lead, size * 1.6)

    def paragraph(s, indent=True, size=body_size):
        first = 2 * size if indent else 0
        for i, line in enumerate(_wrap(s, width, size, first)):
            text_line(line, size, x_off=first if i == 0 else 0)

    for issuer in header_lines(doc.header):
        text_line(issuer, 26 if len(issuer) < 14 else 22, "center", color=(0.88, 0, 0))
    if doc.header:
        y -= 6
    if doc.number:
        text_line(doc.number, body_size, "center")
        c.setStrokeColorRGB(0.88, 0, 0)
        c.setLineWidth(1.5)
        c.line(left, y + 8, page_w - right, y + 8)
        y -= 12
    for line in _balanced(doc.title, width - 40, 20):
        text_line(line, 20, "center")
    y -= 8
    for label, value in doc.meta:
        paragraph(f"{label}：{value}")
    if doc.to:
        paragraph(f"{doc.to}：", indent=False)
    for block in doc.body:
        if isinstance(block, str):
            paragraph(block)
        elif block[0] in ("h", "h2"):
            paragraph(block[1], indent=True)
        elif block[0] == "line":
            paragraph(block[1], indent=False)
        elif block[0] == "table":
            rows = block[1]
            cols = len(rows[0])
            size = 11
            col_w = [width / cols] * cols
            for r, row in enumerate(rows):
                cells = [_wrap(str(v), col_w[i] - 6, size) for i, v in enumerate(row)]
                h = max(len(x) for x in cells) * (size + 5) + 8
                need(h)
                x = left
                c.setStrokeColorRGB(0, 0, 0)
                c.setLineWidth(0.6)
                c.setFillColorRGB(0, 0, 0)
                c.setFont(CID_FONT, size)
                for i, lines in enumerate(cells):
                    c.rect(x, y - h, col_w[i], h)
                    for k, line in enumerate(lines):
                        w = stringWidth(line, CID_FONT, size)
                        c.drawString(x + (col_w[i] - w) / 2, y - 5 - size - k * (size + 5), line)
                    x += col_w[i]
                y -= h
            y -= 10
    if doc.signature or doc.date:
        y -= 14
    if doc.signature:
        text_line(doc.signature, body_size, "right")
    if doc.date:
        text_line(cn_date(doc.date), body_size, "right")
    footer()
    c.save()


# =========================================================================== rendering: photos

CJK_TTC = next((p for p in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                            "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc") if os.path.exists(p)), None)


def render_photo(ph: Photo, path: Path) -> None:
    """A small activity photo: a banner with the event's name over a room or a street, people,
    EXIF DateTimeOriginal; orientation 6 stores the pixels rotated as a phone held upright does."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(ph.seed)
    w, h = ph.size if ph.orientation == 1 else (ph.size[1], ph.size[0])
    img = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(img)
    if ph.scene == "outdoor":
        for yy in range(h):  # sky → ground
            t = yy / h
            col = (int(150 + 60 * t), int(190 + 30 * t), int(235 - 60 * t)) if t < 0.55 else (150, 140, 120)
            draw.line([(0, yy), (w, yy)], fill=col)
        for i in range(4):  # buildings
            x0 = rng.randint(0, w - 120)
            bw, bh = rng.randint(90, 200), rng.randint(120, int(h * 0.45))
            draw.rectangle([x0, int(h * 0.55) - bh, x0 + bw, int(h * 0.55)],
                           fill=tuple(rng.randint(170, 225) for _ in range(3)))
    else:
        wall = (rng.randint(215, 240), rng.randint(215, 235), rng.randint(195, 220))
        draw.rectangle([0, 0, w, int(h * 0.62)], fill=wall)
        draw.rectangle([0, int(h * 0.62), w, h], fill=(176, 144, 110))
        draw.rectangle([int(w * 0.12), int(h * 0.62) - 30, int(w * 0.88), int(h * 0.62) + 10], fill=(120, 80, 50))
    banner_h = max(48, h // 9)
    draw.rectangle([int(w * 0.04), int(h * 0.06), int(w * 0.96), int(h * 0.06) + banner_h], fill=(200, 20, 30))
    font_size = banner_h - 18
    font = ImageFont.truetype(CJK_TTC, font_size) if CJK_TTC else ImageFont.load_default()
    while CJK_TTC and draw.textlength(ph.banner, font=font) > w * 0.88 and font_size > 10:
        font_size -= 1
        font = ImageFont.truetype(CJK_TTC, font_size)
    tw = draw.textlength(ph.banner, font=font)
    draw.text(((w - tw) / 2, int(h * 0.06) + (banner_h - font_size) / 2 - 2), ph.banner, font=font,
              fill=(255, 236, 120))
    if ph.scene == "sign":
        bx0, by0 = int(w * 0.25), int(h * 0.3)
        draw.rectangle([bx0, by0, w - bx0, by0 + int(h * 0.22)], fill=(245, 245, 245), outline=(40, 40, 40), width=3)
        sign_font = ImageFont.truetype(CJK_TTC, max(14, h // 22)) if CJK_TTC else font
        label = ph.banner.replace("揭牌", "")[:14]
        lw = draw.textlength(label, font=sign_font)
        draw.text(((w - lw) / 2, by0 + int(h * 0.08)), label, font=sign_font, fill=(30, 30, 30))
    base = int(h * 0.92)
    for i in range(ph.people):
        x = int((i + 0.5) * w / ph.people) + rng.randint(-12, 12)
        scale = rng.uniform(0.8, 1.15) * (h / 600)
        body = tuple(rng.randint(40, 220) for _ in range(3))
        bw, bh, r = int(34 * scale), int(95 * scale), int(17 * scale)
        top = base - bh - rng.randint(0, int(40 * scale))
        draw.rounded_rectangle([x - bw, top, x + bw, top + bh], radius=int(14 * scale), fill=body)
        draw.ellipse([x - r, top - 2 * r - 4, x + r, top - 4], fill=(236, 200, 170))
        draw.pieslice([x - r, top - 2 * r - 6, x + r, top - 4], 180, 360, fill=(35, 30, 30))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    if ph.orientation == 6:
        # A phone held upright stores the sensor's landscape pixels; EXIF 6 says "turn 90° clockwise".
        img = img.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"  # Make
    exif[0x0110] = "VOG-AL10"  # Model
    exif[0x0112] = ph.orientation
    exif[0x0132] = ph.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = ph.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    sub[0x9004] = ph.taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeDigitized
    img.save(path, "JPEG", quality=68, optimize=True, exif=exif.tobytes())


# =========================================================================== rendering: helpers

def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def normalize_zip(path: Path) -> None:
    """Rewrite an OOXML zip with fixed entry times and fixed document timestamps, so the
    same content always gives the same bytes."""
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = stamp.sub(rb"\g<1>" + FIXED_ISO.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            out.writestr(zi, data)
    os.replace(tmp, path)


def normalize_pdf(src: Path, dst: Path, title: str) -> None:
    """LibreOffice stamps creation times, a checksum over them and a random /ID; drop them
    for stable bytes."""
    import pikepdf

    with pikepdf.open(src) as pdf:
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for key in ("/DocChecksum", "/ID"):  # qpdf would keep the old /ID[0] even when deterministic
            if key in pdf.trailer:
                del pdf.trailer[key]
        info = pdf.docinfo
        for key in ("/CreationDate", "/ModDate"):
            if key in info:
                del info[key]
        info["/Title"] = title
        pdf.save(dst, deterministic_id=True, compress_streams=True)


def save_workbook(wb, path: Path) -> None:
    wb.properties.creator = "示范县民政局"
    wb.properties.lastModifiedBy = "示范县民政局"
    wb.properties.created = wb.properties.modified = dt.datetime(*FIXED_TIME)
    wb.save(str(path))
    normalize_zip(path)


def header_row(ws, headers, widths=None, row=1) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=i, value=h)
        cell.font = Font(bold=True, name="宋体")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        if widths:
            ws.column_dimensions[cell.column_letter].width = widths[i - 1]


def table_sheet(path: Path, title: str | None, headers: list, rows: list, widths: list, *,
                sheet: str = "Sheet1") -> None:
    """A register as clerks keep them: a merged title row (unless ``title`` is None: registers
    that rules read keep their header in row 1), the header, rows; dates as real date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    first = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14, name="宋体")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        first = 2
    header_row(ws, headers, widths, row=first)
    ws.freeze_panes = ws.cell(row=first + 1, column=1).coordinate
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    save_workbook(wb, path)


def corrupt_pdf(path: Path) -> None:
    """What a scanner app leaves when it dies mid-write: a PDF header, the start of an image
    object and part of its JPEG bytes — no pages, no cross-reference table, no trailer."""
    from PIL import Image

    img = Image.new("L", (600, 800), 235)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    head = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /XObject /Subtype /Image /Width 1654 "
            b"/Height 2339 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length 183422 >>\nstream\n")
    path.write_bytes(head + buf.getvalue()[:1800])


# =========================================================================== content helpers

def minutes(*, title: str, number: str, when: dt.date, place: str, host: str, attendees: str,
            intro: str, points: list[str], signature: str, written: dt.date, header: str = "会议纪要",
            absent: str = "") -> Doc:
    """会议纪要: 会议时间 / 地点 / 主持 / 出席 under the title; 成文日期 closes the document."""
    meta = [("会议时间", cn_date(when)), ("会议地点", place), ("主持人", host), ("出席人员", attendees)]
    if absent:
        meta.append(("请假人员", absent))
    body = [intro + "现将会议议定事项纪要如下："]
    numerals = "一二三四五六七八九十"
    for i, point in enumerate(points):
        head, _, text = point.partition("|")
        body.append(("h", f"{numerals[i]}、{head}"))
        body.append(text)
    return Doc(title=title, header=header, number=number, meta=meta, body=body, signature=signature,
               date=written)


def policy(*, title: str, sections: list, date: dt.date, signature: str, header: str = "", number: str = "",
           to: str = "", intro: str = "") -> Doc:
    body: list = [intro] if intro else []
    numerals = "一二三四五六七八九十"
    for i, sec in enumerate(sections):
        if isinstance(sec, tuple) and sec[0] == "table":
            body.append(sec)
            continue
        head, *paras = sec
        body.append(("h", f"{numerals[i]}、{head}"))
        body.extend(paras)
    return Doc(title=title, header=header, number=number, to=to, body=body, signature=signature, date=date)


def record(*, title: str, label: str, when: dt.date, place: str, lines: list[str], body: list,
           signature: str, written: dt.date) -> Doc:
    """活动记录 / 培训记录: a 活动时间 (培训时间) line, then what happened."""
    meta = [(label, cn_date(when)), ("地点", place)] + [tuple(x.split("：", 1)) for x in lines]
    return Doc(title=title, meta=meta, body=body, signature=signature, date=written)


M = "manifest"
N = "name"


def U(ids: str, **kw) -> Use:
    return Use(ids, **kw)


# =========================================================================== the evidence

def items_thought() -> list[Item]:
    """1 思想引领."""
    return [
        Item("材料/思想引领/示范县未成年人保护工作领导小组2020年专题学习会议纪要.pdf", "lo", [
            U("1.1.1、1.1.2", kind="会议纪要")],
            doc=minutes(
                title=f"{GROUP}2020年专题学习会议纪要", number="示未保组纪〔2020〕3号", when=D(2020, 6, 18),
                place="县政府三楼第一会议室", host="李春梅（副县长、领导小组副组长）",
                attendees="领导小组成员单位分管负责同志，各乡镇分管负责同志",
                intro="2020年6月18日，领导小组召开专题学习会议，集中学习习近平新时代中国特色社会主义思想和"
                      "习近平总书记关于未成年人保护工作的重要指示精神，传达学习党的十九届四中全会精神和新修订的"
                      "《中华人民共和国未成年人保护法》。",
                points=[
                    "深入学习领会重要指示精神|会议强调，各成员单位要把学习贯彻习近平总书记关于未成年人保护工作的重要指示精神"
                    "纳入理论中心组学习和干部培训重要内容，切实提高政治判断力、政治领悟力、政治执行力。",
                    "抓好新修订未成年人保护法宣贯|县司法局牵头制定普法宣传方案，各成员单位于9月底前完成本系统干部职工专题学习，"
                    "县委党校将未成年人保护法纳入2020年秋季主体班次教学内容。",
                    "压实政治责任|各乡镇、各部门主要负责同志是本单位未成年人保护工作第一责任人，要坚决扛起高标准抓好"
                    "未成年人保护工作的政治责任。"],
                signature=GROUP_OFFICE, written=D(2020, 6, 19))),
        Item("材料/思想引领/关于认真学习贯彻习近平总书记关于未成年人保护工作重要指示精神的通知.pdf", "rl", [
            U("1.1.2、1.2.1", kind="制度文件")],
            doc=policy(
                header="中共示范县委办公室", number="示办发〔2020〕8号",
                title="关于认真学习贯彻习近平总书记关于未成年人保护工作重要指示精神的通知",
                to="各乡镇党委，县直各单位党组（党委）",
                intro="为深入学习贯彻习近平总书记关于未成年人保护工作的重要指示精神，推动我县未成年人保护工作高质量发展，"
                      "经县委同意，现就有关事项通知如下。",
                sections=[
                    ("纳入理论学习中心组学习内容", "各单位要将习近平总书记关于未成年人保护工作的重要指示精神纳入2020年度"
                     "理论学习中心组学习计划，每年至少安排1次专题学习。"),
                    ("纳入干部培训重要内容", "县委组织部、县委党校要在科级干部进修班、中青年干部培训班中设置未成年人保护专题课程。"),
                    ("以重要指示精神指导工作全过程", "各单位要坚持用重要指示精神指导未成年人保护工作全过程，"
                     "对照重点任务逐项抓好落实，年底前报送学习贯彻情况。"),
                ],
                signature="中共示范县委办公室", date=D(2020, 4, 10))),
        Item("材料/思想引领/示范县2021年未成年人保护工作要点.docx", "docx", [U("1.2.1、1.2.2", kind="制度文件")],
             doc=policy(
                 header=f"{GROUP}文件", number="示未保组〔2021〕1号",
                 title="示范县2021年未成年人保护工作要点", to="领导小组各成员单位，各乡镇人民政府",
                 intro="2021年是实施“十四五”规划的开局之年。全县未成年人保护工作要全面贯彻落实党中央、国务院关于"
                       "未成年人保护工作的重大决策部署，做到有计划、有部署、落实好。",
                 sections=[
                     ("健全工作机制", "落实县、乡两级未成年人保护工作协调机制，县领导小组每年至少召开两次全体会议，"
                      "各乡镇每年至少召开两次专题会议并形成会议纪要。"),
                     ("推进阵地建设", "年内新建乡镇未成年人保护工作站1个，村（社区）儿童之家覆盖率达到90%以上。"),
                     ("加强队伍建设", "实现村（社区）儿童主任全覆盖，新任儿童主任入职3个月内完成岗前培训，全年轮训不少于1次。"),
                     ("table", [["重点任务", "牵头单位", "完成时限"],
                                ["申报全国未成年人保护示范县", "县民政局", "2021年10月"],
                                ["乡镇未成年人保护工作站建设", "各乡镇人民政府", "2021年9月"],
                                ["儿童主任、儿童督导员轮训", "县民政局", "2021年6月"],
                                ["强制报告制度轮训", "县检察院、县教育局", "2021年4月"]]),
                 ],
                 signature=GROUP, date=D(2021, 2, 26))),
        Item("材料/思想引领/领导批示办理台账.xlsx", "xlsx", [U("1.2.3", kind="工作台账", date=D(2021, 9, 28))],
             build=lambda p: table_sheet(
                 p, "示范县未成年人保护工作领导指示批示办理台账（2020—2021年）",
                 ["序号", "批示日期", "批示领导", "批示内容摘要", "承办单位", "办结日期", "办理结果"],
                 [[1, D(2020, 3, 2), "县委书记", "做好疫情期间困境儿童监护照料", "县民政局", D(2020, 3, 20), "已办结，排查困境儿童412名"],
                  [2, D(2020, 8, 11), "县长", "落实暑期防溺水各项措施", "县教育局", D(2020, 8, 31), "已办结"],
                  [3, D(2021, 2, 5), "市长", "加强农村留守儿童关爱服务", "县民政局", D(2021, 3, 30), "已办结，报送书面报告"],
                  [4, D(2021, 6, 8), "副县长", "推进乡镇未成年人保护工作站建设", "各乡镇人民政府", D(2021, 9, 15), "已办结，建成3个"]],
                 [6, 12, 10, 34, 16, 12, 28])),
    ]


def items_leadership() -> list[Item]:
    """2 组织领导 (2.1.7 is in items_townships)."""
    county_minutes = [
        (D(2020, 4, 23), "2020年第一次全体会议", "示未保组纪〔2020〕1号", "lo",
         ["部署2020年未成年人保护工作|会议审议通过《示范县2020年未成年人保护工作要点》，明确各成员单位职责分工。",
          "研究疫情期间困境儿童关爱保护|对全县因疫情受影响儿童开展全面排查，建立“一人一档”，落实兜底保障。",
          "研究重点个案|会议研究了城关镇一名事实无人抚养儿童的监护安置问题，决定由县民政局落实临时监护。"]),
        # Scanned on paper: its dates are only in the page image (OCR reads them), not in its name.
        (D(2020, 11, 26), "2020年第二次全体会议", "示未保组纪〔2020〕4号", "scan",
         ["听取全年工作情况汇报|会议听取了县民政局关于2020年未成年人保护工作情况的汇报。",
          "研究农村留守儿童冬季关爱|各乡镇于12月底前完成留守儿童冬季走访，重点关注独居和隔代监护儿童。",
          "研究制定个案会商制度|会议原则通过《示范县未成年人保护个案会商制度》，由县民政局修改完善后印发。"]),
        (D(2021, 3, 15), "2021年第一次全体会议", "示未保组纪〔2021〕1号", "lo",
         ["部署申报全国未成年人保护示范县工作|会议决定启动示范县创建申报，成立申报工作专班，由县民政局牵头收集证明材料。",
          "审议2021年工作要点|会议审议通过《示范县2021年未成年人保护工作要点》。",
          "研究重点个案|会议研究了大坡镇一名遭受家庭暴力儿童的保护措施，决定启动个案会商，由县公安局、县妇联跟进。"]),
    ]
    items = []
    for when, name, number, fmt, points in county_minutes:
        title = f"{GROUP}{name}纪要"
        if fmt == "scan":
            items.append(scanned(
                "材料/2.1.3 县级会议/领导小组第二次全体会议纪要（扫描件）.pdf", [U("2.1.3", via=N)], seed=2113, kind="会议纪要",
                content={"title": title, "number": number, "agency": GROUP_OFFICE, "signature": GROUP_OFFICE,
                         "labels": [f"会议时间：{cn_date(when)}", "会议地点：县政府三楼第一会议室",
                                    "主持人：黄志强（县长、领导小组组长）", "出席人员：李春梅、覃海燕及各成员单位负责同志"],
                         "body": [f"{cn_date(when)}，领导小组组长黄志强主持召开{GROUP}{name}。现将会议议定事项纪要如下："]
                                 + [f"{'一二三'[i]}、{pt.replace('|', '。', 1)}" for i, pt in enumerate(points)],
                         "close": cn_date(when + dt.timedelta(days=2)), "dates": [when, when + dt.timedelta(days=2)]}))
            continue
        items.append(Item(f"材料/2.1.3 县级会议/{when.isoformat()} {title}.pdf", fmt, [U("2.1.3", via=N)],
                          doc=minutes(title=title, number=number, when=when, place="县政府三楼第一会议室",
                                      host="黄志强（县长、领导小组组长）",
                                      attendees="李春梅、覃海燕及领导小组各成员单位主要负责同志",
                                      intro=f"{cn_date(when)}，县长、领导小组组长黄志强主持召开{GROUP}{name}，"
                                            "研究解决未成年人保护工作的重大问题、重要事项和重点个案。",
                                      points=points, signature=GROUP_OFFICE,
                                      written=when + dt.timedelta(days=2))))
    # The 2021 meeting is also listed in the manifest: the same file for the same standard counts once.
    items[2].uses.append(U("2.1.3", date="2021年3月15日", kind="会议纪要", note="与文件夹编号重复，只计一次"))
    items += [
        Item("材料/组织领导/示范县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（摘录）.pdf", "rl", [U("2.1.1", kind="制度文件")],
             doc=policy(
                 header="示范县人民政府文件", number="示政发〔2021〕5号",
                 title="示范县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（摘录）",
                 sections=[("第九章 第三节 加强未成年人保护", "完善未成年人保护工作体系，将未成年人保护工作纳入国民经济和社会发展规划，"
                            "健全县、乡、村三级未成年人保护工作网络，到2025年实现乡镇未成年人保护工作站全覆盖。"),
                           ("第十五章 绩效评价", "将未成年人保护工作纳入各乡镇和县直部门年度工作绩效评价内容，评价结果作为领导班子考核的重要依据。")],
                 signature=GOV, date=D(2021, 3, 30))),
        Item("材料/组织领导/关于成立示范县未成年人保护工作领导小组的通知.pdf", "lo", [U("2.1.2", kind="制度文件")],
             doc=policy(
                 header="示范县人民政府办公室文件", number="示政办发〔2020〕3号",
                 title="示范县人民政府办公室关于成立示范县未成年人保护工作领导小组的通知",
                 to="各乡镇人民政府，县直各有关单位",
                 intro="为加强对全县未成年人保护工作的组织领导，建立未成年人保护工作协调机制，统筹、协调、督促和指导相关部门"
                       "在职责范围内做好未成年人保护工作，经县人民政府同意，决定成立示范县未成年人保护工作领导小组。",
                 sections=[
                     ("组成人员", "组长：黄志强（县长）；副组长：李春梅（副县长）；成员：县委宣传部、县法院、县检察院、县教育局、"
                      "县公安局、县民政局、县司法局、县财政局、县卫健局、团县委、县妇联、县残联等单位分管负责同志。"),
                     ("主要职责", "统筹协调全县未成年人保护工作，研究解决重大问题、重要事项和重点个案，督促检查成员单位履职情况。"),
                     ("工作规则", "领导小组办公室设在县民政局，办公室主任由覃海燕同志兼任。领导小组每年至少召开两次全体会议。"),
                 ],
                 signature=GOV_OFFICE, date=D(2020, 1, 15))),
        Item("材料/组织领导/领导小组成员单位2020年度未成年人保护工作总结汇编.pdf", "rl", [U("2.1.4", kind="其他")],
             doc=policy(
                 title="示范县未成年人保护工作领导小组成员单位2020年度工作总结汇编",
                 intro="2020年，领导小组各成员单位按照职责分工，形成工作合力，有关部门职能作用发挥明显。",
                 sections=[("县教育局", "开展学生欺凌专项治理，全县中小学心理辅导室建成率100%。"),
                           ("县公安局", "侦破侵害未成年人案件12起，落实询问未成年被害人“一站式”工作机制。"),
                           ("县卫健局", "落实医疗机构强制报告制度，接报疑似侵害线索3条，均及时移交公安机关。"),
                           ("县民政局", "全年开展困境儿童走访8600余人次，落实临时监护2人。")],
                 signature=GROUP_OFFICE, date=D(2021, 1, 18))),
        Item("材料/组织领导/关于设立示范县未成年人权益督查专员的通知.docx", "docx", [U("2.1.5", kind="制度文件")],
             doc=policy(
                 header="示范县人民政府办公室文件", number="示政办发〔2021〕12号",
                 title="示范县人民政府办公室关于设立示范县未成年人权益督查专员的通知",
                 to="各乡镇人民政府，县直各有关单位",
                 intro="根据《中华人民共和国未成年人保护法》和上级有关要求，县未成年人保护工作协调机制设立专兼职相结合的"
                       "未成年人权益督查专员。",
                 sections=[
                     ("督查专员人选", "专职督查专员1名，由县民政局二级主任科员莫文斌担任；兼职督查专员3名，由县检察院、"
                      "县教育局、县公安局各推荐1名。"),
                     ("职责", "牵头对全县未成年人保护工作开展情况进行督促检查；对存在的突出问题以及侵害未成年人权益的恶性案件、"
                      "重大事件进行跟踪指导、挂牌督办、限时整改。"),
                     ("table", [["姓名", "单位", "类别"], ["莫文斌", "县民政局", "专职"], ["韦丽丽", "县检察院", "兼职"],
                                ["黄海涛", "县教育局", "兼职"], ["陆明", "县公安局", "兼职"]]),
                 ],
                 signature=GOV_OFFICE, date=D(2021, 4, 2))),
        Item("材料/组织领导/县总工会县残联县关工委参与未成年人保护工作情况.pdf", "rl", [U("2.1.6", kind="活动记录")],
             doc=policy(
                 title="县总工会、县残联、县关工委参与未成年人保护工作情况",
                 intro="2020年以来，县总工会、县残疾人联合会、县关心下一代工作委员会等组织有效参与未成年人保护工作。",
                 sections=[("县总工会", "开展“爱心托管班”12期，服务职工子女460人次。"),
                           ("县残联", "为86名残疾儿童提供康复训练补贴，组织“六一”残疾儿童关爱活动。"),
                           ("县关工委", "组织“五老”志愿者结对帮扶留守儿童213名。")],
                 signature=GROUP_OFFICE, date=D(2021, 6, 1))),
        Item("材料/组织领导/2021-06-01 县残联六一残疾儿童关爱活动.jpg", "jpg", [U("2.1.6")],
             photo=Photo("县残联“六一”残疾儿童关爱活动", dt.datetime(2021, 6, 1, 9, 40), seed=21)),
        # 2.1.8: the clerk typed 2.1.9 — a bad manifest row (deliberate gap).
        Item("材料/其他/示范县2021年平安建设考核评分细则（摘录）.pdf", "rl", [U(BAD_ID, kind="制度文件")],
             doc=policy(
                 header="中共示范县委平安示范县建设领导小组", number="示平安组〔2021〕2号",
                 title="示范县2021年平安建设考核评分细则（摘录）",
                 sections=[("未成年人保护工作（4分）", "未成年人保护工作开展情况作为平安建设考核重要内容。发生侵害未成年人权益恶性案件、"
                            "造成恶劣社会影响的，实行一票否决。"),
                           ("文明创建", "落实落细文明创建中未成年人保护相关要求，未成年人思想道德建设纳入文明单位测评。")],
                 signature="中共示范县委平安示范县建设领导小组", date=D(2021, 3, 8))),
        Item("材料/经费安排/示范县2021年未成年人保护专项经费预算表.xlsx", "xlsx", [
            U("2.2.1、2.2.2、2.2.3", kind="经费文件", date=D(2021, 1, 25))], build=build_budget),
        Item("材料/经费安排/关于下达2020年福利彩票公益金儿童之家建设资金的通知.pdf", "rl", [U("2.2.2", kind="经费文件")],
             doc=policy(
                 header="示范县财政局 示范县民政局", number="示财社〔2020〕15号",
                 title="关于下达2020年福利彩票公益金儿童之家建设资金的通知", to="各乡镇人民政府",
                 intro="为做好城乡社区未成年人关爱服务场所建设，现下达2020年福利彩票公益金儿童之家建设资金40万元。",
                 sections=[("table", [["乡镇", "建设数量（个）", "金额（万元）"], ["城关镇", "3", "12"], ["大坡镇", "2", "8"],
                                      ["六景镇", "2", "8"], ["新圩镇", "3", "12"], ["合计", "10", "40"]]),
                           ("资金使用要求", "资金专款专用，用于儿童之家场地改造、设施设备购置和关爱保护服务，统筹财政资金、彩票公益金等多种渠道保障。")],
                 signature="示范县财政局  示范县民政局", date=D(2020, 7, 6))),
        Item("材料/经费安排/示范县儿童主任工作补贴发放管理办法.docx", "docx", [U("2.2.3、11.1.4", kind="制度文件")],
             doc=policy(
                 header="示范县民政局 示范县财政局文件", number="示民发〔2020〕11号",
                 title="示范县儿童主任工作补贴发放管理办法",
                 sections=[("补贴对象", "经乡镇人民政府聘任、在岗履职的村（社区）儿童主任。"),
                           ("补贴标准", "按每人每月200元标准保障儿童主任交通、通讯等工作补贴，所需资金纳入县级财政预算。"),
                           ("岗位要求和考核激励", "儿童主任每月走访困境儿童不少于1次，考核结果与补贴发放挂钩；鼓励考取社会工作职业资格，"
                            "取得证书的每月增发50元。"),
                           ("table", [["考核等次", "补贴发放比例"], ["优秀", "100%（另奖励500元）"], ["合格", "100%"], ["不合格", "停发当季补贴"]])],
                 signature="示范县民政局  示范县财政局", date=D(2020, 5, 12))),
        Item("材料/经费安排/示范县政府购买服务指导性目录（2021年版）（摘录）.pdf", "lo", [U("2.2.4", kind="制度文件")],
             doc=policy(
                 header="示范县财政局文件", number="示财购〔2021〕3号",
                 title="示范县政府购买服务指导性目录（2021年版）（摘录）",
                 sections=[("table", [["一级目录", "二级目录", "三级目录"],
                                      ["基本公共服务", "社会救助", "困境儿童关爱服务"],
                                      ["基本公共服务", "社会救助", "未成年人关爱服务"],
                                      ["社会管理性服务", "社会工作服务", "涉案未成年人社会观护"]]),
                           ("说明", "未成年人关爱服务纳入县级政府购买服务指导性目录，承接主体为依法登记的社会组织。")],
                 signature="示范县财政局", date=D(2021, 2, 3))),
    ]
    return items


def build_budget(path: Path) -> None:
    """经费文件: an Excel budget whose 下达日期 are real date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "2021年预算"
    ws["A1"] = "示范县2021年未成年人保护专项经费预算表"
    ws["A1"].font = Font(bold=True, size=14, name="宋体")
    ws.merge_cells("A1:G1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = "编制单位：示范县财政局  示范县民政局"
    ws.merge_cells("A2:G2")
    header_row(ws, ["序号", "项目名称", "资金来源", "预算金额（万元）", "下达日期", "下达文号", "备注"],
               [6, 34, 16, 16, 14, 20, 24], row=3)
    rows = [
        [1, "困境儿童监护支持、监护监督服务", "本级财政", 60, D(2021, 2, 8), "示财社〔2021〕3号", "纳入本级政府预算"],
        [2, "儿童主任交通、通讯工作补贴", "本级财政", 2.4, D(2021, 2, 8), "示财社〔2021〕3号", "10人×200元×12月"],
        [3, "村（社区）儿童之家建设和关爱服务", "福利彩票公益金", 30, D(2021, 4, 20), "示财社〔2021〕9号", ""],
        [4, "乡镇未成年人保护工作站建设", "本级财政", 24, D(2021, 4, 20), "示财社〔2021〕9号", "3个工作站"],
        [5, "儿童主任、儿童督导员培训", "本级财政", 8, D(2021, 3, 1), "示财社〔2021〕5号", ""],
        [6, "政府购买未成年人关爱服务", "本级财政", 35, D(2021, 3, 1), "示财社〔2021〕5号", "两家社会组织"],
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    total = len(rows) + 4
    ws.cell(row=total, column=2, value="合计")
    ws.cell(row=total, column=4, value=f"=SUM(D4:D{total - 1})")
    save_workbook(wb, path)


def items_townships() -> list[Item]:
    """2.1.7: every township met twice a year in 2020 and 2021, minutes with 主体 in the manifest."""
    dates = {"城关镇": [D(2020, 4, 8), D(2020, 9, 17), D(2021, 3, 24), D(2021, 7, 15)],
             "大坡镇": [D(2020, 4, 14), D(2020, 10, 13), D(2021, 3, 30), D(2021, 8, 5)],
             "六景镇": [D(2020, 5, 6), D(2020, 11, 10), D(2021, 4, 7), D(2021, 7, 22)],
             "新圩镇": [D(2020, 4, 21), D(2020, 9, 24), D(2021, 4, 13), D(2021, 8, 19)]}
    topics = [
        ["传达县未成年人保护工作会议精神|镇党委书记传达了县领导小组2020年第一次全体会议精神。",
         "部署疫情期间困境儿童关爱|各村（社区）儿童主任对辖区困境儿童、留守儿童逐户排查，建立台账。"],
        ["研究留守儿童关爱服务|会议研究了辖区留守儿童冬季关爱和寒假安全工作。",
         "研究重点个案|会议研究了一名父母外出务工、祖父母患病儿童的监护落实问题，明确由村委会和儿童主任跟踪帮扶。"],
        ["部署2021年未成年人保护工作|会议学习了县2021年未成年人保护工作要点，明确镇未成年人保护工作站建设任务。",
         "研究儿童之家运行|要求各村（社区）儿童之家每月开放不少于8次。"],
        ["研究暑期防溺水和安全工作|会议部署暑期防溺水、防性侵安全教育，落实重点水域巡查。",
         "研究重点个案|会议研究了一名辍学儿童劝返复学工作，明确由镇中心学校和村委会共同负责。"],
    ]
    items = []
    for town in TOWNSHIPS:
        head, deputy = TOWNSHIP_HEADS[town]
        for k, when in enumerate(dates[town]):
            nth = "一" if k % 2 == 0 else "二"
            title = f"{town}未成年人保护工作{when.year}年第{nth}次会议纪要"
            use = U("2.1.7", unit=town)
            if town == "城关镇" and k == 0:
                use.date, use.kind = D(2020, 4, 8), "会议纪要"  # an Excel date cell
            elif town == "大坡镇" and k == 1:
                use.date = "2020/10/13"
            elif town == "六景镇" and k == 2:
                use.date = "2021.4.7"
            elif town == "新圩镇":
                use.written = f"乡镇会议\\{town}\\{title}.pdf"  # relative to 材料/, Windows separators
            items.append(Item(f"材料/乡镇会议/{town}/{title}.pdf", "rl", [use], doc=minutes(
                title=title, header=f"{town}人民政府", number=f"{town[:2]}纪〔{when.year}〕{k % 2 + 1}号", when=when,
                place=f"{town}人民政府二楼会议室", host=f"{head}（镇长、镇未成年人保护工作领导小组组长）",
                attendees=f"{deputy}及镇民政、教育、派出所、司法所、卫生院负责同志，各村（社区）儿童主任",
                intro=f"{cn_date(when)}，镇长{head}主持召开{town}未成年人保护工作{when.year}年第{nth}次会议，"
                      "研究未成年人保护工作的重大问题、重要事项和重点个案。",
                points=topics[k], signature=f"{town}人民政府", written=when + dt.timedelta(days=1))))
    return items


def scanned(path: str, uses: list[Use], *, seed: int, kind: str, content: dict,
            taken: dt.datetime | None = None) -> Item:
    """A paper page as the scanner (a one-page PDF) or a phone (a JPEG taken at ``taken``) delivers it, drawn and
    degraded by bench/scans.py with a red 公章 over the sign-off date: its text exists only
    in the image, so OCR reads it."""
    def build(dest: Path) -> None:
        if str(REPO / "bench") not in sys.path:
            sys.path.insert(0, str(REPO / "bench"))
        import scans

        data, _, _ = scans.make_page(0, random.Random(seed), kind=kind, seal=True, rotation=0, photo=bool(taken),
                                     content=content, taken=taken)
        dest.write_bytes(data if taken else scans.as_pdf(data))

    return Item(path, "raw", uses, build=build)


def simple(path: str, fmt: str, uses: list[Use], *, title: str, intro: str, sections: list, signature: str,
           date: dt.date, header: str = "", number: str = "", to: str = "") -> Item:
    return Item(path, fmt, uses, doc=policy(title=title, intro=intro, sections=sections, signature=signature,
                                            date=date, header=header, number=number, to=to))


def items_mechanisms() -> list[Item]:
    """3 工作机制."""
    return [
        simple("材料/3.1.1 受理处置程序/示范县涉未成年人检举控告报告受理处置工作规程.docx", "docx", [U("3.1.1", via=N)],
               header=f"{GROUP}文件", number="示未保组〔2020〕2号", title="示范县涉未成年人检举控告报告受理处置工作规程",
               intro="为规范人民法院、人民检察院、公安、民政、教育、司法等有关部门对涉及未成年人的检举、控告或者报告的受理、"
                     "处置工作，建立及时受理、处置工作程序，制定本规程。",
               sections=[("受理", "各部门对涉及未成年人的检举、控告或者报告，应当当场登记，24小时内录入受理台账。"),
                         ("处置", "属于本部门职责的，依法及时处置；不属于本部门职责的，3个工作日内移送有关部门并告知报告人。"),
                         ("table", [["环节", "责任单位", "时限"], ["登记受理", "首接单位", "当日"], ["移送", "首接单位", "3个工作日"],
                                    ["处置反馈", "承办单位", "15个工作日"]])],
               signature=GROUP, date=D(2020, 6, 30)),
        simple("材料/工作机制/示范县侵害未成年人案件强制报告制度实施办法.pdf", "lo", [U("3.1.2", kind="制度文件")],
               header="示范县人民检察院 示范县公安局 示范县民政局 示范县教育局 示范县卫生健康局", number="示检会〔2020〕2号",
               title="示范县侵害未成年人案件强制报告制度实施办法",
               intro="为落实侵害未成年人案件强制报告制度，明确强制报告线索的受理、调查、处置和反馈，制定本办法。",
               sections=[("报告主体", "密切接触未成年人的单位及其工作人员发现未成年人遭受或疑似遭受不法侵害的，应当立即向公安机关报案。"),
                         ("受理调查处置反馈", "公安机关接到报告后立即受理，及时调查；处置结果在10个工作日内反馈报告单位。"),
                         ("追责问责", "负有报告义务的单位和人员未履行强制报告职责，造成严重后果的，依法依纪追究责任。")],
               signature="示范县人民检察院  示范县公安局", date=D(2020, 9, 15)),
        simple("材料/工作机制/示范县未成年人保护个案会商制度.docx", "docx", [U("3.2.1", kind="制度文件")],
               header=f"{GROUP}文件", number="示未保组〔2020〕5号", title="示范县未成年人保护个案会商制度",
               intro="为建立未成年人保护个案会商制度，实现多部门、多专业协同处置，制定本制度。",
               sections=[("启动情形", "未成年人遭受严重侵害、监护缺失或者需要多部门协同处置的，由县民政局启动个案会商。"),
                         ("参与途径及职责", "县检察院、县公安局、县教育局、县卫健局、县妇联及社会工作服务机构按职责参与会商。"),
                         ("会商流程及效力", "会商形成的处置意见以会议纪要形式印发，各责任单位应当在规定期限内落实并反馈。")],
               signature=GROUP, date=D(2020, 12, 10)),
        simple("材料/工作机制/示范县密切接触未成年人行业从业人员入职查询工作制度.pdf", "rl", [U("3.3.1", kind="制度文件")],
               header="示范县人民检察院 示范县公安局 示范县教育局", number="示检会〔2020〕4号",
               title="示范县密切接触未成年人行业从业人员入职查询工作制度",
               intro="为建立密切接触未成年人岗位入职查询制度，明确查询程序及相应责任，制定本制度。",
               sections=[("查询程序", "密切接触未成年人的单位招聘工作人员时，向公安机关、人民检察院查询应聘者有无性侵害、虐待、拐卖、"
                          "暴力伤害等违法犯罪记录。"),
                         ("定期查询", "对现有工作人员开展一次查询之后，每年定期查询一次。"),
                         ("解除工作关系", "收到查询结果显示有相关违法犯罪记录的，用人单位应当在30个工作日内与其解除工作关系。")],
               signature="示范县人民检察院  示范县公安局  示范县教育局", date=D(2020, 10, 20)),
        Item("台账/从业查询台账.xlsx", "xlsx", [U("3.3.1", kind="工作台账", date=D(2021, 9, 10))], build=build_hiring_register),
        simple("材料/工作机制/示范县未成年人救助保护热线转介工作规程.pdf", "rl", [U("3.4.1", kind="制度文件")],
               title="示范县未成年人救助保护热线转介工作规程",
               intro="为做好未成年人救助保护热线转介个案的咨询、处置等工作，明确县未成年人救助保护中心负责热线转介个案的接收和处置。",
               sections=[("转介处置", "接到热线转介个案后，2小时内联系当事人，24小时内提出处置意见。"),
                         ("热线宣传", "在学校、社区、医院等场所张贴热线宣传海报，2021年共发放宣传资料1.2万份。")],
               signature="示范县民政局", date=D(2021, 3, 5)),
        Item("材料/工作机制/全国儿童福利信息系统数据季度更新台账.xlsx", "xlsx", [U("3.5.1", kind="工作台账", date=D(2021, 9, 30))],
             build=lambda p: table_sheet(
                 p, "示范县全国儿童福利信息系统数据季度更新台账",
                 ["季度", "更新日期", "孤儿（人）", "事实无人抚养儿童（人）", "农村留守儿童（人）", "信息共享单位", "经办人"],
                 [["2020年第一季度", D(2020, 3, 27), 36, 58, 1890, "县教育局、县公安局", "莫文斌"],
                  ["2020年第二季度", D(2020, 6, 24), 35, 61, 1862, "县教育局、县公安局", "莫文斌"],
                  ["2020年第三季度", D(2020, 9, 25), 35, 63, 1840, "县教育局、县卫健局", "莫文斌"],
                  ["2020年第四季度", D(2020, 12, 28), 34, 64, 1835, "县教育局、县公安局", "莫文斌"],
                  ["2021年第一季度", D(2021, 3, 26), 34, 66, 1808, "县教育局、县公安局", "黄晓兰"],
                  ["2021年第二季度", D(2021, 6, 25), 33, 65, 1796, "县教育局、县残联", "黄晓兰"],
                  ["2021年第三季度", D(2021, 9, 24), 33, 67, 1781, "县教育局、县公安局", "黄晓兰"]],
                 [16, 12, 10, 18, 16, 22, 10])),
    ]


def build_hiring_register(path: Path) -> None:
    """3.3.1's register (rule register_deadline): one hit, dismissed within 30 working days."""
    rows = [
        [1, "陈某某", "示范县实验小学", "教师", D(2021, 3, 1), D(2021, 3, 12), "无", "准予录用", None],
        [2, "黄某某", "示范县第一中学", "教师", D(2021, 3, 1), D(2021, 3, 12), "无", "准予录用", None],
        [3, "李某某", "大坡镇中心学校", "宿管员", D(2021, 3, 22), D(2021, 4, 6), "有", "解除劳动合同", D(2021, 4, 27)],
        [4, "韦某某", "城关镇阳光幼儿园", "保育员", D(2021, 5, 10), D(2021, 5, 21), "无", "准予录用", None],
        [5, "梁某某", "示范县人民医院", "儿科护士", D(2021, 6, 7), D(2021, 6, 18), "无", "准予录用", None],
        [6, "蒙某某", "示范县青少年活动中心", "辅导员", D(2021, 7, 5), D(2021, 7, 16), "无", "准予录用", None],
        [7, "覃某某", "六景镇初级中学", "教师（定期查询）", D(2021, 8, 23), D(2021, 9, 3), "无", "继续聘用", None],
    ]
    table_sheet(path, None,
                ["序号", "姓名", "单位", "岗位", "查询日期", "查询结果日期", "有无违法犯罪记录", "处理情况", "解除日期"],
                rows, [6, 10, 22, 16, 12, 14, 16, 14, 12], sheet="2021年入职查询")


def items_family() -> list[Item]:
    """4 家庭保护: 4.1.2 has a 活动记录 in six of the seven quarters (2020 Q1 is the gap)."""
    acts = [  # (date, community, topic, fmt)
        (D(2020, 6, 13), "城东社区", "疫情防控期间亲子沟通", "rl"),
        (D(2020, 8, 22), "大坡社区", "暑期安全与防溺水家庭教育", "rl"),
        (D(2020, 11, 21), "六景社区", "家庭教育促进与科学育儿", "docx"),
        (D(2021, 3, 20), "新圩社区", "预防未成年人沉迷网络", "rl"),
        (D(2021, 5, 29), "城西社区", "亲子阅读", "docx"),
        (D(2021, 8, 14), "南街社区", "青春期心理健康", "rl"),
    ]
    items = []
    for when, place, topic, fmt in acts:
        q = (when.month - 1) // 3 + 1
        qn = "一二三四"[q - 1]
        title = f"{place}家长学校{when.year}年第{qn}季度活动记录"
        ext = "docx" if fmt == "docx" else "pdf"
        items.append(Item(f"材料/家庭保护/家长学校活动/{title}.{ext}", fmt, [U("4.1.2", kind="活动记录")],
                          doc=record(title=title, label="活动时间", when=when, place=f"{place}家长学校（儿童之家）",
                                     lines=[f"活动主题：{topic}", "参加人员：辖区家长及儿童共42人", "主讲人：示范县阳光社会工作服务中心 社工 韦晓丽"],
                                     body=[f"本次社区家长学校活动围绕“{topic}”开展，社工通过讲座、案例分享和亲子互动等形式，"
                                           "指导家长掌握家庭教育方法，履行监护职责。",
                                           "活动结束后发放家庭教育手册40册，收集家长意见建议6条，已反馈社区整改。"],
                                     signature=f"{place}家长学校", written=when)))
    items += [
        Item("材料/家庭保护/家长学校活动/2021-05-29 城西社区家长学校亲子阅读活动.jpg", "jpg", [U("4.1.2")],
             photo=Photo("城西社区家长学校亲子阅读活动", dt.datetime(2021, 5, 29, 15, 12), orientation=6, people=5, seed=41)),
        Item("材料/家庭保护/家长学校活动/2020-11-21 六景社区家长学校家庭教育讲座.jpg", "jpg", [U("4.1.2")],
             photo=Photo("六景社区家长学校家庭教育讲座", dt.datetime(2020, 11, 21, 10, 5), people=9, seed=42)),
        simple("材料/家庭保护/婚姻家庭辅导和家事审判家庭教育指导工作情况.pdf", "rl", [U("4.1.1", kind="活动记录")],
               title="示范县婚姻家庭辅导和家事审判家庭教育指导工作情况",
               intro="县民政局在婚姻登记处设立婚姻家庭辅导室，县人民法院在家事审判中开展家庭教育指导。",
               sections=[("离婚登记家庭教育指导", "2020年以来为办理离婚登记的有未成年子女当事人提供家庭教育指导326对。"),
                         ("家事审判家庭教育指导", "县法院在涉未成年人家事案件中发出家庭教育指导令18份。")],
               signature="示范县民政局  示范县人民法院", date=D(2021, 7, 12)),
        simple("材料/家庭保护/示范县婴幼儿家庭照护支持服务工作方案.docx", "docx", [U("4.2.1", kind="制度文件")],
               header="示范县卫生健康局文件", number="示卫发〔2020〕17号", title="示范县3岁以下婴幼儿家庭照护支持服务工作方案",
               intro="为面向3岁以下婴幼儿家庭开展家庭照护支持服务，增强家庭科学育儿能力，制定本方案。",
               sections=[("服务内容", "依托乡镇卫生院和社区卫生服务中心开展婴幼儿养育照护入户指导、科学育儿讲座。"),
                         ("table", [["服务项目", "频次", "责任单位"], ["入户养育指导", "每季度1次", "乡镇卫生院"],
                                    ["科学育儿讲座", "每月1次", "县妇幼保健院"]])],
               signature="示范县卫生健康局", date=D(2020, 8, 3)),
        Item("材料/家庭保护/残疾和大病儿童家庭上门探访服务台账.xlsx", "xlsx", [U("4.2.2", kind="工作台账", date=D(2021, 9, 20))],
             build=lambda p: table_sheet(
                 p, "示范县残疾和大病儿童家庭上门探访服务台账",
                 ["序号", "儿童姓名", "所在村（社区）", "类别", "探访日期", "探访人员", "服务内容"],
                 [[1, "黄某", "那良村", "肢体残疾", D(2021, 3, 11), "黄春燕", "康复训练指导"],
                  [2, "韦某", "郁江村", "白血病", D(2021, 4, 8), "韦秀英", "协助申请临时救助"],
                  [3, "陆某", "城东社区", "孤独症", D(2021, 5, 17), "陈小燕", "心理疏导、照护技能指导"],
                  [4, "蒙某", "新圩社区", "脑瘫", D(2021, 7, 6), "廖小红", "链接康复机构"]],
                 [6, 10, 14, 12, 12, 10, 26])),
        simple("材料/家庭保护/示范县监护困境未成年人风险评估和分级干预工作办法.pdf", "lo", [U("4.3.1", kind="制度文件")],
               header="示范县民政局文件", number="示民发〔2021〕4号", title="示范县监护困境未成年人风险评估和分级干预工作办法",
               intro="为建立监护困境未成年人风险评估和分级干预机制，制定本办法。",
               sections=[("风险评估", "儿童主任每季度对监护困境未成年人开展风险评估，评估结果分为高、中、低三级。"),
                         ("分级干预", "高风险的由县民政局启动个案会商，中风险的由乡镇儿童督导员跟踪督导，低风险的由儿童主任定期走访。")],
               signature="示范县民政局", date=D(2021, 2, 22)),
    ]
    return items


def items_school() -> list[Item]:
    """5 学校保护: 5.2.2 has one file per school, 主体 in the manifest."""
    items = [
        simple("材料/学校保护/示范县中小学校学校保护工作评估办法.docx", "docx", [U("5.1.1", kind="制度文件")],
               header="示范县教育局文件", number="示教发〔2020〕21号", title="示范县中小学校学校保护工作评估办法",
               intro="为建立学校保护工作评估制度和风险防控体系，制定本办法。",
               sections=[("评估内容", "学生欺凌防控、预防性侵害、心理健康教育、校园安全等学校保护工作。"),
                         ("table", [["评估项目", "分值"], ["制度建设", "20"], ["风险防控", "40"], ["队伍配备", "20"], ["工作成效", "20"]]),
                         ("结果运用", "评估结果纳入学校年度考核。")],
               signature="示范县教育局", date=D(2020, 9, 1)),
        simple("材料/学校保护/示范县中小学学生欺凌防控和预防性侵害工作实施方案.pdf", "rl", [U("5.2.1", kind="制度文件")],
               header="示范县教育局文件", number="示教发〔2021〕6号", title="示范县中小学学生欺凌防控和预防性侵害工作实施方案",
               intro="为建立学生欺凌防控和预防性侵害、性骚扰等专项制度，制定本方案。",
               sections=[("欺凌防控", "各校成立学生欺凌治理委员会，每学期开展一次专项排查。"),
                         ("预防性侵害", "落实教职工入职查询和性教育课程，设立校园心理咨询和求助渠道。")],
               signature="示范县教育局", date=D(2021, 3, 2)),
        simple("材料/学校保护/示范县中小学教职工与学生交往行为准则.docx", "docx", [U("5.2.3", kind="制度文件")],
               header="示范县教育局文件", number="示教发〔2021〕9号", title="示范县中小学教职工与学生交往行为准则",
               intro="为建立健全教职工与学生交往行为准则，加强师德师风建设，制定本准则。",
               sections=[("基本要求", "教职工与学生交往应当遵守师德规范，不得单独在封闭场所与学生相处。"),
                         ("禁止行为", "严禁体罚和变相体罚学生，严禁与学生发生不正当关系。")],
               signature="示范县教育局", date=D(2021, 4, 9)),
        simple("材料/学校保护/无烟校园建设和学校周边烟草销售网点专项检查情况.pdf", "rl", [U("5.2.4", kind="活动记录")],
               title="示范县无烟校园建设和学校周边烟草销售网点专项检查情况",
               intro="县教育局、县市场监管局、县烟草专卖局联合推进无烟学校建设，开展学校周边烟草销售网点专项检查。",
               sections=[("检查情况", "2021年5月对全县中小学周边100米范围开展检查，清理烟草销售网点3处。"),
                         ("无烟学校建设", "全县中小学均已建成无烟学校，校园内设置禁烟标识。")],
               signature="示范县教育局", date=D(2021, 5, 31)),
        Item("材料/学校保护/2021-05-31 世界无烟日无烟校园宣传活动.jpg", "jpg", [U("5.2.4")],
             photo=Photo("世界无烟日“无烟校园”宣传活动", dt.datetime(2021, 5, 31, 8, 30), scene="outdoor", people=10, seed=52)),
    ]
    for i, school in enumerate(SCHOOLS):
        social, psych = ["韦晓丽", "陆春燕", "黄丽萍", "蒙志勇", "覃小凤"][i], ["李娜", "梁冬梅", "陈文静", "黄宇", "罗秋菊"][i]
        items.append(simple(f"材料/学校保护/驻校社工和心理健康教师配备/{school}驻校社工和心理健康教育教师配备情况.pdf", "rl",
                            [U("5.2.2", unit=school, kind="工作台账")],
                            title=f"{school}驻校社工和专职心理健康教育教师配备情况",
                            intro=f"{school}按照要求配备驻校社工和专职心理健康教育教师，设立心理辅导室。",
                            sections=[("table", [["岗位", "姓名", "到岗时间", "资质"],
                                                 ["驻校社工", social, "2020年9月", "助理社会工作师"],
                                                 ["专职心理健康教育教师", psych, "2019年9月", "心理健康教育教师资格"]])],
                            signature=school, date=D(2021, 3, 10 + i)))
    return items


def items_society() -> list[Item]:
    """6 社会保护 and 7 网络保护 (6.2.1, 6.3.4 and 7.2.1 have no evidence: deliberate gaps)."""
    return [
        simple("材料/社会保护/法治副校长进校园法治宣传和心理健康教育活动情况.pdf", "rl", [U("6.1.1；9.4.1", kind="活动记录")],
               title="示范县法治副校长进校园法治宣传和心理健康服务活动情况",
               intro="依托法治副校长、心理健康教育教师和社会工作者等专业力量，开展法治宣传、心理健康服务和自护教育。",
               sections=[("法治宣传", "县法院、县检察院、县公安局、县司法局28名干警担任法治副校长，2020年以来开展法治讲座96场。"),
                         ("心理健康服务和自护教育", "开展心理健康讲座42场、防性侵自护教育30场，覆盖学生2.1万人次。")],
               signature="示范县教育局  示范县司法局", date=D(2021, 6, 25)),
        Item("材料/社会保护/2021-04-16 法治副校长进校园宣讲.jpg", "jpg", [U("6.1.1")],
             photo=Photo("法治副校长进校园 护航青春助成长", dt.datetime(2021, 4, 16, 14, 20), people=11, seed=61)),
        simple("材料/6.3.1_无障碍设施/示范县无障碍设施建设改造工作方案.pdf", "rl", [U("6.3.1", via=N)],
               header="示范县住房和城乡建设局文件", number="示住建发〔2020〕14号", title="示范县无障碍设施建设改造工作方案",
               intro="为完善无障碍设施建设，为残疾未成年人出行和参与社会生活提供便利，制定本方案。",
               sections=[("改造范围", "中小学校、医院、公园、青少年活动中心等公共场所出入口、坡道、卫生间。"),
                         ("完成情况", "2020年至2021年完成无障碍改造点位46处。")],
               signature="示范县住房和城乡建设局", date=D(2020, 6, 15)),
        Item("材料/社会保护/公共场所设施安全巡查台账.xlsx", "xlsx", [U("6.3.2", kind="工作台账", date="2021年8月31日")],
             build=lambda p: table_sheet(
                 p, "示范县公共场所设施安全巡查台账",
                 ["序号", "场所", "巡查日期", "巡查内容", "安全警示和禁烟标志", "整改情况"],
                 [[1, "县人民公园儿童游乐区", D(2021, 3, 18), "游乐设施维护", "已设置", "更换滑梯护栏1处"],
                  [2, "县体育馆", D(2021, 4, 22), "看台护栏、消防通道", "已设置", "无"],
                  [3, "六景镇滨江广场", D(2021, 6, 10), "亲水平台防溺水设施", "已设置", "增设警示牌4块"],
                  [4, "县图书馆少儿阅览室", D(2021, 8, 26), "电器线路、桌椅", "已设置", "无"]],
                 [6, 24, 12, 22, 18, 20])),
        simple("材料/社会保护/旅馆业接待未成年人入住五必须核查报告制度落实情况.pdf", "rl", [U("6.3.3", kind="工作台账")],
               title="示范县旅馆业接待未成年人入住“五必须”核查与报告制度落实情况",
               intro="县公安局督促全县旅馆、宾馆、酒店落实未成年人入住核查与报告制度。",
               sections=[("制度落实", "全县旅馆业场所136家全部签订责任书，落实“五必须”规定。"),
                         ("检查情况", "2021年开展专项检查4次，发现问题5处，均已整改。")],
               signature="示范县公安局", date=D(2021, 7, 30)),
        simple("材料/社会保护/示范县公共文化体育场馆对未成年人免费开放的公告.pdf", "lo", [U("6.3.5、10.2.1", kind="制度文件")],
               header="示范县文化广电体育和旅游局", number="示文旅发〔2020〕9号", title="示范县公共文化体育场馆对未成年人免费或优惠开放的公告",
               intro="为支持公益性未成年人活动场所和设施的建设和运行，现将县内公共场馆对未成年人开放事项公告如下。",
               sections=[("免费开放", "县图书馆、县文化馆、县博物馆、县青少年活动中心对未成年人免费开放。"),
                         ("优惠开放", "县体育馆游泳馆对未成年人实行半价优惠，并在售票窗口明确标示。")],
               signature="示范县文化广电体育和旅游局", date=D(2020, 5, 20)),
        simple("材料/社会保护/校外培训机构违规组织集体补课专项检查记录.pdf", "rl", [U("6.4.1", kind="活动记录")],
               title="示范县校外培训机构违规组织集体补课专项检查记录",
               intro="县教育局会同县市场监管局对全县校外培训机构开展专项检查，严禁在寒暑假违规组织中小学生集体补课。",
               sections=[("检查情况", "2021年7月检查校外培训机构23家，责令整改2家。")],
               signature="示范县教育局", date=D(2021, 7, 28)),
        simple("材料/政策文件/7.1.1、示范县中小学生手机管理规定.docx", "docx", [U("7.1.1", via=N)],
               header="示范县教育局文件", number="示教发〔2021〕7号", title="示范县中小学生手机管理规定",
               intro="为保护学生视力，防止学生沉迷网络，制定本规定。",
               sections=[("统一保管", "学生确需带入校园的手机，进校后由学校统一保管，禁止带入课堂。"),
                         ("table", [["时段", "管理方式"], ["上课期间", "班主任统一保管"], ["离校前", "发还学生"]])],
               signature="示范县教育局", date=D(2021, 3, 15)),
        simple("材料/网络保护/寒暑假网吧专项检查记录.pdf", "rl", [U("7.1.2", kind="活动记录")],
               title="示范县寒暑假网吧接纳未成年人专项检查记录",
               intro="在寒暑假、法定节假日等重要时间节点，县文化市场综合执法大队开展网吧专项检查。",
               sections=[("table", [["检查时间", "检查场所数", "发现问题", "处理"],
                                    ["2020年7月", "18", "1", "警告"], ["2021年1月", "18", "0", "—"],
                                    ["2021年7月", "17", "1", "罚款"]])],
               signature="示范县文化市场综合执法大队", date=D(2021, 8, 2)),
        Item("材料/网络保护/2021-07-20 暑期网吧专项检查.jpg", "jpg", [U("7.1.2")],
             photo=Photo("暑期网吧专项检查", dt.datetime(2021, 7, 20, 20, 15), people=4, seed=72)),
        simple("材料/网络保护/网络安全宣传周进校园和防沉迷教育活动情况.pdf", "rl", [U("7.1.3", kind="活动记录")],
               title="示范县网络安全宣传周进校园和防沉迷教育活动情况",
               intro="开展网络安全、网络文明和防沉迷教育，提高未成年人网络素养。",
               sections=[("活动情况", "2020年、2021年网络安全宣传周期间共开展进校园活动35场，覆盖学生1.8万人。")],
               signature="示范县委网信办  示范县教育局", date=D(2021, 9, 17)),
    ]


def items_government() -> list[Item]:
    """8 政府保护 and 9 司法保护 (9.2.2's only file is the corrupt scan: deliberate gap)."""
    return [
        simple("材料/政府保护/关于提高孤儿和事实无人抚养儿童基本生活保障标准的通知.pdf", "lo", [U("8.1.1", kind="制度文件")],
               header="示范县民政局 示范县财政局文件", number="示民发〔2021〕6号",
               title="关于提高孤儿和事实无人抚养儿童基本生活保障标准的通知",
               intro="为建立孤儿和事实无人抚养儿童补贴标准动态增长机制，经县人民政府同意，自2021年1月起提高保障标准。",
               sections=[("table", [["类别", "原标准（元/月）", "新标准（元/月）"], ["机构养育孤儿", "1500", "1650"],
                                    ["社会散居孤儿", "1000", "1100"], ["事实无人抚养儿童", "1000", "1100"]])],
               signature="示范县民政局  示范县财政局", date=D(2021, 1, 8)),
        simple("材料/政府保护/随迁子女入学和困难学生资助工作方案.pdf", "rl", [U("8.2.1", kind="制度文件")],
               header="示范县教育局文件", number="示教发〔2020〕15号", title="示范县进城务工人员随迁子女入学和家庭经济困难学生资助工作方案",
               intro="保障进城务工人员随迁子女平等接受义务教育，落实家庭经济困难儿童教育资助。",
               sections=[("随迁子女入学", "以居住证为主要依据安排入学，2020年接收随迁子女1260人。"),
                         ("困难学生资助", "2020年资助家庭经济困难学生5120人次，发放资助资金386万元。")],
               signature="示范县教育局", date=D(2020, 7, 20)),
        simple("材料/政府保护/示范县特殊教育学校和特殊教育资源教室建设情况.pdf", "rl", [U("8.2.2", kind="制度文件")],
               title="示范县特殊教育学校和特殊教育资源教室建设情况",
               intro="示范县常住人口35万人，建有示范县特殊教育学校1所，在普通学校设立特殊教育资源教室。",
               sections=[("特殊教育学校", "示范县特殊教育学校在校生128人，开设培智、听障教育。"),
                         ("资源教室", "在示范县实验小学、示范县第一中学等6所学校设立特殊教育资源教室。")],
               signature="示范县教育局", date=D(2021, 5, 18)),
        Item("材料/政府保护/2021-05-18 特殊教育学校资源教室.jpg", "jpg", [U("8.2.2")],
             photo=Photo("示范县特殊教育学校资源教室", dt.datetime(2021, 5, 18, 10, 45), people=6, seed=82)),
        simple("材料/政府保护/示范县残疾儿童康复救助制度实施办法.pdf", "rl", [U("8.3.1,8.3.3", kind="制度文件")],
               header="示范县人民政府办公室文件", number="示政办发〔2020〕21号", title="示范县残疾儿童康复救助制度实施办法",
               intro="为扩大残疾儿童康复救助范围，提高残疾儿童护理补贴标准，制定本办法。",
               sections=[("救助范围", "将救助对象年龄由0—6岁扩大到0—14岁，逐步扩大到0—17岁。"),
                         ("护理补贴", "残疾儿童护理补贴标准由每人每月60元提高到80元，扩大到三、四级残疾儿童。")],
               signature=GOV_OFFICE, date=D(2020, 11, 3)),
        simple("材料/政府保护/儿童福利机构面向社区残疾儿童提供康复服务情况.pdf", "rl", [U("8.3.2", kind="活动记录")],
               title="示范县儿童福利院面向社区残疾儿童提供康复服务情况",
               intro="县儿童福利院发挥专业优势，面向社区残疾儿童提供康复、特教、养育等服务。",
               sections=[("服务情况", "2020年以来为社区残疾儿童提供康复训练2300人次、送康复上门150人次。")],
               signature="示范县儿童福利院", date=D(2021, 8, 20)),
        simple("材料/政府保护/民政部门临时监护和长期监护工作情况.pdf", "rl", [U("8.4.1", kind="工作台账")],
               title="示范县民政局履行临时监护和长期监护职责情况",
               intro="县民政局依法履行临时监护和长期监护职责，落实监护评估和安置。",
               sections=[("table", [["年度", "临时监护（人）", "长期监护（人）", "安置方式"],
                                    ["2020年", "2", "1", "县儿童福利院"], ["2021年", "1", "0", "家庭寄养"]])],
               signature="示范县民政局", date=D(2021, 9, 6)),
        simple("材料/司法保护/示范县政法机关未成年人司法保护专门机构和人员设置情况.pdf", "lo",
               [U("9.1.1 9.1.2 9.1.3 9.1.4", kind="制度文件")],
               title="示范县政法机关未成年人司法保护专门机构和人员设置情况",
               intro="县人民法院、县人民检察院、县公安局、县司法局按照要求设立专门机构、确定专门人员。",
               sections=[("县人民法院", "设立少年法庭，配备专门审判团队3人，审理涉及未成年人的案件。"),
                         ("县人民检察院", "设立未成年人检察办案组，配备检察官2人，统一集中办理未成年人案件。"),
                         ("县公安局", "确定刑侦大队和各派出所专门人员办理涉及未成年人案件。"),
                         ("县司法局", "明确社区矫正机构和法律援助中心专门人员负责未成年人社区矫正和法律援助工作。")],
               signature=GROUP_OFFICE, date=D(2021, 4, 28)),
        Item("材料/9.1.5-办案场所/2021-04-28 县公安局未成年人询问室.jpg", "jpg", [U("9.1.5", via=N)],
             photo=Photo("县公安局未成年人询问室揭牌", dt.datetime(2021, 4, 28, 11, 0), scene="sign", people=3, seed=91)),
        Item("材料/司法保护/县公安局县检察院侵害未成年人案件沟通会商会议纪要.pdf", "rl", [U("9.2.1", kind="会议纪要")],
             doc=minutes(title="县公安局、县检察院侵害未成年人案件沟通会商会议纪要", number="示检纪〔2021〕2号",
                         when=D(2021, 5, 20), place="县人民检察院五楼会议室", host="覃建华（县检察院副检察长）",
                         attendees="县公安局刑侦大队、县检察院未检办案组有关人员",
                         intro="2021年5月20日，县人民检察院与县公安局召开侵害未成年人案件沟通会商会议。",
                         points=["通报案件情况|县公安局通报2021年以来侵害未成年人案件立案侦查情况。",
                                 "提前介入|对性侵害未成年人案件，检察机关提前介入引导取证。"],
                         signature="示范县人民检察院", written=D(2021, 5, 21))),
        Item(CORRUPT, "raw", [U("9.2.2", title="“一站式”询问救助中心建设情况（扫描件）", date=D(2021, 6, 30),
                                note="扫描时中断，需重新扫描")], build=corrupt_pdf),
        simple("材料/司法保护/社会调查社会观护心理疏导制度.pdf", "rl", [U("9.2.3", kind="制度文件")],
               header="示范县人民检察院 示范县人民法院 示范县公安局 示范县司法局", number="示检会〔2021〕3号",
               title="示范县涉案未成年人社会调查、社会观护、心理疏导工作办法",
               intro="为推行社会调查、社会观护、心理疏导、司法救助、诉讼教育引导等制度，制定本办法。",
               sections=[("社会调查", "办理涉案未成年人案件，应当委托社会工作服务机构开展社会调查。"),
                         ("社会观护和心理疏导", "对涉案未成年人开展社会观护和心理疏导，必要时给予司法救助。")],
               signature="示范县人民检察院", date=D(2021, 1, 20)),
        simple("材料/司法保护/检察机关支持起诉和公益诉讼案件情况.pdf", "rl", [U("9.3.1", kind="其他")],
               title="示范县人民检察院督促、支持起诉和提起公益诉讼案件情况",
               intro="县检察院对侵犯未成年人合法权益的案件，督促、支持有关组织和个人起诉，依法提起公益诉讼。",
               sections=[("办案情况", "2020年以来支持起诉变更监护权案件2件，就校园周边违规销售烟酒问题提起行政公益诉讼诉前程序3件。")],
               signature="示范县人民检察院", date=D(2021, 8, 9)),
        simple("材料/司法保护/检察建议书及书面回复情况.pdf", "rl", [U("9.3.2", kind="其他")],
               title="示范县人民检察院检察建议书及被建议单位书面回复情况",
               intro="县检察院向未尽到未成年人保护职责的单位提出建议，被建议单位均在规定期限内书面回复。",
               sections=[("table", [["建议书文号", "被建议单位", "书面回复"],
                                    ["示检建〔2020〕5号", "县市场监管局", "2020年11月30日"],
                                    ["示检建〔2021〕2号", "县文化广电体育和旅游局", "2021年5月12日"]])],
               signature="示范县人民检察院", date=D(2021, 6, 15)),
        simple("材料/司法保护/政法机关开展法治宣传教育情况.pdf", "rl", [U("9.4.1", kind="活动记录")],
               title="示范县政法机关开展未成年人法治宣传教育情况",
               intro="县法院、县检察院、县公安局、县司法局开展“法治进校园”巡回宣讲，组织模拟法庭和检察开放日。",
               sections=[("开展情况", "2020年以来举办模拟法庭12场、检察开放日6场、法治讲座96场。")],
               signature="示范县委政法委", date=D(2021, 9, 8)),
        simple("材料/司法保护/社会工作服务机构参与涉案未成年人工作情况.pdf", "rl", [U("9.5.1", kind="活动记录")],
               title="示范县支持社会工作服务机构参与涉案未成年人工作情况",
               intro="政法机关通过购买服务，支持社会工作服务机构参与涉案未成年人帮教和被害人救助。",
               sections=[("开展情况", "示范县阳光社会工作服务中心承接涉罪未成年人帮教18人、被害人心理疏导9人。")],
               signature="示范县人民检察院", date=D(2021, 9, 3)),
    ]


def items_service() -> list[Item]:
    """10 服务阵地: 10.1.2 three township 工作站; 10.2.2 eight of ten communities (gap); 10.3.1 two organisations."""
    items = [
        simple("材料/服务阵地/示范县未成年人救助保护中心建设情况.pdf", "lo", [U("10.1.1", kind="制度文件")],
               header="示范县机构编制委员会办公室", number="示编办〔2020〕16号",
               title="关于设立示范县未成年人救助保护中心的批复",
               intro="同意在示范县儿童福利院加挂示范县未成年人救助保护中心牌子，核定编制5名。",
               sections=[("主要职责", "承担未成年人临时监护、长期监护、救助保护、个案转介等工作。")],
               signature="示范县机构编制委员会办公室", date=D(2020, 8, 14)),
        Item("材料/服务阵地/工作站/2021-06-18 城关镇未成年人保护工作站揭牌.jpg", "jpg", [U("10.1.2", unit="城关镇")],
             photo=Photo("城关镇未成年人保护工作站揭牌", dt.datetime(2021, 6, 18, 9, 30), scene="sign", people=6, seed=101,
                         size=(640, 480))),
        Item("材料/服务阵地/工作站/2021-07-09 大坡镇未成年人保护工作站.jpg", "jpg", [U("10.1.2", unit="大坡镇")],
             photo=Photo("大坡镇未成年人保护工作站", dt.datetime(2021, 7, 9, 15, 0), scene="sign", people=4, seed=102,
                         size=(640, 480))),
        simple("材料/服务阵地/工作站/关于设立六景镇未成年人保护工作站的通知.pdf", "rl", [U("10.1.2", unit="六景镇", kind="制度文件")],
               header="六景镇人民政府", number="六政发〔2021〕18号", title="六景镇人民政府关于设立六景镇未成年人保护工作站的通知",
               intro="为加强基层未成年人保护工作，决定设立六景镇未成年人保护工作站。",
               sections=[("设置", "工作站设在镇社会事务服务中心，配备儿童督导员1名、青少年事务社工1名。")],
               signature="六景镇人民政府", date=D(2021, 8, 3)),
    ]
    for i, (name, town, typ) in enumerate(COMMUNITIES):
        if name in SITES_UNFINISHED:
            continue
        if name in ("城东社区", "郁江村"):
            taken = dt.datetime(2021, 5, 10 + i, 16, 0)
            items.append(Item(f"材料/服务阵地/关爱服务场所/{taken:%Y-%m-%d} {name}儿童之家.jpg", "jpg",
                              [U("10.2.2", unit=name)],
                              photo=Photo(f"{town}{name}儿童之家", taken, people=7, seed=110 + i, size=(640, 480))))
            continue
        items.append(simple(f"材料/服务阵地/关爱服务场所/{name}未成年人关爱服务场所建设情况.pdf", "rl",
                            [U("10.2.2", unit=name, kind="工作台账")],
                            title=f"{town}{name}未成年人关爱服务场所（儿童之家）建设情况",
                            intro=f"{name}儿童之家建于2020年，使用面积{60 + 5 * i}平方米，设有阅读区、活动区和心理咨询室。",
                            sections=[("table", [["项目", "情况"], ["开放时间", "每周二、四、六下午"],
                                                 ["管理人员", "儿童主任"], ["2021年开展活动", f"{20 + i}次"]])],
                            signature=f"{name}{'居民委员会' if typ == '社区' else '村民委员会'}", date=D(2021, 6, 1 + i)))
    items += [
        simple("材料/服务阵地/社会组织/政府购买未成年人关爱服务合同（阳光社工）.pdf", "rl", [U("10.3.1", unit=ORGS[0], kind="经费文件",
                                                                     title=f"政府购买未成年人关爱保护服务项目合同（{ORGS[0]}）")],
               title="示范县民政局政府购买未成年人关爱保护服务项目合同",
               intro=f"甲方：示范县民政局；乙方：{ORGS[0]}。甲方通过政府购买服务方式，支持乙方开展未成年人保护领域的专业服务。",
               sections=[("服务内容", "困境儿童个案管理、家长学校、儿童主任能力建设。"),
                         ("合同金额", "人民币20万元，服务期限2021年3月1日至2022年2月28日。")],
               signature="示范县民政局", date=D(2021, 2, 26)),
        simple("材料/服务阵地/社会组织/支持青苗青少年服务协会开展未成年人保护服务的通知.docx", "docx",
               [U("10.3.1", unit=ORGS[1], kind="制度文件")],
               header="共青团示范县委员会文件", number="示团发〔2021〕4号",
               title="关于支持示范县青苗青少年服务协会开展未成年人保护专业服务的通知",
               intro=f"为支持引导社会组织开展未成年人保护领域的专业服务，团县委为{ORGS[1]}提供办公场所，并给予财政资助15万元。",
               sections=[("服务内容", "青少年心理健康辅导、网络素养教育、涉案未成年人社会观护。"),
                         ("table", [["扶持措施", "内容"], ["财政资助", "15万元"], ["办公场所", "县青少年活动中心二楼"],
                                    ["税收优惠", "协助办理非营利组织免税资格"]])],
               signature="共青团示范县委员会", date=D(2021, 3, 18)),
    ]
    return items


def items_staff() -> list[Item]:
    """11 队伍建设: 11.1.3 one 儿童主任 appointment per community; training records for 11.2.x."""
    items = [
        simple("材料/队伍建设/关于指定乡镇儿童督导员的通知.pdf", "lo", [U("11.1.1", kind="制度文件")],
               header="示范县民政局文件", number="示民发〔2020〕2号", title="示范县民政局关于指定乡镇（街道）儿童督导员的通知",
               intro="根据有关要求，各乡镇（街道）指定专人担任儿童督导员，负责辖区未成年人保护工作的督导。",
               sections=[("table", [["乡镇", "儿童督导员", "所在机构"], ["城关镇", "韦丽华", "镇社会事务服务中心"],
                                    ["大坡镇", "黄海军", "镇社会事务服务中心"], ["六景镇", "蒙秋菊", "镇社会事务服务中心"],
                                    ["新圩镇", "梁志刚", "镇社会事务服务中心"]])],
               signature="示范县民政局", date=D(2020, 2, 20)),
        Item("材料/队伍建设/乡镇工作站青少年事务社工配备台账.xlsx", "xlsx", [U("11.1.2", kind="工作台账", date=D(2021, 8, 31))],
             build=lambda p: table_sheet(
                 p, "示范县乡镇未成年人保护工作站青少年事务社工配备台账",
                 ["序号", "乡镇", "姓名", "到岗日期", "经费来源", "资质"],
                 [[1, "城关镇", "黄丽萍", D(2021, 6, 21), "政府购买服务", "助理社会工作师"],
                  [2, "大坡镇", "蒙志勇", D(2021, 7, 12), "政府购买服务", "社会工作师"],
                  [3, "六景镇", "覃小凤", D(2021, 8, 5), "政府购买服务", "助理社会工作师"]],
                 [6, 12, 10, 12, 16, 16])),
        Item("材料/队伍建设/村社区志愿服务队伍和救助保护机构社工配备台账.xlsx", "xlsx",
             [U("11.1.5", kind="工作台账", date=D(2021, 9, 15))],
             build=lambda p: table_sheet(
                 p, "示范县未成年人救助保护机构社工配备和村（社区）志愿服务队伍台账",
                 ["序号", "单位", "队伍名称", "人数", "组建日期"],
                 [[i + 1, name, f"{name}关爱儿童志愿服务队", 8 + i, D(2020, 3 + i % 6, 10)] for i, name in
                  enumerate(COMMUNITY_NAMES)] + [[11, "示范县未成年人救助保护中心", "专职社会工作者", 2, D(2020, 9, 1)]],
                 [6, 26, 28, 8, 12])),
    ]
    for i, (name, town, typ) in enumerate(COMMUNITIES):
        person, appointed = DIRECTORS[name]
        committee = "居民委员会" if typ == "社区" else "村民委员会"
        if appointed >= D(2021, 1, 1):
            verb, written = "聘任", appointed
        else:  # re-appointed after the 2021 村（社区）“两委”换届; first appointment stated unlabelled
            verb, written = "续聘", D(2021, 4, 6 + i)
        first = "" if verb == "聘任" else f"（该同志于{cn_date(appointed)}首次聘任）"
        items.append(simple(f"材料/队伍建设/儿童主任聘任/{name}儿童主任聘任通知.pdf", "rl", [U("11.1.3", unit=name, kind="制度文件")],
                            header=f"{town}人民政府", number=f"{town[:2]}政发〔2021〕{30 + i}号",
                            title=f"{town}人民政府关于{verb}{person}同志为{name}儿童主任的通知",
                            intro=f"经{name}{committee}推荐，镇人民政府研究，{verb}{person}同志为{name}儿童主任{first}。",
                            sections=[("工作职责", "负责辖区儿童基本信息摸底排查、困境儿童定期走访、政策宣传和转介服务。")],
                            signature=f"{town}人民政府", date=written))
    for when, title, hours in TRAININGS_SHOWN:
        items.append(Item(f"材料/11.2.1 儿童主任培训/{when.isoformat()} {title}培训记录.pdf", "rl", [U("11.2.1", via=N)],
                          doc=record(title=f"{title}培训记录", label="培训时间", when=when, place="示范县民政局五楼培训室",
                                     lines=[f"培训对象：全县儿童督导员、儿童主任", f"总课时：{hours[0]}课时，其中儿童社会工作课时{hours[1]}课时"],
                                     body=["培训内容包括未成年人保护法解读、儿童社会工作方法、困境儿童个案管理、强制报告制度等。",
                                           "培训采取集中授课与案例研讨相结合的方式，参训人员签到表、课程表附后。"],
                                     signature="示范县民政局", written=when)))
    items.append(Item("材料/队伍建设/强制报告制度培训/示范县2021年强制报告制度轮训培训记录.pdf", "rl",
                      [U("11.2.2", kind="培训记录")],
                      doc=record(title="示范县2021年强制报告制度轮训培训记录", label="培训时间", when=D(2021, 4, 15),
                                 place="县人民检察院五楼会议室",
                                 lines=["培训对象：县法院、县检察院、县公安局、县民政局、县教育局、县卫健局、县司法局强制报告责任人员",
                                        "总课时：4课时"],
                                 body=["培训解读侵害未成年人案件强制报告制度，明确报告情形、报告时限和追责问责机制。"],
                                 signature="示范县人民检察院  示范县教育局", written=D(2021, 4, 15))))
    return items


def items_negative() -> list[Item]:
    """N1 by folder name; N2–N5 and N7 in one manifest cell; N6 has no 承诺书 (deliberate gap)."""
    return [
        # The signed and stamped original, photographed with a phone (the 公章 is found on it).
        scanned("材料/N1 承诺书/示范县人民政府承诺书（盖章原件照片）.jpg", [U("N1", via=N)], seed=2021, kind="承诺书",
                taken=dt.datetime(2021, 9, 28, 16, 42, 7), content={
                    "title": "示范县人民政府关于申报前两年未发生涉及未成年人重大案件和重大安全事故的承诺书",
                    "agency": GOV, "signature": f"承诺单位（盖章）：{GOV}",
                    "body": ["示范县人民政府郑重承诺：申报前2年间，本县未发生因履职不力导致的性侵害、虐待、儿童拐卖等"
                             "涉及未成年人的重大案件或重大安全事故，未造成恶劣社会影响。",
                             "如有不实，愿意承担相应责任，并接受撤销示范县申报资格的处理。"],
                    "close": cn_date(D(2021, 9, 28)), "dates": [D(2021, 9, 28)]}),
        simple("材料/负面清单承诺书/示范县人民政府负面工作清单承诺书.pdf", "lo", [U("N2、N3、N4、N5、N7", kind="承诺书")],
               title="示范县人民政府关于全国未成年人保护示范县负面工作清单事项的承诺书",
               intro="示范县人民政府对照全国未成年人保护示范县负面工作清单，郑重承诺：",
               sections=[("监护责任", "不存在履职不力，对未依法落实未成年人监护责任失察失责、造成严重后果的情形。"),
                         ("困境儿童保障", "孤儿、事实无人抚养儿童及其他困境儿童保障资金、保障政策落实到位，不存在违法违规发放资金、享受政策的情形。"),
                         ("户籍登记", "不存在履职不力，导致未成年人未办理户籍登记的情形。"),
                         ("义务教育", "不存在违反国家规定开除、变相开除义务教育阶段未成年学生的情形。"),
                         ("民政部门职责", "县民政局已明确社会事务股为负责未成年人保护工作的内设机构，并配备专门人员。")],
               signature=GOV, date=D(2021, 9, 28)),
    ]


def items_unassigned() -> list[Item]:
    """Files a clerk put in the folder without telling dossier what they prove: suggestions."""
    return [
        simple("材料/未分类/示范县未成年人保护公益广告刊播情况.pdf", "rl", [],
               title="示范县融媒体中心未成年人保护公益广告刊播情况",
               intro="县融媒体中心定期在电视、广播、微信公众号等媒体刊播未成年人保护公益广告。",
               sections=[("刊播情况", "2020年以来刊播未成年人保护公益广告1860条次，在公交站台、户外大屏投放公益广告42处。")],
               signature="示范县融媒体中心", date=D(2021, 9, 10)),
        Item("材料/未分类/IMG_20210601_093015.jpg", "jpg", [],
             photo=Photo("庆“六一”关爱留守儿童文艺汇演", dt.datetime(2021, 6, 1, 9, 30, 15), scene="outdoor", people=12,
                         seed=130)),
    ]


# 儿童主任 per community: (姓名, 任职日期). 平安村's was appointed in the period and trained late.
DIRECTORS = {
    "城东社区": ("陈小燕", D(2019, 5, 20)), "城西社区": ("罗美玲", D(2019, 5, 20)), "南街社区": ("覃晓云", D(2020, 6, 1)),
    "大坡社区": ("莫桂兰", D(2019, 5, 20)), "那良村": ("黄春燕", D(2019, 6, 3)), "六景社区": ("李玉梅", D(2019, 5, 20)),
    "郁江村": ("韦秀英", D(2020, 11, 16)), "新圩社区": ("廖小红", D(2019, 5, 20)), "长塘村": ("农丽芳", D(2019, 6, 3)),
    "平安村": ("潘玉兰", D(2021, 3, 1)),
}
SUPERVISORS = {"城关镇": ("韦丽华", D(2019, 3, 1)), "大坡镇": ("黄海军", D(2019, 3, 1)),
               "六景镇": ("蒙秋菊", D(2019, 4, 10)), "新圩镇": ("梁志刚", D(2019, 3, 1))}
# (date, name, total hours, child social work hours)
T2020 = (D(2020, 7, 16), "示范县2020年儿童督导员儿童主任能力提升培训班", 16, 10)
T2021_NEW = (D(2021, 1, 12), "示范县2021年新任儿童主任岗前培训", 8, 6)
T2021 = (D(2021, 5, 20), "示范县2021年儿童督导员儿童主任轮训班", 16, 8)  # exactly 50 %: passes
T2021_MAKEUP = (D(2021, 6, 18), "示范县2021年新任儿童主任岗前培训（补训）", 8, 5)
TRAININGS_SHOWN = [(T2020[0], T2020[1], T2020[2:]), (T2021[0], T2021[1], T2021[2:])]
R2020 = (D(2020, 10, 22), "示范县2020年强制报告制度专题培训", 4, 2)
R2021 = (D(2021, 4, 15), "示范县2021年强制报告制度轮训", 4, 2)
R2021_NEW = (D(2021, 8, 26), "示范县2021年新入职人员强制报告制度培训", 4, 2)
REPORTERS = [("覃志明", "示范县教育局", D(2018, 9, 1), [R2020, R2021]),
             ("吴丽娟", "示范县人民医院", D(2020, 9, 1), [R2020, R2021]),
             ("黄伟", "示范县公安局城关派出所", D(2019, 7, 1), [R2020, R2021]),
             ("李明", "大坡镇中心学校", D(2017, 9, 1), [R2020, R2021]),
             ("梁晓峰", "示范县第一中学", D(2021, 7, 1), [R2021_NEW])]


def training_rows() -> list[list]:
    rows = []
    for town, (name, appointed) in SUPERVISORS.items():
        for t in (T2020, T2021):
            rows.append([name, "儿童督导员", town, appointed, t[0], t[1], t[2], t[3]])
    for community, (name, appointed) in DIRECTORS.items():
        if appointed >= D(2021, 3, 1):
            trainings = [T2021_MAKEUP]  # missed May's 轮训; the 补训 came after the 3-month limit
        elif appointed >= D(2020, 11, 1):
            trainings = [T2021_NEW, T2021]
        else:
            trainings = [T2020, T2021]
        for t in trainings:
            rows.append([name, "儿童主任", community, appointed, t[0], t[1], t[2], t[3]])
    for name, unit, appointed, trainings in REPORTERS:
        for t in trainings:
            rows.append([name, "强制报告责任人员", unit, appointed, t[0], t[1], t[2], t[3]])
    rows.append(["黄丽萍", "青少年事务社工", "城关镇未成年人保护工作站", D(2021, 6, 21), D(2021, 7, 8),
                 "示范县2021年青少年事务社工实务培训", 12, 12])
    return rows


# =========================================================================== project files

NARRATIVE = Doc(
    title="示范县未成年人保护工作基本情况、主要制度及工作成效",
    body=[
        ("h", "一、基本情况"),
        "示范县地处自治区中部，辖城关镇、大坡镇、六景镇、新圩镇4个镇，10个村（社区），常住人口35万人，"
        "其中未成年人7.8万人，农村留守儿童1781人，困境儿童412人。",
        ("h", "二、主要制度"),
        "县委、县政府成立由县长任组长的未成年人保护工作领导小组，建立协调机制、个案会商、强制报告、入职查询、"
        "风险评估和分级干预等制度；各乡镇建立由党委或政府主要负责同志负责的未成年人保护工作机制。",
        ("h", "三、工作成效"),
        "2020年以来，全县建成乡镇未成年人保护工作站3个、村（社区）儿童之家8个，实现村（社区）儿童主任全覆盖，"
        "儿童督导员、儿童主任年度轮训全覆盖；未发生涉及未成年人的重大案件和重大安全事故。",
    ],
    signature=GOV, date=APPLICATION_DATE)

SELF_ASSESSMENT = ("示范县对照《全国未成年人保护示范县（市、区、旗）创建达标体系（试行）》逐项自评，组织领导、"
                   "工作机制、家庭保护、学校保护、政府保护、司法保护等方面工作扎实，主要指标达到创建标准；"
                   "县级会议频次、家长学校季度活动、儿童之家覆盖率和新任儿童主任入职培训等方面仍有差距，正在整改。"
                   "经自评，示范县符合申报条件，同意申报全国未成年人保护示范县。")

CONFIG = f"""\
# 示范县：dossier 自带的示范申报项目（虚构）。由 samples/make_sample.py 生成，请勿手工修改。
# 各键的含义见 README 和 CONTRACT.md 第2节。

catalog: minor-protection-2021      # 内置指标体系
evidence_dir: 材料                   # 证明材料所在的文件夹

applicant:                          # → 申报表
  name: {GOV}
  contact:
    name: 陆晓东
    title: 县民政局副局长
    phone: 0771-5621234
    mobile: "13907710001"

application_date: {APPLICATION_DATE.isoformat()}        # 申报日期
period: {{start: {PERIOD[0].isoformat()}, end: {PERIOD[1].isoformat()}}}   # 评估期
population: 350000                  # 常住人口（超过30万，8.2.2 适用）

units:
  townships: [{", ".join(TOWNSHIPS)}]
  communities: {{file: 台账/村社区名单.xlsx}}   # 第一张表，“名称”列
  schools:
{"".join(f"    - {s}{chr(10)}" for s in SCHOOLS)}
narrative: 材料/基本情况.docx          # 基本情况、主要制度及工作成效
self_assessment: "{SELF_ASSESSMENT}"

incidents: []                       # 申报前2年内没有负面清单事件

request:                            # → 请示.docx
  issuer: {GOV}
  doc_number: 示政〔2021〕12号
  signer: 黄志强
  to: 自治区民政厅                  # 主送机关：经市级民政部门查验后，向自治区民政厅申报
  date: {APPLICATION_DATE.isoformat()}
"""

MANIFEST_HEADERS = ("指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注")
TRAINING_HEADERS = ("姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时")


def all_items() -> list[Item]:
    return (items_thought() + items_leadership() + items_townships() + items_mechanisms() + items_family()
            + items_school() + items_society() + items_government() + items_service() + items_staff()
            + items_negative() + items_unassigned()
            + [Item("材料/基本情况.docx", "docx", [], doc=NARRATIVE)])


def manifest_rows(items: list[Item]) -> list[tuple[Item, Use]]:
    """Rows in catalog order of their first ID, as a clerk fills the sheet going down the catalog."""
    from dossier.ids import sort_key, split_ids

    rows = [(it, u) for it in items for u in it.uses if u.via == M]
    return sorted(rows, key=lambda r: sort_key(split_ids(r[1].ids)[0]))


def write_manifest(path: Path, rows: list[tuple[Item, Use]]) -> dict[int, tuple[Item, Use]]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "材料清单"
    header_row(ws, MANIFEST_HEADERS, [16, 70, 44, 12, 14, 26, 26])
    ws.freeze_panes = "A2"
    numbered = {}
    for n, (item, use) in enumerate(rows, start=2):
        written = use.written or item.path
        values = [use.ids, written, use.title, use.kind, use.date, use.unit, use.note]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=n, column=c, value=value if value not in ("", None) else None)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top")
        numbered[n] = (item, use)
    save_workbook(wb, path)
    return numbered


def write_roster(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "村（社区）名单"
    header_row(ws, ["序号", "名称", "所属乡镇", "类型"], [6, 16, 12, 10])
    for i, (name, town, typ) in enumerate(COMMUNITIES, start=1):
        ws.append([i, name, town, typ])
    ws.append([])  # a blank row at the end, as clerks leave them
    save_workbook(wb, path)


def write_training_register(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "培训台账"
    header_row(ws, TRAINING_HEADERS, [10, 18, 26, 12, 12, 44, 8, 16])
    ws.freeze_panes = "A2"
    for r, row in enumerate(training_rows(), start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    save_workbook(wb, path)


def render_items(items: list[Item], root: Path, scratch: Path) -> None:
    from dossier import office

    to_convert: dict[Path, Item] = {}
    for item in items:
        dest = root / item.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        if item.fmt == "docx":
            render_docx(item.doc, dest)
        elif item.fmt == "rl":
            render_pdf(item.doc, dest)
        elif item.fmt == "lo":
            src = scratch / "word" / f"{len(to_convert):03d}.docx"
            src.parent.mkdir(parents=True, exist_ok=True)
            render_docx(item.doc, src)
            to_convert[src] = item
        elif item.fmt == "jpg":
            render_photo(item.photo, dest)
        elif item.fmt in ("xlsx", "raw"):
            item.build(dest)
        else:
            raise ValueError(item.fmt)
    if not to_convert:
        return
    results = office.convert(list(to_convert), "pdf", scratch / "cache")
    failed = [str(to_convert[s].path) for s, r in results.items() if r.output is None]
    if failed:
        reason = next(r.error for r in results.values() if r.output is None)
        raise SystemExit(f"LibreOffice 无法把以下文档转换为 PDF（{reason}）：\n" + "\n".join(failed))
    for src, res in results.items():
        item = to_convert[src]
        normalize_pdf(res.output, root / item.path, item.doc.title)


# =========================================================================== expected check result

def name_ids(path: str) -> list[str]:
    from dossier.ids import NAME_PREFIX

    found = []
    for part in Path(path).parts[:-1] + (Path(path).name,):
        m = NAME_PREFIX.match(part)
        if m:
            found.append(m.group(1))
    return found


def expected_result(items: list[Item], numbered: dict[int, tuple[Item, Use]]) -> dict:
    from dossier import catalog as catalog_lib
    from dossier.ids import split_ids

    cat = catalog_lib.load("minor-protection-2021")
    valid = set(cat.ids())
    assigned: dict[str, set[str]] = {i: set() for i in cat.ids()}
    file_ids: dict[str, set[str]] = {it.path: set() for it in items}
    for it in items:
        for use in it.uses:
            ids = split_ids(use.ids) if use.via == M else name_ids(it.path)
            for i in ids:
                if i in valid:
                    assigned[i].add(it.path)
                    file_ids[it.path].add(i)
    register = "台账/培训台账.xlsx"
    for i in ("11.2.1", "11.2.2"):  # CONTRACT §4: the register is evidence with or without a manifest row
        assigned[i].add(register)

    indicators = []
    for item in cat.items():
        status, problems, _ = GAPS.get(item.id, (None, [], ""))
        if status is None:
            status = ("declared" if assigned[item.id] else "undeclared") if item.negative else (
                "met" if assigned[item.id] else "missing")
            if status not in ("met", "declared"):
                raise SystemExit(f"{item.id} 没有材料，却不在 GAPS 中：样本与说明不一致")
        elif status == "missing" and assigned[item.id]:
            raise SystemExit(f"{item.id} 在 GAPS 中标为 missing，却有材料：{sorted(assigned[item.id])}")
        indicators.append({"id": item.id, "status": status, "problems": problems,
                           "assigned": sorted(assigned[item.id])})
    summary = dict.fromkeys(("met", "partial", "missing", "not_applicable", "declared", "undeclared", "violated"), 0)
    for row in indicators:
        summary[row["status"]] += 1
    bad_rows = [{"source": "材料清单.xlsx", "row": n, "id": BAD_ID, "file": it.path}
                for n, (it, use) in numbered.items() if BAD_ID in split_ids(use.ids)]
    file_ids[register] = {"11.2.1", "11.2.2"}
    paths = sorted([it.path for it in items] + [register])
    files = [{"path": p, "status": "error" if p == CORRUPT else "ok", "assigned": sorted(file_ids[p])} for p in paths]
    return {
        "_about": ("dossier check samples/示范县 --format json 应给出的结果（由 samples/make_sample.py 生成）。"
                   "indicators[].problems：该项必须出现的问题代码（可以还有别的警告）；indicators[].assigned："
                   "分配给该项的全部文件（含无法读取的文件和培训台账）；files：材料/ 下的全部文件、清单引用的文件和培训台账；"
                   "manifest：必须报告的清单问题行（还可以有其他问题行）。"),
        "command": "dossier check samples/示范县 --format json",
        "exit_code": 1,
        "catalog": "minor-protection-2021",
        "eligible": True,
        "summary": summary,
        "indicators": indicators,
        "unreadable": [CORRUPT],
        "manifest": bad_rows,
        "unassigned": sorted(it.path for it in items if not file_ids[it.path]),
        "files": files,
    }


# =========================================================================== README

STATUS_CN = {"met": "达标", "partial": "部分达标", "missing": "缺材料", "not_applicable": "不适用",
             "declared": "已承诺", "undeclared": "未承诺", "violated": "违反"}


def readme_text(expected: dict, items: list[Item]) -> str:
    s = expected["summary"]
    bad_row = expected["manifest"][0]["row"]
    from dossier.ids import sort_key

    evidence = [it for it in items if it.path.startswith("材料/")]
    counts: dict[str, int] = {}
    for it in evidence:
        counts[it.fmt] = counts.get(it.fmt, 0) + 1
    by_name = sorted({i for it in items for u in it.uses if u.via == N for i in name_ids(it.path)}, key=sort_key)
    gaps = "\n".join(f"| {gid} | {STATUS_CN[st]} | {'、'.join(f'`{c}`' for c in codes) or '—'} | "
                     f"{why.format(bad_row=bad_row)} |" for gid, (st, codes, why) in GAPS.items())
    return f"""# 示范县：dossier 自带的示范申报项目

`samples/示范县/` 是一个**虚构的**县级申报项目，用来演示和测试 dossier：{GOV}（{CITY}）申报
全国未成年人保护示范县。下辖{"、".join(TOWNSHIPS)} {len(TOWNSHIPS)} 个镇，{len(COMMUNITIES)} 个村（社区）
（名册在 `台账/村社区名单.xlsx`），{len(SCHOOLS)} 所中小学（写在 `dossier.yaml` 里）；
评估期 {PERIOD[0].isoformat()} 至 {PERIOD[1].isoformat()}，申报日期 {APPLICATION_DATE.isoformat()}，
常住人口 35 万（超过 30 万，所以 8.2.2 特殊教育学校一项适用）。文中人名、文号、数字均为虚构。

## 怎么用

```bash
dossier check samples/示范县              # 逐项检查：哪些达标、哪些缺材料
dossier check samples/示范县 --format json
dossier suggestions samples/示范县        # 未分配文件的建议指标
dossier build samples/示范县              # 生成申报材料（写到 samples/示范县/输出/）
```

`dossier check` 的退出码是 1：这是故意的，见下面的“故意留下的缺口”。

## 怎么生成

```bash
.venv/bin/python samples/make_sample.py              # 重新生成 samples/示范县、expected.json 和本文件
.venv/bin/python samples/make_sample.py --out /tmp/示范县 --expected /tmp/expected.json
```

生成是确定的：日期、随机数种子固定，PDF 用 reportlab 的 `invariant=1`，Word/Excel 文件里的时间戳和
LibreOffice 导出 PDF 的创建时间、文档 ID 都被固定或去掉，所以两次生成的文件逐字节相同（同一版本的
LibreOffice 下）。生成需要 LibreOffice（部分 PDF 由 Word 文档经 LibreOffice 导出），约 10 秒。
请不要手工修改 `samples/示范县/` 里的文件：改 `make_sample.py` 再重新生成。

## 里面有什么

- `dossier.yaml`：CONTRACT 第 2 节的全部键（申报单位和联系人、申报日期、评估期、人口、名册、
  基本情况 `材料/基本情况.docx`、自评意见、`incidents: []`、请示的发文字号 示政〔2021〕12号）。
- `材料/`：{len(evidence)} 个证明材料文件，格式混合：
  Word 导出的 PDF（嵌入字体）{counts.get("lo", 0)} 个，用 reportlab 和非嵌入字体 STSong-Light 绘制的文字 PDF
  {counts.get("rl", 0)} 个，Word 文档 {counts.get("docx", 0)} 个，Excel 台账和预算表 {counts.get("xlsx", 0)} 个，
  照片 {counts.get("jpg", 0)} 张（带 EXIF 拍摄时间，其中一张 EXIF 方向为 6，需要旋转显示），
  纸质材料的扫描件和手机照片各 1 份（由 `bench/scans.py` 按固定种子生成：略有歪斜、噪点、红色公章盖在落款日期上）——
  `材料/2.1.3 县级会议/领导小组第二次全体会议纪要（扫描件）.pdf` 和 `材料/N1 承诺书/示范县人民政府承诺书（盖章原件照片）.jpg`，
  其文字只在图像里，由文字识别（OCR）读出，`dossier index` 会显示识别进度，汇编中这两页带隐形文字层、可以搜索，
  以及 1 个损坏的扫描件。会议纪要有“会议时间”行、版头文号（如 示政办发〔2021〕12号）和落款的成文日期。
- 分配方式混合使用：
  - 材料清单 `材料清单.xlsx`：大多数文件。有一格写多个编号（如 `1.1.1、1.1.2`、`9.1.1 9.1.2 9.1.3 9.1.4`、
    `N2、N3、N4、N5、N7`）；按单位统计的指标（2.1.7 乡镇会议、5.2.2 学校、10.1.2 工作站、10.2.2 和 11.1.3
    村社区、10.3.1 社会组织）填了“主体”；日期列有 Excel 日期格、`2021年3月15日`、`2020/10/13`、`2021.4.7`
    几种写法；新圩镇的会议纪要用相对于 `材料/` 的路径和 Windows 反斜杠书写。
  - 文件夹或文件名以编号开头：{"、".join(by_name)}（如 `材料/2.1.3 县级会议/…`、`材料/N1 承诺书/…`、
    `材料/9.1.5-办案场所/…`、`材料/6.3.1_无障碍设施/…`、`7.1.1、示范县中小学生手机管理规定.docx`）。
    2021 年县级会议纪要同时出现在文件夹编号和清单中，同一文件对同一指标只计一次。
  - 台账：`台账/培训台账.xlsx`（CONTRACT 第 4 节的表头，儿童督导员、儿童主任、强制报告责任人员等，
    日期为 Excel 日期格）自动作为 11.2.1 和 11.2.2 的证明；`台账/从业查询台账.xlsx` 供 3.3.1 核对
    “收到查询结果 30 个工作日内解除工作关系”。
  - 未分配的文件（{len(expected["unassigned"])} 个）：{"、".join(f"`{x}`" for x in expected["unassigned"])}，
    供 `dossier suggestions` 提出建议。
- 其余指标都按规则真实达标：各镇 2020、2021 年各 2 次会议，5 所学校全覆盖，3/4 个镇有工作站，
  10 个村（社区）都有儿童主任，2 家社会组织，培训台账中其他人员的入职培训和年度轮训都按时完成
  （2021 年轮训儿童社会工作课时恰好占 50%，按规则算达标）。没有负面清单事件，因此“符合申报条件”。

## 故意留下的缺口

预期结果：工作标准 76 条，达标 {s["met"]}、部分达标 {s["partial"]}、缺材料 {s["missing"]}、不适用 {s["not_applicable"]}；
负面清单 7 项，已承诺 {s["declared"]}、未承诺 {s["undeclared"]}、违反 {s["violated"]}；符合申报条件；退出码 1。

| 编号 | 预期状态 | 问题代码 | 原因 |
|---|---|---|---|
{gaps}

另外还有：
- 无法读取的文件：`{CORRUPT}`（截断的 PDF，没有页面和交叉引用表），检查时列出路径和原因，不计入。
- 材料清单的问题行：第 {bad_row} 行，未知指标编号 `{BAD_ID}`（该行被跳过，其余行照常生效）。

逐项的预期状态、问题代码和分配到的文件见 `samples/expected.json`（由生成脚本一并写出）。
"""


# =========================================================================== main

def generate(out: Path, expected_path: Path | None = None, readme_path: Path | None = None) -> dict:
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / "dossier.yaml").is_file():
        raise SystemExit(f"{out} 不是空文件夹，也不是申报项目；为避免覆盖别的文件，已停止")
    items = all_items()
    paths = [it.path for it in items]
    dupes = {p for p in paths if paths.count(p) > 1}
    if dupes:
        raise SystemExit(f"重复的文件路径：{sorted(dupes)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would become the project folder's mode
    scratch = Path(tempfile.mkdtemp(prefix="dossier-sample-"))
    try:
        root = staging
        (root / "台账").mkdir()
        (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
        render_items(items, root, scratch)
        write_roster(root / "台账" / "村社区名单.xlsx")
        write_training_register(root / "台账" / "培训台账.xlsx")
        numbered = write_manifest(root / "材料清单.xlsx", manifest_rows(items))
        expected = expected_result(items, numbered)
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if expected_path:
        expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if readme_path:
        readme_path.write_text(readme_text(expected, items), encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示范申报项目 示范县（虚构，含故意留下的缺口）")
    parser.add_argument("--out", type=Path, default=HERE / "示范县", help="输出文件夹（默认 samples/示范县，会整体替换）")
    parser.add_argument("--expected", type=Path, default=None,
                        help="写出预期检查结果的 JSON 文件（默认：输出到 samples/示范县 时写 samples/expected.json，"
                             "并重写 samples/README.md）")
    args = parser.parse_args(argv)
    expected_path, readme_path = args.expected, None
    if args.out.resolve() == (HERE / "示范县").resolve():
        expected_path = expected_path or HERE / "expected.json"
        readme_path = HERE / "README.md"
    expected = generate(args.out, expected_path, readme_path)
    s = expected["summary"]
    print(f"已生成 {args.out}：{len(expected['files'])} 个证明材料和台账文件；预期 达标 {s['met']}、部分达标 {s['partial']}、"
          f"缺材料 {s['missing']}、已承诺 {s['declared']}、未承诺 {s['undeclared']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
