"""Page primitives on real PDFs and photos: fitting onto A4, page-number stamps, EXIF rotation."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps

from dossier.binder import drawn, geometry, pages
from dossier.errors import EvidenceError

from makers import encrypted_pdf, landscape_pdf, photo, text_pdf


def _footer(doc, index):
    page = doc[index]
    tp = page.get_textpage()
    text = tp.get_text_bounded(0, 0, page.get_width(), geometry.FOOTER_BAND - 1)
    rects = [tp.get_charbox(i) for i in range(tp.count_chars())
             if tp.get_charbox(i)[3] < geometry.FOOTER_BAND and tp.get_text_range(i, 1).isdigit()]
    return "".join(text.split()), rects


def test_fit_and_stamp_keep_content_above_the_number(tmp_path):
    """This test ensures that portrait, landscape, rotated and A5 pages all become A4 pages in their
    displayed orientation without /Rotate, that their text survives, that nothing of the original
    (not even its own footer line) lies in the band where the page number goes, and that the number
    sits right on odd pages and left on even ones."""
    sources = [text_pdf(tmp_path / "a.pdf", ["纵向页面的正文"], footer="原文件自己的页脚"),
               landscape_pdf(tmp_path / "b.pdf", "横向页面的表格"),
               text_pdf(tmp_path / "c.pdf", ["旋转了九十度的页面"], rotate=90),
               text_pdf(tmp_path / "d.pdf", ["小尺寸页面"], size=(420, 595))]
    out = pikepdf.new()
    font = pages.NumberFont(out)
    opened = [pages.open_pdf(p) for p in sources]
    for src in opened:
        out.pages.extend(src.pages)
    for n, page in enumerate(out.pages, 1):
        pages.fit_to_a4(out, page)
        pages.stamp(out, page, font, str(n), n % 2 == 1)
    target = tmp_path / "out.pdf"
    out.save(target)
    doc = pdfium.PdfDocument(str(target))
    sizes = [tuple(round(v) for v in doc[i].get_size()) for i in range(4)]
    assert sizes == [(595, 842), (842, 595), (842, 595), (595, 842)]
    assert all(int(p.obj.get("/Rotate", 0)) == 0 for p in pikepdf.open(target).pages)
    for i, expected in enumerate(["纵向页面的正文", "横向页面的表格", "旋转了九十度的页面", "小尺寸页面"]):
        tp = doc[i].get_textpage()
        assert expected in tp.get_text_range().replace("\r\n", "")
        # Every character of the original lies above the footer band.
        boxes = [tp.get_charbox(k) for k in range(tp.count_chars()) if not tp.get_text_range(k, 1).isspace()]
        originals = [b for b in boxes if b[1] >= geometry.FOOTER_BAND]
        assert len(originals) >= len(expected)
        footer, digits = _footer(doc, i)
        assert footer == f"—{i + 1}—"
        width = doc[i].get_width()
        if (i + 1) % 2:
            assert digits[0][0] > width / 2  # odd: right
        else:
            assert digits[0][2] < width / 2  # even: left
    assert "原文件自己的页脚" in doc[0].get_textpage().get_text_range()
    checked = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("orientation", range(1, 9))
def test_photo_appears_upright_for_every_exif_orientation(tmp_path, orientation):
    """This test ensures that a photo is turned upright exactly as Pillow's exif_transpose would
    (all eight EXIF orientations), that its JPEG bytes are embedded unchanged, and that the caption
    is real text on the page."""
    path = photo(tmp_path / f"p{orientation}.jpg", orientation)
    pdf, placed = drawn.photo_pages([drawn.Photo(path, "活动现场照片（2021年5月1日）")])
    assert placed[path] == (0, 1)
    buf = io.BytesIO()
    pdf.save(buf)
    image = next(iter(pdf.pages[0].Resources.XObject.values()))
    assert image.Filter == "/DCTDecode" and image.read_raw_bytes() == path.read_bytes()
    doc = pdfium.PdfDocument(buf.getvalue())
    assert "活动现场照片" in doc[0].get_textpage().get_text_range()
    rendered = doc[0].render(scale=0.5).to_pil().convert("RGB")
    # The photo's coloured quadrants, not the black caption text, mark where it was placed.
    saturation = rendered.convert("HSV").getchannel("S").point(lambda v: 255 if v > 120 else 0)
    crop = rendered.crop(saturation.getbbox())
    upright = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    assert abs(crop.width / crop.height - upright.width / upright.height) < 0.05

    def quadrants(im):
        return [tuple(v // 128 for v in im.getpixel((int(im.width * a), int(im.height * b))))
                for a, b in ((.25, .25), (.75, .25), (.25, .75), (.75, .75))]

    assert quadrants(crop) == quadrants(upright)


def test_unreadable_pdfs_get_plain_reasons(tmp_path):
    """This test ensures that an encrypted PDF, a truncated PDF and a PDF without pages are refused
    with a Chinese reason instead of an exception."""
    locked = encrypted_pdf(tmp_path / "locked.pdf", "加密文件")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    empty = tmp_path / "empty.pdf"
    pikepdf.new().save(empty)
    reasons = {}
    for path in (locked, broken, empty):
        with pytest.raises(EvidenceError) as caught:
            pages.open_pdf(path)
        reasons[path.name] = caught.value.reason
    assert "加密" in reasons["locked.pdf"]
    assert "损坏" in reasons["broken.pdf"]
    assert "没有任何页面" in reasons["empty.pdf"]


def test_drawn_pages_embed_their_fonts(tmp_path):
    """This test ensures that the pages dossier draws (photo captions, category dividers, page
    numbers) embed every font they use, so the dossier prints the same everywhere."""
    path = photo(tmp_path / "p.jpg")
    pdf, _ = drawn.photo_pages([drawn.Photo(path, "照片说明文字")])
    dividers = drawn.divider_pages([("第1部分", "思想引领")])
    pdf.pages.extend(dividers.pages)
    font = pages.NumberFont(pdf)
    for n, page in enumerate(pdf.pages, 1):
        pages.stamp(pdf, page, font, str(n), n % 2 == 1)
    target = tmp_path / "drawn.pdf"
    pdf.save(target)
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert listing and all(" yes " in line for line in listing), listing
    assert "思想引领" in subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
