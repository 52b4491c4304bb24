"""Photo evidence: size, EXIF date (kept among the dates, never the evidence date),
the file-name date, damaged and hostile images."""

from __future__ import annotations

import datetime as dt

from PIL import Image
from reader_makers import make_photo

from dossier.readers import read, read_file


def test_photo_with_exif_date_and_name_date(project):
    """A photo is a 照片 of one page; its EXIF date is listed among its dates but the
    evidence date comes from the file name (CONTRACT §3 has no EXIF step).
    This test ensures that camera clocks never decide which period a photo counts for."""
    make_photo(project / "材料" / "2021年6月1日 六一活动.jpg", taken="2019:01:02 08:30:00", size=(800, 600))
    r = read(project, "材料/2021年6月1日 六一活动.jpg")
    ev = r.evidence
    assert ev.ok and ev.format == "image" and ev.kind == "照片" and ev.pages == 1
    assert r.image_size == (800, 600)
    assert dt.date(2019, 1, 2) in ev.dates and r.exif_dates == (dt.date(2019, 1, 2),)
    assert (ev.date, ev.date_source) == (dt.date(2021, 6, 1), "文件名")
    assert ev.title == "2021年6月1日 六一活动"


def test_photo_without_any_date_is_undated(project):
    """A PNG with no EXIF and no date in its name has no evidence date.
    This test ensures that file times (mtime) are never used as dates."""
    make_photo(project / "材料" / "现场.png", fmt="PNG")
    ev = read_file(project, "材料/现场.png")
    assert ev.ok and ev.date is None and ev.date_source == "" and ev.dates == ()


def test_tiff_and_bmp_and_compact_name_date(project):
    """Multi-page TIFF counts its frames; BMP reads; 20210315 in a name is a date.
    This test ensures that every supported image type is read."""
    frames = [Image.new("RGB", (100, 100), c) for c in ("red", "green", "blue")]
    frames[0].save(project / "材料" / "20210315扫描.tif", save_all=True, append_images=frames[1:])
    Image.new("RGB", (50, 40), "white").save(project / "材料" / "签到.bmp")
    tif = read_file(project, "材料/20210315扫描.tif")
    assert tif.ok and tif.pages == 3 and tif.date == dt.date(2021, 3, 15)
    bmp = read(project, "材料/签到.bmp")
    assert bmp.evidence.ok and bmp.image_size == (50, 40)


def test_png_named_jpg_is_fine(project):
    """A PNG saved as .jpg is still a photo: image types are interchangeable for the clerk.
    This test ensures that harmless extension slips among images are not errors."""
    make_photo(project / "材料" / "合影.jpg", fmt="PNG")
    ev = read_file(project, "材料/合影.jpg")
    assert ev.ok and ev.kind == "照片"


def test_truncated_jpeg_is_an_error(project):
    """A photo cut off mid-transfer fails with a plain reason.
    This test ensures that a broken photo is caught when indexing, not when binding."""
    whole = make_photo(project / "whole.jpg", size=(1200, 900))
    (project / "材料" / "半张.jpg").write_bytes(whole.read_bytes()[:700])
    ev = read_file(project, "材料/半张.jpg")
    assert ev.error in ("文件已损坏：图片数据不完整或无法解码", "文件已损坏：不是有效的图片")


def test_decompression_bomb_image_is_refused(project):
    """A small PNG declaring 20000×20000 pixels is refused without decoding, with no warning.
    This test ensures that a hostile image cannot exhaust memory."""
    import struct
    import warnings
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 20001 * 16)  # a few rows; the rest is never reached
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    (project / "材料" / "炸弹.png").write_bytes(png)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = read_file(project, "材料/炸弹.png")
    assert ev.error.startswith("图片像素数过大") and ev.error.endswith("疑似“解压炸弹”，未读取")
