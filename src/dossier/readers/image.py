"""Images (.jpg .jpeg .png .tif .tiff .bmp): size, frames, the EXIF date the camera wrote.

Pixels are decoded only to prove the file is whole (a truncated photo fails here, not in
the binder); JPEG is decoded at 1/8 scale, which costs a few milliseconds a photo.
"""

from __future__ import annotations

import datetime as dt
import warnings
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from dossier.errors import EvidenceError
from dossier.readers.content import Content
from dossier.readers.guard import MAX_IMAGE_PIXELS

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME_DIGITIZED = 36868
_DATETIME = 306
DECODE_LIMIT = 60_000_000  # above this a full decode is skipped (header checks only)


def read_image(data: bytes) -> Content:
    with warnings.catch_warnings():
        # Pillow warns (not raises) between its two bomb limits; the limit here is dossier's.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(BytesIO(data))
        except Image.DecompressionBombError:
            raise _bomb(None) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise EvidenceError("文件已损坏：不是有效的图片") from None
        with img:
            w, h = img.size
            if w <= 0 or h <= 0:
                raise EvidenceError("文件已损坏：图片尺寸无效")
            if w * h > MAX_IMAGE_PIXELS:
                raise _bomb((w, h))
            frames = getattr(img, "n_frames", 1) or 1
            dates = _exif_dates(img)
            if w * h <= DECODE_LIMIT:
                try:
                    if img.format == "JPEG":
                        img.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                    img.load()
                except Image.DecompressionBombError:
                    raise _bomb((w, h)) from None
                except (OSError, ValueError, SyntaxError, EOFError):
                    raise EvidenceError("文件已损坏：图片数据不完整或无法解码") from None
    return Content(page_texts=[""], pages=frames, image_size=(w, h), exif_dates=dates)


def _bomb(size: tuple[int, int] | None) -> EvidenceError:
    shown = f"（{size[0]}×{size[1]} 像素）" if size else ""
    return EvidenceError(f"图片像素数过大{shown}，疑似“解压炸弹”，未读取")


def _exif_dates(img: Image.Image) -> list[dt.date]:
    try:
        exif = img.getexif()
    except Exception:  # a damaged EXIF block loses the date, never the photo
        return []
    if not exif:
        return []
    found: list[dt.date] = []
    try:
        sub = exif.get_ifd(_EXIF_IFD)
    except Exception:
        sub = {}
    for raw in (sub.get(_DATETIME_ORIGINAL), sub.get(_DATETIME_DIGITIZED), exif.get(_DATETIME)):
        day = exif_date(raw)
        if day and day not in found:
            found.append(day)
    return found


def exif_date(raw) -> dt.date | None:
    """``2021:03:15 10:20:30`` → 2021-03-15; blank or ``0000:00:00`` → None."""
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "ignore")
    if not isinstance(raw, str):
        return None
    try:
        return dt.datetime.strptime(raw.strip()[:10], "%Y:%m:%d").date()
    except ValueError:
        return None
