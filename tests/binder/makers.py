"""Real evidence files for the binder and build tests: Chinese text PDFs (reportlab with an
embedded TrueType CJK font), Word and Excel files, photos with EXIF orientation, an
encrypted PDF, and a whole project folder mixing them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from dossier.binder import fonts


def text_pdf(path: Path, pages: list[str], *, size=A4, rotate: int = 0, footer: str | None = None) -> Path:
    """One line of Chinese text per page, near the top; optionally a line at the very bottom."""
    name = fonts.register()
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=size, initialFontName=name)
    for text in pages:
        c.setFont(name, 16)
        c.drawString(60, size[1] - 90, text)
        if footer:
            c.drawString(60, 12, footer)
        c.showPage()
    c.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            for page in pdf.pages:
                page.Rotate = rotate
            pdf.save(path)
    return path


SONG = "示范县民政局关于二〇二一年未成年人保护工作的报告"
LATIN = "Helvetica: Report 2021, page 3"


def stsong_pdf(path: Path, lines: tuple[str, ...] = None) -> Path:
    """What reportlab writes with its built-in CID font: STSong-Light, named and not embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path))
    y = 760
    for line in lines or (SONG,):
        c.setFont("STSong-Light", 18)
        c.drawString(72, y, line)
        y -= 30
    c.setFont("Helvetica", 12)
    c.drawString(72, y, LATIN)
    c.setFont("Times-Bold", 12)
    c.drawString(72, y - 20, "Times-Bold: Annex 1")
    c.save()
    return path


def landscape_pdf(path: Path, text: str) -> Path:
    return text_pdf(path, [text], size=landscape(A4))


def encrypted_pdf(path: Path, text: str) -> Path:
    text_pdf(path, [text])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    return path


def word(path: Path, paragraphs: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(path)
    return path


def excel(path: Path, rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def photo(path: Path, orientation: int = 1, size=(400, 300)) -> Path:
    """Quadrants red / blue / green / white in stored pixel order, with an EXIF orientation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    im = Image.new("RGB", size, "white")
    im.paste((220, 20, 20), (0, 0, w // 2, h // 2))
    im.paste((20, 20, 220), (w // 2, 0, w, h // 2))
    im.paste((20, 200, 20), (0, h // 2, w // 2, h))
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, "JPEG", exif=exif.tobytes(), quality=92)
    return path


CONFIG = """\
catalog: minor-protection-2021
evidence_dir: 材料
applicant:
  name: 示例县人民政府
  contact: {name: 陆晓东, title: 县民政局副局长, phone: 0771-5621234, mobile: "13907710001"}
application_date: 2021-10-25
period: {start: 2020-01-01, end: 2021-09-30}
population: 250000
units:
  townships: [城关镇, 大坡镇]
request:
  doc_number: 示政〔2021〕12号
  signer: 黄志强
  to: 自治区民政厅
"""

# path → what proves it; the meeting minutes prove both 2.1.3 and 2.1.7 (bound once).
MINUTES = "材料/2.1.3 县级会议/2021-03-15 第一次会议纪要.pdf"
SECOND_MINUTES = "材料/2.1.3 县级会议/2021-09-10 第二次会议纪要.pdf"


def project(root: Path) -> dict[str, str]:
    """A small county: every kind of evidence, one encrypted PDF, one file proving two standards.
    Returns path → a line of its text."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
    texts = {
        MINUTES: "城关镇未成年人保护工作第一次会议纪要",
        SECOND_MINUTES: "未成年人保护工作第二次会议纪要内容",
        "材料/1.1.1 宣贯/学习通知.docx": "关于开展习近平新时代中国特色社会主义思想学习的通知",
        "材料/1.1.1 宣贯/旋转的签到表.pdf": "宣贯学习签到表旋转页面",
        "材料/2.1.1 规划/规划统计表.pdf": "未成年人保护经费统计横向表格",
        "材料/2.1.1 规划/经费明细.xlsx": "未成年人保护专项经费明细",
        "材料/4.1.2 活动/活动现场照片.jpg": "活动现场照片",
        "材料/2.1.2 制度/加密的制度文件.pdf": "加密的制度文件内容",
    }
    text_pdf(root / MINUTES, [texts[MINUTES] + "（2021年3月15日）", "会议纪要第二页出席人员名单"],
             footer="— 1 —")
    text_pdf(root / SECOND_MINUTES, [texts[SECOND_MINUTES] + "（2021年9月10日）"])
    word(root / "材料/1.1.1 宣贯/学习通知.docx", [texts["材料/1.1.1 宣贯/学习通知.docx"], "各乡镇人民政府：",
                                              "为深入学习贯彻，现将有关事项通知如下。", "2021年4月2日"])
    text_pdf(root / "材料/1.1.1 宣贯/旋转的签到表.pdf", [texts["材料/1.1.1 宣贯/旋转的签到表.pdf"]], rotate=90)
    landscape_pdf(root / "材料/2.1.1 规划/规划统计表.pdf", texts["材料/2.1.1 规划/规划统计表.pdf"])
    excel(root / "材料/2.1.1 规划/经费明细.xlsx", [["项目", "金额（元）"], [texts["材料/2.1.1 规划/经费明细.xlsx"], 120000]])
    photo(root / "材料/4.1.2 活动/活动现场照片.jpg", orientation=6)
    encrypted_pdf(root / "材料/2.1.2 制度/加密的制度文件.pdf", texts["材料/2.1.2 制度/加密的制度文件.pdf"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"])
    sheet.append(["2.1.7", MINUTES, "第一次会议纪要", "会议纪要", dt.date(2021, 3, 15), "城关镇", ""])
    book.save(root / "材料清单.xlsx")
    return texts
