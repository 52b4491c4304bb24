"""Pages dossier draws itself: evidence photos on A4 with a caption, and category dividers.

Photos keep their bytes (img2pdf embeds a JPEG as it is) and are turned upright by their
EXIF orientation with a placement matrix, never by re-encoding. Captions are drawn with
reportlab in an embedded TrueType CJK font. Every drawn page leaves the footer band free.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from dossier import atomic
from dossier.binder import fonts, geometry
from dossier.binder.geometry import MM, Matrix
from dossier.errors import EvidenceError

# img2pdf warns on stderr about its (unused, see _frames) page being small: not the clerk's concern.
logging.getLogger("img2pdf").setLevel(logging.ERROR)

CAPTION_SIZE = 12.0  # 小四
MARGIN = 20 * MM
IMAGE_KEY = pikepdf.Name("/DossierImage")
# Part of every cached drawing's name: raise it when drawing changes, so old pages are not reused.
DRAWING_VERSION = 1


@dataclass(frozen=True)
class Photo:
    path: Path
    caption: str  # title and date, as the clerk reads it under the photo
    # What the index's OCR read on it, {frame number: OcrPage}: laid over the picture as
    # invisible text, so a banner's words are found where they are printed.
    recognised: dict | None = None


@dataclass(frozen=True)
class _Frame:
    xobject_pdf: bytes  # img2pdf's one-image PDF for this frame
    width: int
    height: int
    orientation: int


def _canvas(buf: io.BytesIO):
    from reportlab.pdfgen import canvas

    name = fonts.register()
    # The initial font would otherwise be Helvetica, listed (unembedded) in every page's resources.
    return canvas.Canvas(buf, pageCompression=1, initialFontName=name, initialFontSize=CAPTION_SIZE), name


def wrap(text: str, font_name: str, size: float, width: float) -> list[str]:
    """Break at any character (Chinese has no spaces), never wider than ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if ch == "\n":
            lines.append(line)
            line = ""
            continue
        if line and stringWidth(line + ch, font_name, size) > width:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    return lines or [""]


def _frames(path: Path) -> list[_Frame]:
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            orientation = 1
            try:
                orientation = int(im.getexif().get(0x0112, 1) or 1)
            except Exception:  # a broken EXIF block only loses the rotation
                orientation = 1
            if orientation not in range(1, 9):
                orientation = 1
            count = getattr(im, "n_frames", 1)
            sizes = []
            for i in range(count):
                im.seek(i)
                sizes.append(im.size)
            im.seek(0)
            if im.format == "JPEG":
                # Decoding at 1/8 scale still proves the file is whole, at a fraction of the cost.
                im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    except Image.DecompressionBombError:
        raise EvidenceError("图片像素过多（可能是恶意构造的文件），无法装订") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise EvidenceError(f"图片文件已损坏或格式无法识别（{str(e)[:80] or type(e).__name__}）") from None
    # Only the image object is taken from img2pdf's page (the page is drawn here), so its page
    # is a fixed A4: img2pdf's own page, sized from the pixels, refuses images of 3 px or less
    # on a side and very long strips (PDF pages must be 3–14,400 units).
    layout = img2pdf.get_layout_fun(geometry.A4, fit=img2pdf.FitMode.into)
    try:
        data = img2pdf.convert(str(path), rotation=img2pdf.Rotation.none, layout_fun=layout)
    except Exception:  # img2pdf refuses alpha channels, palettes with transparency, odd modes
        data = img2pdf.convert(_as_jpeg_frames(path), rotation=img2pdf.Rotation.none, layout_fun=layout)
    with pikepdf.open(io.BytesIO(data)) as probe:
        pages = len(probe.pages)
    sizes = (sizes + [sizes[-1]] * pages)[:pages]
    return [_Frame(data, w, h, orientation) for w, h in sizes]


def _as_jpeg_frames(path: Path) -> list[bytes]:
    from PIL import Image, ImageSequence

    out = []
    with Image.open(path) as im:
        for frame in ImageSequence.Iterator(im):
            rgb = frame.convert("RGBA")
            flat = Image.new("RGB", rgb.size, "white")
            flat.paste(rgb, mask=rgb.getchannel("A"))
            buf = io.BytesIO()
            flat.save(buf, "JPEG", quality=92)
            out.append(buf.getvalue())
    return out


def orientation_matrix(orientation: int, x: float, y: float, w: float, h: float) -> Matrix:
    """Map an image XObject's unit square to the displayed box (x, y, w, h) so the photo
    appears upright (EXIF orientation 1–8; Pillow's ``exif_transpose`` is the reference)."""
    return {
        1: (w, 0, 0, h, x, y),
        2: (-w, 0, 0, h, x + w, y),
        3: (-w, 0, 0, -h, x + w, y + h),
        4: (w, 0, 0, -h, x, y + h),
        5: (0, -h, -w, 0, x + w, y + h),
        6: (0, -h, w, 0, x, y + h),
        7: (0, h, w, 0, x, y),
        8: (0, h, -w, 0, x + w, y),
    }[orientation]


def photo_pages(photos: list[Photo], tag: str = "DCP") -> tuple[pikepdf.Pdf | None,
                                                                 dict[Path, tuple[int, int] | EvidenceError]]:
    """One PDF holding every photo's pages; for each photo its [start, end) page range in it,
    or the reason it could not be used. ``tag``: see ``fonts.retag``."""
    results: dict[Path, tuple[int, int] | EvidenceError] = {}
    prepared: list[tuple[Photo, list[_Frame]]] = []
    for photo in photos:
        try:
            prepared.append((photo, _frames(photo.path)))
        except EvidenceError as e:
            results[photo.path] = e
    if not prepared:
        return None, results
    buf = io.BytesIO()
    c, font = _canvas(buf)
    placements: list[tuple[_Frame, Matrix]] = []
    texts: list[tuple[object, tuple[float, float, float, float]] | None] = []  # per page: (OcrPage, x, y, w, h)
    index = 0
    for photo, frames in prepared:
        results[photo.path] = (index, index + len(frames))
        for number, frame in enumerate(frames, 1):
            upright_w, upright_h = ((frame.height, frame.width) if frame.orientation >= 5
                                    else (frame.width, frame.height))
            page_w, page_h = geometry.A4  # photos sit on portrait pages, like a printed album
            c.setPageSize((page_w, page_h))
            lines = wrap(photo.caption, font, CAPTION_SIZE, page_w - 2 * MARGIN)
            leading = CAPTION_SIZE * 1.5
            caption_top = geometry.FOOTER_BAND + 4 * MM + leading * len(lines)
            c.setFont(font, CAPTION_SIZE)
            for i, line in enumerate(lines):
                c.drawCentredString(page_w / 2, caption_top - leading * (i + 1) + 3, line)
            box_w = page_w - 2 * MARGIN
            box_h = page_h - MARGIN - caption_top - 4 * MM
            scale = min(box_w / upright_w, box_h / upright_h)
            w, h = upright_w * scale, upright_h * scale
            x, y = (page_w - w) / 2, caption_top + 4 * MM + (box_h - h) / 2
            placements.append((frame, orientation_matrix(frame.orientation, x, y, w, h)))
            result = (photo.recognised or {}).get(number)
            texts.append((result, (x, y, w, h)) if result is not None and result.lines and not result.error else None)
            c.showPage()
            index += 1
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    fonts.retag(pdf, tag)
    sources: dict[int, pikepdf.Pdf] = {}
    frame_no: dict[int, int] = {}
    for page, (frame, matrix) in zip(pdf.pages, placements):
        key = id(frame.xobject_pdf)
        if key not in sources:
            sources[key] = pikepdf.open(io.BytesIO(frame.xobject_pdf))
            frame_no[key] = 0
        src_page = sources[key].pages[frame_no[key]]
        frame_no[key] += 1
        xobjects = src_page.Resources.XObject
        image = pdf.copy_foreign(xobjects[list(xobjects.keys())[0]])
        if "/Resources" not in page.obj:
            page.obj["/Resources"] = pikepdf.Dictionary()
        resources = page.obj["/Resources"]
        if "/XObject" not in resources:
            resources["/XObject"] = pikepdf.Dictionary()
        resources["/XObject"][IMAGE_KEY] = image
        page.contents_add(pikepdf.Stream(pdf, f"q {geometry.fmt_matrix(matrix)} cm {IMAGE_KEY} Do Q\n".encode()),
                          prepend=True)
    for src in sources.values():
        src.close()
    if any(texts):
        from dossier.binder import ocrlayer

        font = ocrlayer.text_font(pdf)
        for page, text in zip(pdf.pages, texts):
            if text:
                result, (x, y, w, h) = text
                # The lines are relative to the photo as OCR stood it upright: the picture as
                # placed (EXIF-upright), turned by the rotation OCR found.
                ocrlayer.lay_text(pdf, page, result, geometry.Box(x, y, x + w, y + h), result.rotation, font)
    return pdf, results


def _drawing_key(*parts: str) -> str:
    h = hashlib.sha256(f"v{DRAWING_VERSION}".encode())
    for part in parts:
        h.update(b"\0" + part.encode())
    return h.hexdigest()


def cached_photo(photo: Photo, digest: str, cache_dir: Path) -> Path:
    """The photo's pages as a PDF file of their own, drawn once per content hash and caption:
    a rebuild reopens it instead of decoding every JPEG again, and the bound dossier holds the
    image bytes once (a shared in-memory drawing was copied three times). Raises EvidenceError
    for an unusable image (not cached: it is reported on every build)."""
    recognised = "".join(json.dumps(photo.recognised[n].to_json(), sort_keys=True, ensure_ascii=False)
                         for n in sorted(photo.recognised or {}))
    key = _drawing_key("photo", digest, photo.caption, fonts.register(), recognised)
    target = cache_dir / f"photo-{key}.pdf"
    if target.is_file() and target.stat().st_size > 0:
        return target
    pdf, placed = photo_pages([photo], tag=fonts.tag_for(key))
    where = placed[photo.path]
    if isinstance(where, EvidenceError):
        raise where
    cache_dir.mkdir(parents=True, exist_ok=True)
    with pdf, atomic.atomic_path(target) as tmp:
        pdf.save(tmp)
    return target


def cached_dividers(titles: list[tuple[str, str]], cache_dir: Path) -> Path:
    """``divider_pages`` as a file, drawn once per list of titles."""
    key = _drawing_key("dividers", *(f"{n}\t{t}" for n, t in titles), fonts.register())
    target = cache_dir / f"dividers-{key}.pdf"
    if not (target.is_file() and target.stat().st_size > 0):
        cache_dir.mkdir(parents=True, exist_ok=True)
        with divider_pages(titles) as pdf, atomic.atomic_path(target) as tmp:
            pdf.save(tmp)
    return target


def divider_pages(titles: list[tuple[str, str]]) -> pikepdf.Pdf:
    """One page per category: its number and name, large and centred."""
    buf = io.BytesIO()
    c, font = _canvas(buf)
    w, h = geometry.A4
    for number, name in titles:
        c.setFont(font, 22)
        c.drawCentredString(w / 2, h * 0.62, number)
        size = 26.0
        lines = wrap(name, font, size, w - 4 * MARGIN)
        for i, line in enumerate(lines):
            c.setFont(font, size)
            c.drawCentredString(w / 2, h * 0.55 - i * size * 1.6, line)
        c.showPage()
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    fonts.retag(pdf, "DDV")
    return pdf
