"""Makers of real evidence files for the reader tests: Chinese PDFs with a
non-embedded CID font (reportlab, STSong-Light) and with embedded fonts (LibreOffice
export of a docx), Word and Excel files (python-docx, openpyxl), photos with EXIF
(Pillow), and legacy .doc/.xls made by LibreOffice. Conversions are batched once per
session because each LibreOffice start costs about a second."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

# A 公文 as a county office writes it: 版头, 文号, title on two lines, body, 署名, 成文日期.
NOTICE_LINES = [
    "示范县人民政府办公室文件",
    "示政办发〔2021〕12号",
    "示范县人民政府办公室关于印发《示范县未成年人",
    "保护工作领导小组工作规则》的通知",
    "各乡镇人民政府，县直各有关单位：",
    "现将《示范县未成年人保护工作领导小组工作规则》印发给你们，请认真贯彻执行。",
    "示范县人民政府办公室",
    "2021年3月15日",
    "（此件公开发布）",
]

MINUTES_LINES = [
    "示范县未成年人保护工作领导小组会议纪要",
    "会议时间：2021年4月8日上午9:00",
    "会议地点：县政府三楼会议室",
    "会议听取了县民政局关于未成年人保护工作开展情况的汇报，研究部署了下一阶段工作。",
    "示范县民政局",
    "2021年4月9日",
]


def cid_pdf(path: Path, pages: list[list[str]], *, size=(595.27, 841.89)) -> Path:
    """A PDF whose Chinese text uses the non-embedded Adobe CID font STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=size)
    for lines in pages:
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(60, size[1] - 80 - i * 26, line)
        c.showPage()
    c.save()
    return path


def image_pdf(path: Path, pages: int = 2) -> Path:
    """A scan: every page only an image, no text layer."""
    import img2pdf
    from PIL import Image, ImageDraw

    images = []
    for n in range(pages):
        img = Image.new("RGB", (600, 800), "white")
        ImageDraw.Draw(img).rectangle((50, 50 + n * 10, 500, 200), fill="black")
        p = path.parent / f".scan{n}.png"
        img.save(p)
        images.append(str(p))
    path.write_bytes(img2pdf.convert(images))
    for p in images:
        Path(p).unlink()
    return path


def make_docx(path: Path, paragraphs: list[str], *, table: list[list[str]] | None = None,
              header: str = "", footer: str = "", core_title: str = "") -> Path:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    if core_title:
        d.core_properties.title = core_title
    d.save(path)
    return path


def make_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def make_photo(path: Path, *, taken: str | None = None, size=(640, 480), fmt: str | None = None) -> Path:
    from PIL import Image

    img = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    if taken:
        exif[306] = taken  # DateTime (IFD0)
        exif.get_ifd(0x8769)[36867] = taken  # DateTimeOriginal
    img.save(path, format=fmt, exif=exif.tobytes() if taken else b"")
    return path


def rezip(path: Path, changes: dict[str, bytes | None]) -> Path:
    """Rewrite members of an OOXML package (None removes one), as another editor would."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename in changes:
                data = changes.pop(info.filename)
                if data is None:
                    continue
            z.writestr(info.filename, data)
        for name, data in changes.items():
            if data is not None:
                z.writestr(name, data)
    return path
