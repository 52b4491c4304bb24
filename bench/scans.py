"""A scanned-evidence test set: official pages as a county's paper looks after the scanner or
the phone, with the truth about each (issue 14).

    .venv/bin/python bench/scans.py OUT_DIR [--pages 40] [--seed 14]

Deterministic: the same seed gives the same pages, byte for byte. Each page is drawn with
the installed CJK fonts at 150–300 dpi (会议纪要, 红头通知, 承诺书, 签到表), then degraded
as real paper is: a small skew (0.5–3°), noise, blur, JPEG 40–70; most get a red 公章 over
the sign-off date (some 承诺书 deliberately none), some are turned 90°/180° as a page
fed sideways, some are phone photos (perspective, uneven light, a desk around the paper,
EXIF orientation). ``truth.json`` lists per page: file, title, dates, 文号, seal, rotation.

Imported by the tests (a few pages), bench/ocr.py (the whole set) and samples/make_sample.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SERIF_BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SONG = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
KAI = "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"
SERIF_SC = 2  # index of "Noto Serif CJK SC" inside the collection
SANS_SC = 2

KINDS = ("会议纪要", "红头通知", "承诺书", "签到表")
AGENCIES = [("示范县民政局", "示民发"), ("示范县教育局", "示教发"), ("示范县人民政府办公室", "示政办发"),
            ("示范县公安局", "示公发"), ("示范县妇女联合会", "示妇发"), ("示范县卫生健康局", "示卫健发")]
TOPICS = ["未成年人保护工作", "留守儿童关爱服务", "校园安全专项整治", "家庭教育指导服务", "儿童福利保障",
          "未成年人网络保护", "强制报告制度落实", "困境儿童帮扶"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "黄敏", "赵强", "周婷", "吴刚", "徐丽", "孙涛",
         "马超", "朱琳", "胡军", "郭燕"]
UNITS = ["城关镇", "大坡镇", "六景镇", "新江镇", "县民政局", "县教育局", "县妇联", "团县委"]
BODY = [
    "为深入贯彻落实《中华人民共和国未成年人保护法》，进一步健全工作机制，压实各方责任，结合我县实际，现就有关事项通知如下。",
    "各乡镇、各有关单位要高度重视，明确分管领导和具体经办人员，确保各项工作任务按时保质完成。",
    "会议听取了各成员单位上半年工作情况汇报，分析了当前存在的困难和问题，研究部署了下一阶段重点工作。",
    "要加强部门协作和信息共享，建立健全发现报告、应急处置、评估帮扶、监护干预等工作机制。",
    "各单位要认真组织开展宣传教育活动，营造全社会关心关爱未成年人健康成长的良好氛围。",
    "本单位郑重承诺，严格遵守国家法律法规，认真履行未成年人保护职责，对所提供材料的真实性负责。",
    "如有违反上述承诺的行为，本单位愿意承担相应责任，并接受有关部门的监督检查和处理。",
    "请各单位于每季度末将工作开展情况报送县未成年人保护工作领导小组办公室。",
]
_CN_DIGIT = "〇一二三四五六七八九"


@dataclass
class PageTruth:
    file: str
    kind: str
    title: str
    dates: list[str]  # ISO, every date printed on the page
    doc_number: str
    seal: bool
    rotation: int  # degrees the page was turned when scanned (0, 90, 180, 270)
    photo: bool
    dpi: int
    lines: list[str] = field(default_factory=list)  # every printed line, reading order


def cn_date(day: dt.date) -> str:
    """二〇二一年三月十五日, as the 成文日期 is printed."""
    def small(n: int) -> str:
        if n < 10:
            return _CN_DIGIT[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGIT[tens]) + "十" + (_CN_DIGIT[ones] if ones else "")
    return "".join(_CN_DIGIT[int(c)] for c in str(day.year)) + f"年{small(day.month)}月{small(day.day)}日"


def arabic_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(path: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return ImageFont.truetype(SONG, size)


# --------------------------------------------------------------------------- content


def page_content(kind: str, rng: random.Random, year: int | None = None) -> dict:
    """What one page says: head, title, 文号, labelled lines, body, signature, date, table."""
    agency, code = rng.choice(AGENCIES)
    topic = rng.choice(TOPICS)
    year = rng.choice([2020, 2021]) if year is None else (rng.random(), year)[1]
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    meeting = day - dt.timedelta(days=rng.randint(0, 6))
    chinese_close = rng.random() < 0.45
    close = cn_date(day) if chinese_close else arabic_date(day)
    number = f"{code}〔{year}〕{rng.randint(1, 99)}号"
    c: dict = {"agency": agency, "red_head": None, "number": "", "labels": [], "table": None,
               "body": [], "signature": agency, "close": close, "dates": [day]}
    if kind == "会议纪要":
        nth = rng.choice(["第一次", "第二次", "第三次"])
        c["title"] = f"示范县{topic}领导小组{year}年{nth}会议纪要"
        c["number"] = number.replace("发〔", "纪〔")
        when = cn_date(meeting) if rng.random() < 0.4 else arabic_date(meeting)
        c["labels"] = [f"会议时间：{when}", f"会议地点：{agency}三楼会议室",
                       f"主持人：{rng.choice(NAMES)}", f"参会人员：{'、'.join(rng.sample(NAMES, 5))}"]
        c["dates"] = [meeting, day] if meeting != day else [day]
        c["body"] = rng.sample(BODY[:5], 3)
    elif kind == "红头通知":
        c["red_head"] = f"{agency}文件"
        c["title"] = f"关于做好{year}年{topic}的通知"
        c["number"] = number
        c["labels"] = ["各乡镇人民政府，县直各有关单位："]
        c["body"] = rng.sample(BODY[:5] + BODY[7:], 3)
    elif kind == "承诺书":
        c["title"] = f"{agency}关于{topic}的承诺书"
        c["body"] = BODY[5:7]
        c["signature"] = f"承诺单位（盖章）：{agency}"
    else:
        c["title"] = f"示范县{year}年{topic}培训班签到表"
        c["labels"] = [f"培训时间：{arabic_date(meeting)}", f"培训地点：{agency}会议室"]
        c["dates"] = [meeting]
        c["close"] = ""
        rows = [[str(i + 1), rng.choice(NAMES), rng.choice(UNITS), f"13{rng.randint(100000000, 999999999)}"]
                for i in range(rng.randint(6, 10))]
        c["table"] = [["序号", "姓名", "单位", "联系电话"], *rows]
    c["dates"] = sorted(set(c["dates"]))
    return c


# --------------------------------------------------------------------------- drawing


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: float, indent: float) -> list[str]:
    lines, cur, first = [], "", True
    for ch in text:
        limit = width - (indent if first else 0)
        if draw.textlength(cur + ch, font=font) > limit:
            lines.append(cur)
            cur, first = "", False
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def draw_page(c: dict, dpi: int, seal: bool, rng: random.Random) -> tuple[Image.Image, list[str]]:
    """The clean page (RGB, A4 at ``dpi``) and its printed lines in reading order."""
    px = lambda mm: int(round(mm / 25.4 * dpi))  # noqa: E731
    w, h = px(210), px(297)
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    left, right, y = px(28), w - px(26), px(30)
    # AR PL SungtiL has no 〇 (it would print a blank): pages with 二〇二一年 use Noto Serif.
    has_zero = "〇" in c["close"] or any("〇" in s for s in c["labels"])
    body_font = _font(SONG if rng.random() < 0.5 and not has_zero else SERIF, px(5.6), SERIF_SC)
    title_font = _font(SANS_BOLD if rng.random() < 0.5 else SERIF_BOLD, px(7.4), SANS_SC)
    line_h = int(px(5.6) * 1.75)
    lines: list[str] = []

    def centred(text, font, fill=(0, 0, 0)):
        nonlocal y
        tw = d.textlength(text, font=font)
        d.text(((w - tw) / 2, y), text, font=font, fill=fill)
        lines.append(text)
        y += int(font.size * 1.6)

    if c["red_head"]:
        head_font = _font(SANS_BOLD, px(13), SANS_SC)
        while d.textlength(c["red_head"], font=head_font) > right - left:
            head_font = _font(SANS_BOLD, head_font.size - 4, SANS_SC)
        centred(c["red_head"], head_font, fill=(214, 24, 32))
        y += px(4)
    if c["number"]:
        centred(c["number"], body_font)
    if c["red_head"]:
        d.rectangle([left, y, right, y + max(2, px(0.7))], fill=(214, 24, 32))
        y += px(8)
    for part in _wrap(d, c["title"], title_font, right - left - px(20), 0):
        centred(part, title_font)
    y += px(4)
    for label in c["labels"]:
        d.text((left, y), label, font=body_font, fill=(0, 0, 0))
        lines.append(label)
        y += line_h
    for para in c["body"]:
        for k, part in enumerate(_wrap(d, para, body_font, right - left, 2 * body_font.size)):
            d.text((left + (2 * body_font.size if k == 0 else 0), y), part, font=body_font, fill=(0, 0, 0))
            lines.append(part)
            y += line_h
    if c["table"]:
        cols = [0.1, 0.22, 0.36, 0.32]
        row_h = int(line_h * 1.4)
        y += px(3)
        for row in c["table"]:
            x = left
            for frac, cell in zip(cols, row):
                cw = (right - left) * frac
                d.rectangle([x, y, x + cw, y + row_h], outline=(0, 0, 0), width=max(1, dpi // 150))
                d.text((x + px(2), y + (row_h - body_font.size) / 2), cell, font=body_font, fill=(0, 0, 0))
                x += cw
            lines.append(" ".join(row))
            y += row_h
    date_box = None
    if c["close"]:
        y += px(12)
        sig_w = d.textlength(c["signature"], font=body_font)
        d.text((right - sig_w - px(8), y), c["signature"], font=body_font, fill=(0, 0, 0))
        lines.append(c["signature"])
        y += line_h
        dw = d.textlength(c["close"], font=body_font)
        x0 = right - dw - px(12)
        d.text((x0, y), c["close"], font=body_font, fill=(0, 0, 0))
        lines.append(c["close"])
        date_box = (x0, y, x0 + dw, y + body_font.size)
    if seal:
        cx = (date_box[0] + date_box[2]) / 2 if date_box else right - px(40)
        cy = (date_box[1] + date_box[3]) / 2 - px(4) if date_box else y - px(30)
        img = stamp(img, (cx + rng.uniform(-px(6), px(6)), cy + rng.uniform(-px(4), px(4))), px(21),
                    c["agency"], rng)
    return img, lines


def stamp(img: Image.Image, centre: tuple[float, float], radius: int, text: str, rng: random.Random) -> Image.Image:
    """A red round 公章 (ring, star, the agency's name on an arc), inked unevenly, multiplied over the page."""
    size = radius * 2 + 8
    layer = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(layer)
    c = size / 2
    ring = max(3, radius // 14)
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    star_r = radius * 0.3
    pts = [(c + star_r * (1 if k % 2 == 0 else 0.4) * math.sin(math.pi * k / 5),
            c - star_r * (1 if k % 2 == 0 else 0.4) * math.cos(math.pi * k / 5)) for k in range(10)]
    d.polygon(pts, fill=255)
    font = _font(SANS_BOLD, int(radius * 0.28), SANS_SC)
    n = len(text)
    span = min(240.0, 24.0 * n)
    for k, ch in enumerate(text):
        ang = -span / 2 + span * (k + 0.5) / n
        glyph = Image.new("L", (font.size + 6, font.size + 6), 0)
        ImageDraw.Draw(glyph).text((3, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-ang, resample=Image.BICUBIC, expand=True)
        rr = radius - ring - font.size * 0.7
        gx = c + rr * math.sin(math.radians(ang)) - glyph.width / 2
        gy = c - rr * math.cos(math.radians(ang)) - glyph.height / 2
        layer.paste(255, (int(gx), int(gy)), glyph)
    # Uneven ink: a seal is never a solid stamp.
    noise = np.array(layer, dtype=np.float32) * np.clip(
        np.random.default_rng(rng.randint(0, 1 << 30)).normal(0.85, 0.18, (size, size)), 0.25, 1.0)
    alpha = Image.fromarray(noise.astype(np.uint8))
    ink = Image.new("RGB", (size, size), (rng.randint(200, 228), rng.randint(15, 45), rng.randint(25, 55)))
    box = (int(centre[0] - c), int(centre[1] - c))
    region = img.crop((box[0], box[1], box[0] + size, box[1] + size))
    # Ink multiplies with the toner under it: black text stays black, paper turns red.
    blended = Image.fromarray((np.asarray(region, dtype=np.float32) * np.asarray(ink, dtype=np.float32) / 255)
                              .astype(np.uint8))
    region.paste(blended, (0, 0), alpha)
    img.paste(region, box)
    return img


def degrade_scan(img: Image.Image, rng: random.Random) -> Image.Image:
    """What a flatbed or a copier's scanner does: skew, grey paper, noise, a little blur."""
    angle = rng.choice([-1, 1]) * rng.uniform(0.5, 3.0)
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(250, 250, 248))
    arr = np.asarray(img, dtype=np.float32)
    nrng = np.random.default_rng(rng.randint(0, 1 << 30))
    arr = arr * rng.uniform(0.9, 0.98) + nrng.normal(0, rng.uniform(4, 12), arr.shape[:2])[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))


def degrade_photo(img: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the page on a desk: perspective, a lamp's uneven light, blur."""
    import cv2

    src = np.asarray(img)
    h, w = src.shape[:2]
    pad = int(0.12 * max(w, h))
    W, H = w + 2 * pad, h + 2 * pad
    j = lambda: rng.uniform(-0.06, 0.06) * w  # noqa: E731
    quad = np.float32([[pad + j(), pad + j()], [pad + w + j(), pad + j()], [pad + w + j(), pad + h + j()],
                       [pad + j(), pad + h + j()]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), quad)
    desk = tuple(rng.randint(60, 140) for _ in range(3))
    out = cv2.warpPerspective(src, m, (W, H), borderMode=cv2.BORDER_CONSTANT, borderValue=desk).astype(np.float32)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    lx, ly = rng.uniform(0, W), rng.uniform(0, H)
    light = 1.0 - 0.35 * np.hypot(xx - lx, yy - ly) / math.hypot(W, H)
    out = out * light[..., None] * rng.uniform(0.85, 1.0) + rng.uniform(-8, 8)
    out += np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 5, out.shape[:2])[..., None]
    photo = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    return photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1)))


def jpeg(img: Image.Image, quality: int, dpi: int, exif: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kw = {"exif": exif} if exif else {}
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), **kw)
    return buf.getvalue()


# --------------------------------------------------------------------------- the set


def make_page(number: int, rng: random.Random, *, kind: str | None = None, seal: bool | None = None,
              rotation: int | None = None, photo: bool | None = None,
              year: int | None = None, content: dict | None = None,
              taken: dt.datetime | None = None) -> tuple[bytes, PageTruth, str]:
    """One degraded page: (JPEG bytes, truth, suggested suffix). Keyword arguments fix what
    would otherwise be drawn at random (tests ask for a 180° 通知 or an unsealed 承诺书);
    ``content`` replaces the drawn text (keys as :func:`page_content` returns them: the
    sample county's own minutes); ``taken`` writes a phone photo's EXIF DateTimeOriginal."""
    kind = kind or KINDS[number % len(KINDS)]
    c = page_content(kind, rng, year)
    if content:
        c = {**c, **content}
    if seal is None:
        seal = kind != "签到表" and not (kind == "承诺书" and rng.random() < 0.35)
    if photo is None:
        photo = rng.random() < 0.2
    dpi = 150 if photo else rng.choice([150, 200, 200, 300])
    img, lines = draw_page(c, dpi, seal, rng)
    if rotation is None:
        rotation = 0 if photo else rng.choice([0] * 8 + [90, 180, 270])
    exif = None
    if photo:
        img = degrade_photo(img, rng)
        e = Image.Exif()
        if taken:
            e.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if rng.random() < 0.5:  # held upright: the sensor's pixels stored sideways, EXIF says "turn 90°"
            e[0x0112] = 6
            img = img.transpose(Image.Transpose.ROTATE_90)
        exif = e.tobytes() if len(e) or taken else None
    else:
        img = degrade_scan(img, rng)
        if rotation:
            img = img.rotate(rotation, expand=True)  # counter-clockwise, as fed into the scanner
    data = jpeg(img, rng.randint(40, 70), dpi, exif)
    truth = PageTruth(file="", kind=kind, title=c["title"], dates=[d.isoformat() for d in c["dates"]],
                      doc_number=c["number"], seal=seal, rotation=rotation, photo=photo, dpi=dpi, lines=lines)
    return data, truth, ".jpg"


def generate(out: Path, pages: int = 40, seed: int = 14, *, pdf_every: int = 3) -> list[PageTruth]:
    """Write ``pages`` pages (every ``pdf_every``-th as a one-page scanned PDF) and truth.json."""
    import img2pdf

    out.mkdir(parents=True, exist_ok=True)
    truths = []
    for n in range(pages):
        rng = random.Random(seed * 100003 + n)
        data, truth, suffix = make_page(n, rng)
        name = f"{n + 1:03d}-{truth.kind}"
        if pdf_every and n % pdf_every == pdf_every - 1 and not truth.photo:
            path = out / f"{name}.pdf"
            path.write_bytes(as_pdf(data))
        else:
            path = out / f"{name}{suffix}"
            path.write_bytes(data)
        truth.file = path.name
        truths.append(truth)
    (out / "truth.json").write_text(json.dumps([asdict(t) for t in truths], ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    return truths


def as_pdf(jpeg_data: bytes) -> bytes:
    """A one-page scanned PDF around the JPEG, as a scanner writes it; fixed dates, so the
    same page gives the same bytes (img2pdf's own writer: pikepdf's would add a random /ID)."""
    import img2pdf

    when = dt.datetime(2021, 10, 20, 9, 0, 0)
    return img2pdf.convert(jpeg_data, rotation=img2pdf.Rotation.ifvalid, creationdate=when, moddate=when,
                           engine=img2pdf.Engine.internal)  # pikepdf would write a random /ID


def load_truth(folder: Path) -> list[PageTruth]:
    return [PageTruth(**t) for t in json.loads((folder / "truth.json").read_text(encoding="utf-8"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    truths = generate(args.out, args.pages, args.seed)
    print(f"{len(truths)} pages → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
