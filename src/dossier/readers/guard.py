"""Limits that keep one hostile file from eating the machine: zip bombs inside
.docx/.xlsx and decompression-bomb images."""

from __future__ import annotations

import re
import zipfile
import zlib

from dossier.errors import EvidenceError

MAX_UNZIPPED = 200 * 1024 * 1024  # an honest office file is far below this once unpacked
MAX_RATIO = 200  # deflate rarely beats ~100:1 on real XML; bombs reach 1000:1 and more
RATIO_FLOOR = 8 * 1024 * 1024  # small members may compress absurdly well (blank sheets)
MAX_MEMBERS = 20_000
MAX_IMAGE_PIXELS = 180_000_000  # ≈ 2× Pillow's warning limit; a 100-megapixel scan still passes


def check_zip(z: zipfile.ZipFile) -> None:
    """Refuse an archive whose declared sizes promise a bomb. Python's zipfile never
    inflates a member past its declared size (a lie ends in a CRC error), so checking the
    declarations is enough for members read through it."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise EvidenceError(f"压缩包内文件数过多（{len(infos)} 个），疑似恶意文件，未读取")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise EvidenceError(
                f"文件内部压缩比异常（{info.filename} 解压后 {info.file_size // (1024 * 1024)} MB），"
                "疑似“压缩炸弹”，未读取")
    if total > MAX_UNZIPPED:
        raise EvidenceError(f"文件解压后超过 {MAX_UNZIPPED // (1024 * 1024)} MB，疑似“压缩炸弹”，未读取")


def check_zip_streams(z: zipfile.ZipFile, data: bytes) -> None:
    """For readers that unzip on their own (calamine): inflate every member with a cap, so a
    member whose header understates its size cannot expand past the limit."""
    budget = MAX_UNZIPPED
    for info in z.infolist():
        if info.compress_type == zipfile.ZIP_STORED:
            size = info.compress_size
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            size = _inflated_size(z, info, budget + 1)
        else:
            raise EvidenceError(f"文件内部使用了不支持的压缩方式（{info.filename}），未读取")
        budget -= size
        if budget < 0:
            raise EvidenceError(f"文件解压后超过 {MAX_UNZIPPED // (1024 * 1024)} MB，疑似“压缩炸弹”，未读取")


def _inflated_size(z: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    # Raw inflate of the member's bytes, bypassing the declared size the header claims.
    fp = z.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise EvidenceError("文件已损坏：压缩包结构无效")
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    d = zlib.decompressobj(-15)
    produced = 0
    left = info.compress_size
    while left > 0:
        chunk = fp.read(min(left, 1 << 16))
        if not chunk:
            break
        left -= len(chunk)
        produced += len(d.decompress(chunk, max(0, cap - produced) or 1))
        while d.unconsumed_tail and produced < cap:
            produced += len(d.decompress(d.unconsumed_tail, cap - produced))
        if produced >= cap:
            return produced
    return produced


def check_workbook_file(path) -> None:
    """The same limits for the workbooks dossier reads as settings rather than evidence
    (材料清单.xlsx, 台账, unit rosters): raises EvidenceError with the reason. A file that
    is not a zip at all is left to the spreadsheet reader, which reports it."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with z:
        check_zip(z)
        check_zip_streams(z, b"")


# pdfium inflates a page's content streams (and fonts, forms, object streams) whole while
# reading text; images it leaves alone. An honest content stream is kilobytes, a vector
# map a few tens of megabytes, a CJK font under 30 MB.
MAX_PDF_STREAM = 128 * 1024 * 1024
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")


def check_pdf_streams(data: bytes) -> None:
    """Refuse a PDF with a compressed (Flate) stream that would inflate past
    :data:`MAX_PDF_STREAM` — a "decompression bomb": 1 MB of file, gigabytes of memory.
    Inflates each such stream once with a cap, keeping nothing."""
    for m in _STREAM_START.finditer(data):
        head = data[max(0, m.start() - 4096):m.start()]
        obj = head.rfind(b" obj")
        if obj >= 0:
            head = head[obj:]
        if b"/FlateDecode" not in head and b"/Fl " not in head and b"/Fl]" not in head and b"/Fl/" not in head:
            continue
        if b"/Image" in head:
            continue  # images are decoded only when rendered, and then page by page
        end = data.find(b"endstream", m.end())
        if end < 0:
            end = len(data)
        if _inflates_beyond(data, m.end(), end, MAX_PDF_STREAM):
            raise EvidenceError(f"PDF 内部有数据解压后超过 {MAX_PDF_STREAM // (1024 * 1024)} MB，"
                                "疑似“压缩炸弹”或已损坏，未读取")


def _inflates_beyond(data: bytes, start: int, end: int, cap: int) -> bool:
    d = zlib.decompressobj()
    produced = 0
    pos = start
    try:
        while pos < end and not d.eof:
            chunk = data[pos:min(end, pos + (1 << 16))]
            pos += len(chunk)
            produced += len(d.decompress(chunk, 1 << 20))
            while d.unconsumed_tail and not d.eof:
                if produced > cap:
                    return True
                produced += len(d.decompress(d.unconsumed_tail, 1 << 20))
            if produced > cap:
                return True
    except zlib.error:
        return False  # not zlib data after all (or damaged): pdfium decides
    return produced > cap
