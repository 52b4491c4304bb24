"""The real type of a file from its first bytes, whatever its extension claims.

County offices rename files freely (a PDF saved as ``.docx``, a web page saved as ``.xls``),
so the reader trusts the bytes and uses the extension only to tell the clerk it lies.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

# Names the real types are shown under in messages to the clerk.
TYPE_NAMES = {
    "pdf": "PDF 文件", "docx": "Word 文档（.docx）", "xlsx": "Excel 表格（.xlsx）",
    "pptx": "PowerPoint 演示文稿", "doc": "Word 97-2003 文档（.doc）", "xls": "Excel 97-2003 表格（.xls）",
    "ole2": "旧版 Office 文件", "zip": "ZIP 压缩包", "jpeg": "JPEG 图片", "png": "PNG 图片",
    "tiff": "TIFF 图片", "bmp": "BMP 图片", "gif": "GIF 图片", "webp": "WebP 图片", "rtf": "RTF 文档",
    "html": "网页（HTML）文件", "encrypted": "设有打开密码的 Office 文件", "xml": "XML 文件", "ofd": "OFD 版式文件", "rar": "RAR 压缩包",
    "7z": "7z 压缩包", "text": "纯文本文件", "empty": "空文件", "unknown": "未知格式的文件",
}

IMAGE_TYPES = frozenset({"jpeg", "png", "tiff", "bmp", "gif", "webp"})

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_bytes(data: bytes) -> str:
    """Classify ``data`` (the whole file, or at least its head for non-zip types)."""
    if not data:
        return "empty"
    head = data[:1024]
    # Some generators put junk before the header; readers accept it within the first KB.
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return "pdf"
    if head.startswith(_OLE2):
        return _ole2_kind(data)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM") and len(data) > 26:
        return "bmp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    low = stripped[:200].lower()
    if low.startswith((b"<!doctype html", b"<html", b"mime-version")) or b"<html" in low:
        return "html"
    # Web systems' "export to Excel" often writes a bare fragment: <meta …><table>…</table>.
    if low.startswith((b"<table", b"<meta", b"<head", b"<body", b"<style", b"<!--")) and b"<table" in data[:65536].lower():
        return "html"
    if low.startswith(b"<?xml"):
        return "html" if b"<html" in data[:4096].lower() else "xml"
    if _looks_like_text(head):
        return "text"
    return "unknown"


def sniff(path: Path) -> str:
    """The real type of the file at ``path``: ``pdf``, ``docx``, ``xlsx``, ``doc``, ``xls``,
    ``jpeg``, ``png``, ``tiff``, ``bmp``, … (see ``TYPE_NAMES``). Reads the file, never writes it."""
    with open(path, "rb") as f:
        head = f.read(1024)
        if head.startswith((b"PK", _OLE2)):
            # Zip and OLE2 keep their directories away from the head: they need the whole file.
            head += f.read()
    return sniff_bytes(head)


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.getinfo("mimetype").file_size < 200:
                mime = z.read("mimetype")
                if b"ofd" in mime:
                    return "ofd"
            if "OFD.xml" in names:
                return "ofd"
            if "[Content_Types].xml" in names and z.getinfo("[Content_Types].xml").file_size < 1 << 20:
                types = z.read("[Content_Types].xml")
                if b"wordprocessingml" in types:
                    return "docx"
                if b"spreadsheetml" in types:
                    return "xlsx"
                if b"presentationml" in types:
                    return "pptx"
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, EOFError):
        pass
    return "zip"


def _ole2_kind(data: bytes) -> str:
    # Directory entries hold stream names in UTF-16LE; which ones exist tells Word from Excel.
    # A password-protected .docx/.xlsx is an OLE2 package holding the encrypted OOXML file
    # (MS-OFFCRYPTO): streams EncryptionInfo and EncryptedPackage.
    if "EncryptedPackage".encode("utf-16-le") in data and "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return "xls"
    return "ole2"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError:
            continue
    return False
