"""Join PDF files into one by streaming their objects to disk, never holding their content.

Why not pikepdf/qpdf: adding a page from another file copies its stream data into memory
until the output is saved (≈1.8× the data: ≈900 MiB for a 10,000-page dossier; issue 7's
limit is 1 GiB for the whole build). Here each part is a complete PDF written by qpdf (best
without object streams, which cost a decompression); its objects are written out one at a
time, renumbered, with stream data copied as stored (still encoded).

The structure comes from a *skeleton*: a small PDF holding the real front pages, one empty
placeholder page per body page, and everything that points at pages (目录 links, bookmarks,
page labels, metadata). Each placeholder is replaced by the body page in the same position,
taken from the body parts in order; every part's own page-tree root becomes the skeleton's.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pikepdf

PLACEHOLDER = "/DossierPlaceholder"  # marks a skeleton page standing for a body page
# A reference "12 0 R" outside strings. Strings are matched first and kept as they are (qpdf
# escapes parentheses inside literal strings, so they never nest); names cannot hide one
# either, as qpdf writes their spaces and delimiters as #xx.
_TOKENS = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R", re.S)


class _Writer:
    def __init__(self, f):
        self.f = f
        self.pos = 0
        self.offsets: dict[int, int] = {}

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.pos += len(data)

    def obj(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.pos
        self.write(b"%d 0 obj\n" % number)
        self.write(body)
        if stream is not None:
            self.write(b"\nstream\n")
            self.write(stream)
            self.write(b"\nendstream")
        self.write(b"\nendobj\n")


def _renumber(data: bytes, mapping: dict[tuple[int, int], int], base: int) -> bytes:
    def repl(m: re.Match) -> bytes:
        if m.group(1) is None:
            return m.group(0)
        og = (int(m.group(1)), int(m.group(2)))
        new = mapping.get(og)
        if new is None:
            new = base + og[0]
        return b"%d 0 R" % new if new > 0 else b"null"

    return _TOKENS.sub(repl, data)


# Containers of the source's own file structure: their objects are read out one by one and
# this file has its own xref table, so copied they would only be dead weight.
_STRUCTURE = ("/ObjStm", "/XRef")


def _scalar(value) -> bytes:
    """PDF syntax of an indirect object pikepdf hands back as a plain Python value: an
    indirect integer (as "Microsoft: Print To PDF" writes for lengths and counts), real,
    boolean or null."""
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, (Decimal, float)):
        text = format(Decimal(value).normalize(), "f")
        return text.encode()
    raise TypeError(f"unexpected PDF object {value!r}")


def _objects(pdf: pikepdf.Pdf):
    """(number, object) of every object in a file qpdf wrote (numbered 1 … /Size − 1, generation
    0). Indirect scalars come back from pikepdf as Python values, which carry no number: that is
    why the numbers come from the cross-reference table, not from the objects."""
    size = int(pdf.trailer.get("/Size", 0))
    for number in range(1, size):
        try:
            obj = pdf.get_object((number, 0))
        except (pikepdf.PdfError, ValueError):
            continue
        if isinstance(obj, pikepdf.Object):
            if not obj.is_indirect or obj.objgen != (number, 0):
                continue
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") in _STRUCTURE:
                continue
        elif obj is None:
            continue  # a free entry (or a null, which any reference to it reads the same)
        yield number, obj


def _unparse(obj, mapping: dict[tuple[int, int], int], base: int) -> tuple[bytes, bytes | None]:
    """(body, raw stream data or None) of one object, its references renumbered."""
    if not isinstance(obj, pikepdf.Object):
        return _scalar(obj), None
    if isinstance(obj, pikepdf.Stream):
        return _renumber(obj.stream_dict.unparse(), mapping, base), obj.read_raw_bytes()
    return _renumber(obj.unparse(resolved=True), mapping, base), None


def concatenate(skeleton: Path, parts: list[Path], target: Path) -> None:
    """Write ``target``: the skeleton with its placeholder pages (marked ``PLACEHOLDER``)
    replaced, in order, by the pages of ``parts``, in order."""
    with pikepdf.open(skeleton) as skel:
        root_pages = skel.Root.Pages.objgen
        placeholders = [p.obj.objgen for p in skel.pages if PLACEHOLDER in p.obj]
        skel_max = max((number for number, _ in _objects(skel)), default=0)
    next_number = skel_max + 1
    slots = iter(placeholders)
    with open(target, "wb") as f:
        w = _Writer(f)
        w.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        page_numbers: dict[tuple[int, int], int] = {}  # skeleton placeholder → real page number
        for part in parts:
            with pikepdf.open(part) as pdf:
                mapping: dict[tuple[int, int], int] = {pdf.Root.objgen: 0, pdf.Root.Pages.objgen: root_pages[0]}
                base = next_number - 1
                for page in pdf.pages:
                    slot = next(slots)
                    page_numbers[slot] = base + page.obj.objgen[0]
                for own, obj in _objects(pdf):
                    if (own, 0) in mapping:
                        continue
                    number = base + own
                    w.obj(number, *_unparse(obj, mapping, base))
                    next_number = max(next_number, number + 1)
        with pikepdf.open(skeleton) as skel:
            mapping = {og: page_numbers[og] for og in placeholders}
            for own, obj in _objects(skel):
                if (own, 0) in mapping:
                    continue
                w.obj(own, *_unparse(obj, mapping, 0))
            trailer = {"/Root": skel.trailer.get("/Root"), "/Info": skel.trailer.get("/Info")}
            info = trailer["/Info"]
            xref_at = w.pos
            size = next_number
            w.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
            for number in range(1, size):
                offset = w.offsets.get(number)
                w.write(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
            ident = hashlib.md5(str(target).encode() + str(w.pos).encode()).hexdigest().upper().encode()
            w.write(b"trailer\n<< /Size %d /Root %d 0 R" % (size, trailer["/Root"].objgen[0]))
            if info is not None and info.is_indirect:
                w.write(b" /Info %d 0 R" % info.objgen[0])
            w.write(b" /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (ident, ident, xref_at))


def probe(pdf: pikepdf.Pdf) -> None:
    """Serialise every object of ``pdf`` as :func:`concatenate` would (nothing written): raises
    what concatenating it would raise."""
    for _, obj in _objects(pdf):
        _unparse(obj, {}, 0)
