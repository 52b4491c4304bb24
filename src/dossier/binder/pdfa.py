"""The 汇编 as PDF/A-2b (``dossier build --pdfa``, issue 11 §8): for archives that accept
PDF/A only.

pikepdf.pdfa does the conformance work: ``prepare`` adds the sRGB OutputIntent (GTS_PDFA1,
the ICC profile pikepdf ships), writes the XMP packet (pdfaid:part 2, conformance B, dates
equal to the Info dictionary's), sets the Print flag on annotations and drops document
JavaScript; ``save`` writes the file and validates the bytes written with pikepdf's
allowlist validator, built from veraPDF's rules for PDF/A-2b (a file it does not approve is
not written). Before that, this module clears what evidence PDFs bring along that PDF/A-2b
forbids or that the validator does not approve:

* fonts a file only names get embedded substitutes (binder/embed.py; the binder has already
  done this per evidence file, this catches the rest);
* DeviceCMYK content (office printers, scans from print shops) is tied to an ICC profile
  through /DefaultCMYK, as the sRGB OutputIntent does not describe CMYK;
* actions that run something (JavaScript, Launch, …) and additional actions (/AA) are
  removed; links keep their destinations and URIs;
* page transitions (/Trans, a slideshow effect) and /PieceInfo (private editor data) go.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

FLAVOUR = "2b"
CMYK_PROFILES = ("/usr/share/color/icc/ghostscript/default_cmyk.icc", "/usr/share/color/icc/ghostscript/ps_cmyk.icc")
_UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide",
                   "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


@dataclass
class Outcome:
    ok: bool
    findings: list[str] = field(default_factory=list)  # plain Chinese lines when not ok
    changes: list[str] = field(default_factory=list)  # what was cleared on the way, for the clerk


def convert(path: Path) -> Outcome:
    """Rewrite the PDF at ``path`` as PDF/A-2b, in place (through a temporary file), when it
    validates; otherwise leave it as it was and say why."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    import pikepdf.pdfa as pdfa

    from dossier.binder import embed

    target = path.with_name(path.name + ".pdfa")
    outcome = Outcome(ok=False)
    with pikepdf.open(path) as pdf:
        fonts = embed.substitute_all(pdf)
        outcome.changes += [f"字体 {line}" for line in fonts.problems]
        removed = _clear(pdf)
        if removed:
            outcome.changes.append(f"删除了材料中 PDF/A 不允许的自动动作 {removed} 处（脚本、启动外部程序等；链接的目标保留）")
        _default_cmyk(pdf)
        _dates(pdf)
        try:
            pdfa.save(pdf, target, FLAVOUR)
        except pdfa.PdfaError as e:
            target.unlink(missing_ok=True)
            outcome.findings = _explain(e.report)
            return outcome
    target.replace(path)
    outcome.ok = True
    return outcome


def _dates(pdf: pikepdf.Pdf) -> None:
    """Creation and modification dates in the Info dictionary and, equal, in the XMP packet."""
    import datetime as dt

    from pikepdf.models.metadata import decode_pdf_date, encode_pdf_date

    now = dt.datetime.now(dt.timezone.utc).astimezone().replace(microsecond=0)
    info = pdf.docinfo
    when = {}
    for key in ("/CreationDate", "/ModDate"):
        try:
            when[key] = decode_pdf_date(str(info[key])) if key in info and key != "/ModDate" else now
        except (ValueError, TypeError):
            when[key] = now
        info[key] = pikepdf.String(encode_pdf_date(when[key]))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["xmp:CreateDate"] = when["/CreationDate"].isoformat()
        meta["xmp:ModifyDate"] = when["/ModDate"].isoformat()
        meta["xmp:MetadataDate"] = when["/ModDate"].isoformat()


def _clear(pdf: pikepdf.Pdf) -> int:
    removed = 0
    root = pdf.Root
    for key in ("/AA", "/OpenAction"):
        action = root.get(key)
        if key == "/AA" and action is not None or isinstance(action, pikepdf.Dictionary) and _unsafe(action):
            del root[key]
            removed += 1
    for page in pdf.pages:
        obj = page.obj
        for key in ("/Trans", "/PieceInfo", "/Dur"):  # slideshow effects, editors' private data: not worth a word
            if key in obj:
                del obj[key]
        if "/AA" in obj:
            del obj["/AA"]
            removed += 1
        annots = obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if "/AA" in annot:
                del annot["/AA"]
                removed += 1
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and _unsafe(action):
                del annot["/A"]
                removed += 1
    return removed


def _unsafe(action: pikepdf.Dictionary) -> bool:
    seen = 0
    while isinstance(action, pikepdf.Dictionary) and seen < 32:
        if str(action.get("/S", "")) in _UNSAFE_ACTIONS:
            return True
        following = action.get("/Next")
        if isinstance(following, pikepdf.Array):
            return any(_unsafe(a) for a in following)
        action = following
        seen += 1
    return False


@functools.lru_cache(maxsize=1)
def cmyk_profile() -> bytes | None:
    for candidate in CMYK_PROFILES:
        try:
            return Path(candidate).read_bytes()
        except OSError:
            continue
    return None


def _default_cmyk(pdf: pikepdf.Pdf) -> None:
    """Pages and forms using DeviceCMYK get /DefaultCMYK, so their colours are ICC-based."""
    profile = cmyk_profile()
    if profile is None:
        return
    space = None
    seen: set = set()
    for page in pdf.pages:
        stack = [page.obj]
        while stack:
            holder = stack.pop()
            if holder.is_indirect:
                if holder.objgen in seen:
                    continue
                seen.add(holder.objgen)
            res = holder.get("/Resources")
            if not isinstance(res, pikepdf.Dictionary):
                continue
            xobjects = res.get("/XObject")
            if isinstance(xobjects, pikepdf.Dictionary):
                stack += [x for _, x in xobjects.items() if isinstance(x, pikepdf.Stream)
                          and x.get("/Subtype") == pikepdf.Name.Form]
            if not _uses_cmyk(holder, res):
                continue
            if space is None:
                icc = pikepdf.Stream(pdf, profile, N=4, Alternate=pikepdf.Name.DeviceCMYK)
                space = pdf.make_indirect(pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_indirect(icc)]))
            spaces = res.get("/ColorSpace")
            if not isinstance(spaces, pikepdf.Dictionary):
                spaces = res["/ColorSpace"] = pikepdf.Dictionary()
            if "/DefaultCMYK" not in spaces:
                spaces["/DefaultCMYK"] = space


def _uses_cmyk(holder, res: pikepdf.Dictionary) -> bool:
    xobjects = res.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for _, x in xobjects.items():
            if isinstance(x, pikepdf.Stream) and x.get("/ColorSpace") == pikepdf.Name.DeviceCMYK:
                return True
    spaces = res.get("/ColorSpace")
    if isinstance(spaces, pikepdf.Dictionary) and any(v == pikepdf.Name.DeviceCMYK for _, v in spaces.items()):
        return True
    try:
        target = pikepdf.Page(holder) if holder.get("/Type") == pikepdf.Name.Page else holder
        ops = pikepdf.parse_content_stream(target, "k K cs CS BI")
    except pikepdf.PdfError:
        return True
    for operands, operator in ops:
        op = str(operator)
        if op in ("k", "K"):
            return True
        if op in ("cs", "CS") and operands and operands[0] == pikepdf.Name.DeviceCMYK:
            return True
        if op == "BI":
            return True  # inline images: their colour space is not worth parsing here
    return False


def _explain(report) -> list[str]:
    """The validator's findings, one line per rule, in plain words first."""
    counts: dict[tuple[str, str], list[str]] = {}
    for f in report.findings:
        counts.setdefault((f.rule, f.message), []).append(f.where)
    lines = []
    for (rule, message), where in sorted(counts.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{message}（{rule}，{len(where)}处，如 {where[0]}）")
    return lines


def declares(path: Path) -> bool:
    """Whether the PDF at ``path`` says it is PDF/A-2 (a dossier reused from a --pdfa build)."""
    try:
        with pikepdf.open(path) as pdf, pdf.open_metadata() as meta:
            return meta.get("pdfaid:part") == "2" and str(meta.get("pdfaid:conformance", "")).upper() == "B"
    except Exception:
        return False
