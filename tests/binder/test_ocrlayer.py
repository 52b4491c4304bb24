"""The searchable, upright copy of a scan that the binder binds (dossier.binder.ocrlayer).

No OCR engine here: the recognised lines are given, so what is checked is where the binder
puts them and how it turns the page."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
from PIL import Image, ImageDraw

from dossier.binder import ocrlayer, pages
from dossier.readers.ocr import OcrLine, OcrPage

LINES = (OcrLine("关于做好2021年未成年人保护工作的通知", (0.2, 0.10, 0.8, 0.14), 0.99),
         OcrLine("示范县民政局", (0.6, 0.80, 0.8, 0.83), 0.99))


def _sideways_scan() -> bytes:
    """A portrait page scanned lying on its side: stored landscape (turned 90° counter-clockwise)."""
    img = Image.new("RGB", (850, 1200), "white")
    d = ImageDraw.Draw(img)
    d.rectangle([170, 120, 680, 168], fill="black")  # where the title line is printed
    img = img.rotate(90, expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    import img2pdf

    return img2pdf.convert(buf.getvalue())


def test_sideways_scan_is_bound_upright_with_text_where_printed(tmp_path):
    """The copy turns the page upright and, once fitted to A4 as the binder does, the title is
    found by a text search in the top of the page, over the printed line; the evidence file
    is left as it was.
    This test ensures that a reviewer's Ctrl+F lands on the printed words."""
    src = tmp_path / "scan.pdf"
    src.write_bytes(_sideways_scan())
    before = src.read_bytes()
    copy = ocrlayer.searchable_pdf(src, "abc", {1: OcrPage(text="", lines=LINES, rotation=90)}, tmp_path)
    assert src.read_bytes() == before
    out = pikepdf.new()
    with pikepdf.open(copy) as pdf:
        out.pages.extend(pdf.pages)
        pages.fit_to_a4(out, out.pages[0])
        buf = io.BytesIO()
        out.save(buf)
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        page = pdf.pages[0]
        assert page.width < page.height  # portrait again
        hit = page.search("未成年人保护工作的通知")[0]
        assert 0.08 * page.height < hit["top"] < 0.16 * page.height  # printed at 10–14 % of the scan
        assert 0.35 * page.width < hit["x0"] < 0.65 * page.width
        assert "示范县民政局" in page.extract_text()
    with pikepdf.open(copy) as pdf:  # invisible: render mode 3 paints nothing
        assert b"BT 3 Tr" in b"".join(c.read_bytes() for c in pdf.pages[0].obj.Contents)


SAMPLE_PHOTO = (Path(__file__).resolve().parents[2] / "samples" / "示范县" / "材料" / "家庭保护" / "家长学校活动"
                / "2021-05-29 城西社区家长学校亲子阅读活动.jpg")  # stored sideways, EXIF orientation 6


def _render(pdf_path, out_stem) -> Image.Image:
    import subprocess

    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf_path), str(out_stem)], check=True)
    return Image.open(f"{out_stem}.png").convert("RGB")


def test_captioned_photo_carries_its_banner_words_over_the_picture_invisibly(tmp_path):
    """A phone photo (EXIF-rotated) bound as a captioned picture: the words OCR read on its
    banner are found by a text search inside the picture's placed rectangle, at the height
    where the banner is printed, and the page renders pixel for pixel as without them.
    This test ensures that Ctrl+F finds a photo's printed words where they are, and that nothing visible is added."""
    from dossier.binder import drawn
    from dossier.readers import ocr

    result = ocr.ocr_page_file(SAMPLE_PHOTO, 1, "image")
    banner = max(result.lines, key=lambda ln: len(ln.text))
    assert "家长学校" in banner.text
    plain = drawn.cached_photo(drawn.Photo(SAMPLE_PHOTO, "2021年5月29日 亲子阅读活动"), "abc", tmp_path / "a")
    layered = drawn.cached_photo(drawn.Photo(SAMPLE_PHOTO, "2021年5月29日 亲子阅读活动", {1: result}), "abc",
                                 tmp_path / "b")
    assert layered != plain
    with pdfplumber.open(layered) as pdf:
        page = pdf.pages[0]
        picture = page.images[0]
        hit = page.search(banner.text[:6])[0]
        assert picture["x0"] - 1 <= hit["x0"] < hit["x1"] <= picture["x1"] + 1
        assert picture["top"] - 1 <= hit["top"] < hit["bottom"] <= picture["bottom"] + 1
        expected_top = picture["top"] + banner.box[1] * (picture["bottom"] - picture["top"])
        assert abs(hit["top"] - expected_top) < 0.05 * (picture["bottom"] - picture["top"])
        assert "亲子阅读活动" in page.extract_text()  # the caption is still there
    assert _render(layered, tmp_path / "layered").tobytes() == _render(plain, tmp_path / "plain").tobytes()
