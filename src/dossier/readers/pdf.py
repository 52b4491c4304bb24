"""PDF: page count, sizes, rotation, text per page, encryption, scans.

The text library was chosen by measurement (text of every page; idle 2-core machine;
100/200-page Chinese PDFs made as in tests/readers/reader_makers.py):

=======================================  ============  ===========  ==========
file (fonts)                             pypdfium2     pypdf        pdfplumber
=======================================  ============  ===========  ==========
LibreOffice export (embedded subsets)    3300 pages/s  146 pages/s  11 pages/s
reportlab STSong-Light (not embedded)     125 pages/s  178 pages/s   7 pages/s
same, pdfium system-font lookup off      1000 pages/s
=======================================  ============  ===========  ==========

pdfium spends ~8 ms a page looking up a system substitute for a non-embedded CJK font
(it opens the Noto CJK collection for every page). Text extraction needs only the
font's CMap, never its glyphs, so the lookup is switched off while reading and restored
afterwards (rendering elsewhere still gets real fonts). pypdfium2 is therefore used for
every PDF; pdfplumber (layout) is left to the stages that need positions. Whole
``read_file`` (hash, text, facts) runs at ≈550 pages/s on the STSong file and ≈2000
pages/s on the LibreOffice one. pdfium separates Chinese from Latin runs with a space
("2021 年 3 月"); ``tidy_layout_text`` removes it.
"""

from __future__ import annotations

import contextlib
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from dossier.errors import EvidenceError
from dossier.readers.content import Content, PageSize, tidy_layout_text

# Below this many visible characters per page on average the text layer is only stamps
# or page numbers: the file is a scan.
SCANNED_CHARS_PER_PAGE = 8



class EncryptedPdf(EvidenceError):
    """A PDF that needs a password: reported, and marked encrypted in the index."""


_lock = threading.Lock()  # pdfium is not thread-safe


_lookup_off = 0  # nesting depth of no_system_fonts()


@contextlib.contextmanager
def no_system_fonts():
    """Switch pdfium's system-font lookup off while reading text (≈3–8× faster on PDFs with
    non-embedded CJK fonts; text needs the font's CMap, never its glyphs). Do not render
    pages inside it: they would show without those fonts. May be nested."""
    global _lookup_off
    if _lookup_off == 0:
        pdfium_c.FPDF_SetSystemFontInfo(None)
    _lookup_off += 1
    try:
        yield
    finally:
        _lookup_off -= 1
        if _lookup_off == 0:
            # pdfium takes ownership and releases what it was given when it is replaced, so
            # each restore hands over a fresh default (reusing one crashes on the next swap).
            pdfium_c.FPDF_SetSystemFontInfo(pdfium_c.FPDF_GetDefaultSystemFontInfo())


_no_system_fonts = no_system_fonts  # the name other modules used before it was public


def read_pdf(data: bytes) -> Content:
    with _lock, no_system_fonts():
        return _read(data)


def _read(data: bytes) -> Content:
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        text = str(e).lower()
        if "password" in text:
            raise EncryptedPdf("PDF 已加密，无法读取（请提供未加密的版本）") from None
        if "security" in text:
            raise EncryptedPdf("PDF 使用了不支持的加密方式，无法读取（请提供未加密的版本）") from None
        raise EvidenceError("文件已损坏：不是有效的 PDF") from None
    try:
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(doc.raw) != -1
        try:
            meta_title = (doc.get_metadata_value("Title") or "").strip()
        except Exception:  # metadata is a hint; a broken info dictionary must not cost the text
            meta_title = ""
        count = len(doc)
        if count == 0:
            raise EvidenceError("PDF 没有任何页面")
        texts: list[str] = []
        sizes: list[PageSize] = []
        for i in range(count):
            try:
                page = doc[i]
            except pdfium.PdfiumError:
                raise EvidenceError(f"文件已损坏：PDF 第 {i + 1} 页无法读取") from None
            try:
                w, h = page.get_size()
                sizes.append(PageSize(round(w, 2), round(h, 2), page.get_rotation()))
                textpage = page.get_textpage()
                try:
                    texts.append(tidy_layout_text(textpage.get_text_range()))
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        doc.close()
    texts = [("" if garbled(t) else t) for t in texts]
    visible = [len("".join(t.split())) for t in texts]
    return Content(page_texts=texts, pages=count, encrypted=encrypted, page_sizes=sizes, meta_title=meta_title,
                   scanned=sum(visible) < SCANNED_CHARS_PER_PAGE * count,
                   scanned_pages=[n for n, v in enumerate(visible, 1) if v < SCANNED_CHARS_PER_PAGE])


def garbled(text: str) -> bool:
    """A text layer whose fonts lack a Unicode map comes out as private-use or replacement
    characters: no better than no text layer (its "facts" would be noise)."""
    visible = [c for c in text if not c.isspace()]
    if len(visible) < 4:
        return False
    bad = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or c < " ")
    return bad * 3 > len(visible)
