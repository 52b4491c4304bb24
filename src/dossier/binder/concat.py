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


def _objects(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if obj.is_indirect and not (isinstance(obj, pikepdf.Stream) and obj.get("/Type") in _STRUCTURE):
            yield obj


def concatenate(skeleton: Path, parts: list[Path], target: Path) -> None:
    """Write ``target``: the skeleton with its placeholder pages (marked ``PLACEHOLDER``)
    replaced, in order, by the pages of ``parts``, in order."""
    with pikepdf.open(skeleton) as skel:
        root_pages = skel.Root.Pages.objgen
        placeholders = [p.obj.objgen for p in skel.pages if PLACEHOLDER in p.obj]
        skel_max = max(o.objgen[0] for o in _objects(skel))
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
                for obj in _objects(pdf):
                    og = obj.objgen
                    if og in mapping:
                        continue
                    number = base + og[0]
                    if isinstance(obj, pikepdf.Stream):
                        w.obj(number, _renumber(obj.stream_dict.unparse(), mapping, base), obj.read_raw_bytes())
                    else:
                        w.obj(number, _renumber(obj.unparse(resolved=True), mapping, base))
                    next_number = max(next_number, number + 1)
        with pikepdf.open(skeleton) as skel:
            mapping = {og: page_numbers[og] for og in placeholders}
            for obj in _objects(skel):
                og = obj.objgen
                if og in mapping:
                    continue
                if isinstance(obj, pikepdf.Stream):
                    w.obj(og[0], _renumber(obj.stream_dict.unparse(), mapping, 0), obj.read_raw_bytes())
                else:
                    w.obj(og[0], _renumber(obj.unparse(resolved=True), mapping, 0))
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
