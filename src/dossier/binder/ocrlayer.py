"""Scans in the bound dossier: turned upright and searchable (CONTRACT.md §8).

For every evidence file the index OCR'd, the binder takes a copy (the evidence is never
modified) in which each recognised page

* stands upright: the page's /Rotate gains the turn OCR found (90°/180°/270°), which the
  binder's A4 fitting then flattens like any other rotation — small skew is left alone;
* carries the recognised lines as invisible text (render mode 3) placed over the printed
  lines, so that selecting and Ctrl+F in a viewer find the words where they are printed.
  The font is a Type0 font with Identity-H codes equal to the characters' Unicode values
  and a ToUnicode map saying so: nothing is drawn, so no glyphs are embedded (PDF/A allows
  unembedded fonts for invisible text), and every viewer and extractor reads the text.

A scanned document that is an image file (a 承诺书 photographed or scanned to JPEG) is
bound as a full page like a scanned PDF, not as a captioned photo: it is a document. Other
photos are bound as captioned pictures (binder/drawn.py) with the words OCR found on them
(a banner, a sign) laid invisibly over the placed picture the same way.
Copies are cached by the file's content hash and the OCR result.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pikepdf

from dossier.binder import geometry
from dossier.binder.geometry import Box

FONT_KEY = "/DossierOCR"
_LAYER_VERSION = "1"


def lookup(state_dir: Path, hashes: list[str]) -> dict[str, dict]:
    """{sha256: {page: OcrPage}} for the files whose OCR the index holds."""
    from dossier.readers import ocr as ocr_lib
    from dossier.store import db_path

    wanted = sorted({h for h in hashes if h})
    if not wanted or not db_path(state_dir).is_file():
        return {}
    import sqlite3

    out: dict[str, dict] = {}
    try:
        db = sqlite3.connect(f"file:{db_path(state_dir)}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return {}
    try:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            rows = db.execute(f"SELECT sha256, page, result FROM ocr WHERE engine=? AND sha256 IN "
                              f"({','.join('?' * len(chunk))})", (ocr_lib.ENGINE_NAME, *chunk))
            for sha, page, result in rows:
                out.setdefault(sha, {})[page] = ocr_lib.OcrPage.from_json(json.loads(result))
    except sqlite3.Error:
        return {}
    finally:
        db.close()
    return out


def searchable(src, recognised: dict, cache_dir: Path) -> Path:
    """The file to bind for ``src`` (a binder Source): its searchable copy when the index OCR'd
    it, else the evidence file itself. A copy that cannot be made costs the text layer only."""
    pages = recognised.get(src.sha256)
    if not pages:
        return src.file
    try:
        if src.format == "image":
            return searchable_image(src.file, src.sha256, pages, cache_dir)
        return searchable_pdf(src.file, src.sha256, pages, cache_dir)
    except Exception:  # the scan still goes in, as it is
        return src.file


def is_document(pages: dict) -> bool:
    """An image whose recognised text reads as a document (a heading and enough text)."""
    from dossier import extract
    from dossier.readers import document_like

    text = "\n".join(p.text for p in pages.values())
    return document_like(extract.title_of(text), text)


def _key(sha256: str, pages: dict) -> str:
    h = hashlib.sha256(f"{_LAYER_VERSION}:{sha256}".encode())
    for n in sorted(pages):
        h.update(json.dumps(pages[n].to_json(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:32]


def searchable_pdf(src: Path, sha256: str, pages: dict, cache_dir: Path) -> Path:
    """A copy of the PDF ``src`` with its OCR'd pages upright and carrying their text."""
    target = cache_dir / f"ocr-{_key(sha256, pages)}.pdf"
    if target.is_file():
        return target
    with pikepdf.open(src) as pdf:
        font = _font(pdf)
        for number, result in sorted(pages.items()):
            if 1 <= number <= len(pdf.pages) and not result.error:
                upright_with_text(pdf, pdf.pages[number - 1], result, font)
        _save(pdf, target)
    return target


def searchable_image(src: Path, sha256: str, pages: dict, cache_dir: Path) -> Path:
    """An image document as a one-page PDF: upright (EXIF, then the turn OCR found), at its
    own size, carrying its text."""
    from PIL import Image, ImageOps

    target = cache_dir / f"ocr-{_key(sha256, pages)}.pdf"
    if target.is_file():
        return target
    result = pages.get(1)
    with Image.open(src) as im:
        img = ImageOps.exif_transpose(im).convert("RGB")
    if result is not None and result.rotation:
        img = img.rotate(-result.rotation, expand=True)
    dpi = (img.info.get("dpi") or (200, 200))[0] or 200
    w_pt, h_pt = img.width * 72 / dpi, img.height * 72 / dpi
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=img.width, Height=img.height, ColorSpace=pikepdf.Name.DeviceRGB,
                           BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    page = pdf.add_blank_page(page_size=(w_pt, h_pt))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.contents_add(pikepdf.Stream(pdf, f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Im0 Do Q\n".encode()))
    if result is not None:
        _text_layer(pdf, page, result, Box(0, 0, w_pt, h_pt), 0, _font(pdf))
    _save(pdf, target)
    pdf.close()
    return target


def upright_with_text(pdf: pikepdf.Pdf, page: pikepdf.Page, result, font: pikepdf.Object) -> None:
    """Turn ``page`` by the rotation OCR found and lay its recognised lines over it, invisibly."""
    from dossier.binder.pages import own_inherited, page_rotation, visible_box

    obj = page.obj
    own_inherited(obj)
    rotate = (page_rotation(obj) + result.rotation) % 360
    if rotate:
        obj["/Rotate"] = rotate
    elif "/Rotate" in obj:
        del obj["/Rotate"]
    _text_layer(pdf, page, result, visible_box(obj), rotate, font)


def _text_layer(pdf: pikepdf.Pdf, page: pikepdf.Page, result, box: Box, rotate: int, font: pikepdf.Object) -> None:
    """Lay ``result``'s lines as invisible text over ``box`` (page coordinates), whose content
    reads upright when turned ``rotate`` degrees clockwise — a page with that /Rotate, or a
    photo placed as shot that OCR had to turn. The lines are placed in the upright frame; the
    inverse of the turn takes that frame back to the page's own coordinates."""
    to_display, dw, dh = geometry.rotation_matrix(box, rotate)
    back = _inverse(to_display)
    ops = [f"q {geometry.fmt_matrix(back)} cm BT 3 Tr"]
    for line in result.lines:
        text = line.text.replace("\t", " ").strip()
        if not text:
            continue
        x0, y0, x1, y1 = line.box
        height = (y1 - y0) * dh
        size = max(1.0, height * 0.85)
        width = (x1 - x0) * dw
        scale = 100 * width / (size * len(text)) if text else 100
        x, y = x0 * dw, (1 - y1) * dh + height * 0.15
        codes = "".join(f"{ord(c):04X}" if ord(c) <= 0xFFFF else "003F" for c in text)
        ops.append(f"{FONT_KEY} {size:.2f} Tf {scale:.2f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm <{codes}> Tj")
    ops.append("ET Q\n")
    resources = page.obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        page.obj["/Resources"] = resources = pikepdf.Dictionary()
    if "/Font" not in resources:
        resources["/Font"] = pikepdf.Dictionary()
    resources["/Font"][FONT_KEY] = font
    page.contents_add(pikepdf.Stream(pdf, "\n".join(ops).encode()))


# For the binder's drawn photo pages (binder/drawn.py): a photo is placed on an A4 page with
# its caption, and its recognised words go over the placed picture.
lay_text = _text_layer


def text_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return _font(pdf)


def _inverse(m):
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """One font object per output file, shared by its OCR'd pages."""
    ranges = "\n".join(f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256))
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"256 beginbfrange\n{ranges}\nendbfrange\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DossierOCRText"),
                                    Flags=4, FontBBox=[0, -120, 1000, 880], ItalicAngle=0, Ascent=880,
                                    Descent=-120, CapHeight=700, StemV=80)
    cid = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
                             BaseFont=pikepdf.Name("/DossierOCRText"),
                             CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                             FontDescriptor=pdf.make_indirect(descriptor), DW=1000,
                             CIDToGIDMap=pikepdf.Name.Identity)
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/DossierOCRText"),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(cid)],
        ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, cmap.encode()))))
    return font


def _save(pdf: pikepdf.Pdf, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    pdf.save(tmp)
    tmp.replace(target)
