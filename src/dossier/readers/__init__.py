"""Read one evidence file once: its bytes, its real type, its text, and the facts the
text shows (title, 文号, issuer, evidence date, kind).

``read_file`` never raises for a bad file: the returned EvidenceFile carries a plain
Chinese ``error`` instead, and the run goes on (CONTRACT.md §5). Files are opened
read-only, read into memory once (hash and parse from the same bytes) and never written.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from dossier import extract
from dossier.errors import EvidenceError
from dossier.office import sha256_or_empty
from dossier.readers.content import Content, PageSize
from dossier.readers.sniff import IMAGE_TYPES, TYPE_NAMES, sniff, sniff_bytes
from dossier.records import EvidenceFile

__all__ = ["read_file", "read", "Reading", "with_ocr", "PageSize", "sniff", "sniff_bytes", "convert_legacy",
           "SUPPORTED_EXTENSIONS", "LEGACY_EXTENSIONS", "format_of_extension"]

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")
LEGACY_EXTENSIONS = (".doc", ".wps", ".xls", ".et")
SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".xlsx", *LEGACY_EXTENSIONS, *IMAGE_EXTENSIONS)

# Files are read whole into memory (hash + parse from one read); larger ones are refused
# rather than risk exhausting a clerk's office PC.
MAX_IN_MEMORY = 512 * 1024 * 1024

# Real types a legacy extension may hold without the extension lying: LibreOffice reads
# them all (Word saves RTF as .doc, web systems export HTML as .xls).
_LEGACY_OK = {
    ".doc": {"doc", "ole2", "rtf", "html", "xml"}, ".wps": {"doc", "ole2", "rtf", "html", "xml"},
    ".xls": {"xls", "ole2", "html", "xml"}, ".et": {"xls", "ole2", "html", "xml"},
}
_EXPECTED = {".pdf": {"pdf"}, ".docx": {"docx"}, ".xlsx": {"xlsx"}, **_LEGACY_OK,
             **{ext: set(IMAGE_TYPES) for ext in IMAGE_EXTENSIONS}}


def format_of_extension(name: str) -> str:
    """EvidenceFile.format for a file name: pdf, docx, doc, wps, xlsx, xls, et, image, unsupported."""
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in SUPPORTED_EXTENSIONS:
        return suffix[1:]
    return "unsupported"


@dataclass(frozen=True)
class Reading:
    """Everything read from one file: the EvidenceFile record plus what it has no field
    for (page sizes for the binder, image size, EXIF dates, sheet names, the real type)."""

    evidence: EvidenceFile
    real_type: str = ""
    page_sizes: tuple[PageSize, ...] = ()
    scanned_pages: tuple[int, ...] = ()  # 1-based PDF pages without a text layer (for OCR)
    image_size: tuple[int, int] | None = None
    exif_dates: tuple = ()
    sheets: tuple[str, ...] = ()
    converted: Path | None = None  # the modern copy a legacy file was read from
    meta_title: str = ""


def read_file(root: Path, rel: str, *, legacy_cache: Path | None = None) -> EvidenceFile:
    """Read ``root/rel`` (``rel`` project-relative, POSIX). Never raises for a bad file."""
    return read(root, rel, legacy_cache=legacy_cache).evidence


def read(root: Path, rel: str, *, legacy_cache: Path | None = None,
         converted: Path | str | None = None) -> Reading:
    """Like read_file, with the extras. ``converted`` is what ``convert_legacy`` returned for
    this file (a path or an error), when the caller batch-converted beforehand."""
    rel = unicodedata.normalize("NFC", str(rel).replace("\\", "/"))
    try:
        return _read(Path(root), rel, legacy_cache, converted)
    except EvidenceError as e:
        return Reading(_failed(rel, e.reason))
    except Exception as e:  # the boundary: one file's surprise must not stop the run
        return Reading(_failed(rel, _unexpected(e)))


def convert_legacy(root: Path, rels: list[str], cache: Path | None) -> dict[str, Path | str]:
    """Convert every legacy file (.doc .wps .xls .et) among ``rels`` in one LibreOffice run
    per target format, cached by content in ``cache``: {rel: converted path or Chinese
    error}. Files whose bytes are really a modern format need no conversion and are left
    out. Pass each result to ``read(..., converted=…)`` (or just ``legacy_cache=cache``
    to read_file: the cache then answers without running LibreOffice again)."""
    from dossier.readers.legacy import convert_paths

    root = Path(root)
    paths: dict[str, Path] = {}
    for rel in rels:
        if Path(rel).suffix.lower() not in LEGACY_EXTENSIONS:
            continue
        try:
            path = _locate(root, unicodedata.normalize("NFC", rel))
            if sniff(path) not in _LEGACY_OK[path.suffix.lower()]:
                continue
        except (OSError, EvidenceError):
            continue  # read() reports it
        paths[rel] = path
    return convert_paths(paths, cache)


# --------------------------------------------------------------------------- internals


def _unexpected(e: BaseException) -> str:
    if isinstance(e, MemoryError):
        return "文件过大，内存不足，无法读取"
    if isinstance(e, RecursionError):
        return "文件结构嵌套过深，疑似损坏或恶意文件，未读取"
    return f"文件无法读取（{type(e).__name__}），可能已损坏"


def _failed(rel: str, reason: str, **known) -> EvidenceFile:
    fields = dict(sha256="", size=0, mtime=0.0, format=format_of_extension(rel))
    fields.update(known)
    return EvidenceFile(path=rel, error=reason, **fields)


def _locate(root: Path, rel: str) -> Path:
    """The file on disk for an NFC ``rel``: names stored in another Unicode normalisation
    (macOS writes NFD) are matched component by component. Never leaves ``root``."""
    path = root
    for part in Path(rel).parts:
        if part in ("..", "/") or Path(part).is_absolute():
            raise EvidenceError("路径指向项目文件夹之外，未读取")
        candidate = path / part
        if not os.path.lexists(candidate):
            wanted = unicodedata.normalize("NFC", part)
            try:
                match = next((name for name in os.listdir(path)
                              if unicodedata.normalize("NFC", name) == wanted), None)
            except OSError:
                match = None
            if match is None:
                raise EvidenceError("文件不存在（可能已被移动或删除）")
            candidate = path / match
        path = candidate
    resolved = path.resolve()
    root_resolved = root.resolve()
    if resolved != root_resolved and root_resolved not in resolved.parents:
        raise EvidenceError("链接指向项目文件夹之外，未读取")
    return path


def _read(root: Path, rel: str, legacy_cache: Path | None, converted: Path | str | None) -> Reading:
    path = _locate(root, rel)
    fmt = format_of_extension(rel)
    try:
        st = path.stat()
    except PermissionError:
        raise EvidenceError("无权限读取此文件（请检查文件权限）") from None
    except OSError:
        raise EvidenceError("文件无法访问（可能是失效的链接）") from None
    if not stat.S_ISREG(st.st_mode):
        raise EvidenceError("不是普通文件，未读取")
    known = dict(size=st.st_size, mtime=st.st_mtime, format=fmt)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        shown = suffix or "（无扩展名）"
        return Reading(_failed(rel, f"不支持的文件类型 {shown}", sha256=sha256_or_empty(path), **known))
    if st.st_size == 0:
        return Reading(_failed(rel, "文件为空（0 字节）", sha256=hashlib.sha256(b"").hexdigest(), **known))
    try:
        data, digest = _load(path, st.st_size)
    except EvidenceError as e:
        return Reading(_failed(rel, e.reason, **known))
    known["sha256"] = digest
    try:
        real = sniff_bytes(data)
        return _read_content(rel, path, suffix, real, data, known, legacy_cache, converted)
    except EvidenceError as e:
        from dossier.readers.pdf import EncryptedPdf
        return Reading(_failed(rel, e.reason, encrypted=isinstance(e, (EncryptedPdf, EncryptedOffice)), **known))
    except Exception as e:  # keep what is known (hash, size) even when a parser surprises us
        return Reading(_failed(rel, _unexpected(e), **known))


class EncryptedOffice(EvidenceError):
    """A password-protected Word/Excel file: nothing can be read without the password."""


ENCRYPTED_OFFICE = "文件已加密（设有打开密码），无法读取；请在 Word/WPS/Excel 中去掉打开密码后重新提供"


def _read_content(rel, path, suffix, real, data, known, legacy_cache, converted) -> Reading:
    fmt = known["format"]
    if real == "encrypted":
        # Whatever its extension, a lie about it is not the clerk's problem here: the password is.
        raise EncryptedOffice(ENCRYPTED_OFFICE)
    lie = None
    if real not in _EXPECTED[suffix]:
        shown = TYPE_NAMES.get(real, TYPE_NAMES["unknown"])
        lie = f"扩展名为 {suffix}，但实际是{' ' if shown[:1].isascii() else ''}{shown}"
        if real not in ("pdf", "docx", "xlsx", *IMAGE_TYPES):
            if real in ("empty", "text", "unknown", "zip") and suffix in (".pdf", ".docx", ".xlsx"):
                raise EvidenceError(_corrupt_message(suffix))
            raise EvidenceError(f"{lie}，无法读取（请改正扩展名后重新提供）")
    kind_of_data = real if lie else {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}.get(suffix, real)
    modern = None
    if suffix in LEGACY_EXTENSIONS and not lie:
        modern = _legacy_copy(path, suffix, known["sha256"], legacy_cache, converted)
        data = modern.read_bytes()
        kind_of_data = "docx" if suffix in (".doc", ".wps") else "xlsx"
    content = _parse(kind_of_data, data)
    if lie:
        fmt = "image" if kind_of_data in IMAGE_TYPES else kind_of_data
    evidence = _evidence(rel, fmt, known, content, error=f"{lie}（请改正扩展名后重新提供）" if lie else None)
    return Reading(evidence, real_type=real, page_sizes=tuple(content.page_sizes),
                   scanned_pages=tuple(content.scanned_pages),
                   image_size=content.image_size, exif_dates=tuple(content.exif_dates),
                   sheets=tuple(content.sheets), converted=modern, meta_title=content.meta_title)


def _corrupt_message(suffix: str) -> str:
    return {".pdf": "文件已损坏：不是有效的 PDF", ".docx": "文件已损坏：不是有效的 Word 文档（.docx）",
            ".xlsx": "文件已损坏：不是有效的 Excel 表格（.xlsx）"}[suffix]


def _parse(kind: str, data: bytes) -> Content:
    if kind == "pdf":
        from dossier.readers.guard import check_pdf_streams
        from dossier.readers.pdf import read_pdf
        check_pdf_streams(data)
        return read_pdf(data)
    if kind == "docx":
        from dossier.readers.word import read_docx
        return read_docx(data)
    if kind == "xlsx":
        from dossier.readers.sheet import read_xlsx
        return read_xlsx(data)
    if kind in IMAGE_TYPES:
        from dossier.readers.image import read_image
        return read_image(data)
    raise EvidenceError(f"文件已损坏：无法识别的{TYPE_NAMES.get(kind, '文件')}")


def _legacy_copy(path: Path, suffix: str, digest: str, cache: Path | None,
                 converted: Path | str | None) -> Path:
    if isinstance(converted, str):
        raise EvidenceError(converted)
    if converted is not None:
        return Path(converted)
    from dossier.readers.legacy import convert_paths

    done = convert_paths({"it": path}, cache, hashes={path: digest})["it"]
    if isinstance(done, str):
        raise EvidenceError(done)
    return done


def _evidence(rel: str, fmt: str, known: dict, content: Content, error: str | None) -> EvidenceFile:
    texts = tuple(content.page_texts)
    if fmt == "image":
        legible = content.image_size is not None and min(content.image_size) >= MIN_OCR_SIDE
        scanned = tuple(range(1, min(content.pages or 1, MAX_OCR_FRAMES) + 1)) if legible else ()
    else:
        scanned = tuple(content.scanned_pages)
    ef = EvidenceFile(
        path=rel, sha256=known["sha256"], size=known["size"], mtime=known["mtime"], format=fmt,
        pages=content.pages, scanned=content.scanned, encrypted=content.encrypted, error=error,
        page_texts=texts, scanned_pages=scanned)
    return _with_facts(ef, meta_title=content.meta_title, exif_dates=tuple(content.exif_dates))


def _with_facts(ef: EvidenceFile, *, meta_title: str = "", exif_dates: tuple = (), ocr: bool = False) -> EvidenceFile:
    """``ef`` with title, kind, dates, 文号 and issuer found in its page texts."""
    rel, fmt, texts = ef.path, ef.format, ef.page_texts
    text = "\n".join(texts)
    if fmt in ("xlsx", "xls", "et"):
        # A sheet's first line is its tab name ("Sheet1"): no title there.
        title_source = "\n".join(t.split("\n", 1)[1] if "\n" in t else "" for t in texts)
    else:
        title_source = text
    title = extract.title_of(title_source, "")
    if not title and _useful_meta_title(meta_title):
        title = meta_title
    kind_format = fmt
    if fmt == "image" and ocr and document_like(title, text):
        kind_format = ""  # a scanned or photographed document: its words decide, not its format
    elif fmt == "image":
        title = ""  # a photo's banner is no title: the clerk's file name says more
    title = title or extract.name_title(rel)
    day, source = extract.evidence_date(text, rel)
    dates = extract.all_dates(text)
    for exif_day in exif_dates:
        if exif_day not in dates:
            dates += (exif_day,)
    return replace(ef, title=title, kind=extract.infer_kind(title, text, kind_format), date=day,
                   date_source=source, dates=dates, doc_number=extract.find_doc_number(text),
                   issuer=extract.find_issuer(text))


# An image whose recognised text has a heading and this many Chinese characters is a document
# (a scanned 通知, a photographed 承诺书), not a photo of an event with a banner.
DOCUMENT_CHARS = 40
MAX_OCR_FRAMES = 50  # frames of a multi-page TIFF that are OCR'd
MIN_OCR_SIDE = 100  # a smaller image (an icon, a thumbnail) holds no legible line of text


def document_like(title: str, text: str) -> bool:
    return bool(title) and sum(1 for c in text if "\u4e00" <= c <= "\u9fff") >= DOCUMENT_CHARS


def with_ocr(ef: EvidenceFile, pages: dict) -> EvidenceFile:
    """``ef`` with the OCR text of ``pages`` ({1-based page: OcrPage}) in place of the missing
    text layer, and every fact found again from the whole text (CONTRACT.md §8: OCR text
    counts exactly like a text layer). Dates the camera wrote (EXIF) are kept."""
    texts = list(ef.page_texts) + [""] * max(0, (ef.pages or 0) - len(ef.page_texts))
    used = 0
    for page, result in pages.items():
        if 1 <= page <= len(texts) and result.text and not result.error:
            texts[page - 1] = result.text
            used += 1
    seal = any(r.seal for r in pages.values()) if pages else None
    exif = tuple(d for d in ef.dates if d not in extract.all_dates(ef.text))
    out = replace(ef, page_texts=tuple(texts), ocr_pages=used, seal=seal)
    return _with_facts(out, exif_dates=exif, ocr=True)


def _useful_meta_title(title: str) -> bool:
    # Word fills the property from templates ("Microsoft Word - 1.doc", "PowerPoint 演示文稿").
    t = (title or "").strip()
    return 2 <= len(t) <= 80 and not t.lower().startswith(("microsoft", "untitled", "wps")) \
        and any("\u4e00" <= c <= "\u9fff" for c in t)


def _load(path: Path, size: int) -> tuple[bytes, str]:
    if size > MAX_IN_MEMORY:
        raise EvidenceError(f"文件过大（{size // (1024 * 1024)} MB），未读取")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except PermissionError:
        raise EvidenceError("无权限读取此文件（请检查文件权限）") from None
    except IsADirectoryError:
        raise EvidenceError("不是普通文件，未读取") from None
    return data, hashlib.sha256(data).hexdigest()
