"""Embedded substitutes for the fonts an evidence PDF only names (issue 11 §8).

PDFs made by reportlab, old Word "Save as PDF" and many office printers name a font without
embedding it: STSong-Light (a Type0 font over the Adobe-GB1 character collection), Helvetica,
Times, SimSun… Each reader then draws whatever it finds, and a PDF/A file may not do this at
all. The binder binds a copy of such a file (the evidence is never modified) in which each
named-only font carries a font program of its own:

* CID fonts: the descendant becomes a CIDFontType2 embedding a TrueType Chinese font (AR PL
  SungtiL for 宋/仿宋/黑 styles, AR PL KaitiM for 楷) subset with fontTools to the glyphs shown,
  with a /CIDToGIDMap built from the collection's CID → Unicode table (pdfminer's copy of
  Adobe's tables: Adobe-GB1 for STSong-Light) or, for Identity fonts, from the /ToUnicode map.
  The /W widths stay, and the subset's advance widths are set to them, so the layout does
  not move and the font program agrees with the widths (a PDF/A rule). A /ToUnicode map is
  added when missing, so extracting text gives the same characters.
* Simple fonts (the standard 14 and their Arial/Times New Roman/Courier New cousins): the
  metric-compatible URW base35 fonts (Nimbus Sans/Roman/Mono PS, Standard Symbols PS,
  D050000L) as a bare CFF program (/FontFile3 /Type1C), keeping /Encoding and /Widths
  (computed from the substitute when the file has none).

Done once per content hash: a marker in the PDF cache records whether a copy was needed and
which fonts could not be substituted; a warm build opens nothing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from dossier import atomic

EMBED_VERSION = 5
URW_DIRS = ("/usr/share/fonts/opentype/urw-base35", "/usr/share/fonts/type1/urw-base35")
SONG = ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", "/usr/share/fonts/truetype/arphic/gbsn00lp.ttf")
KAI = ("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", "/usr/share/fonts/truetype/arphic/gkai00mp.ttf")
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
# Tables a PDF reader never uses (it positions glyphs itself); decoding them is most of the work.
_DROP = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "DSIG", "mort", "morx", "kern"]


class Unsubstitutable(Exception):
    """A font that gets no substitute; the message is the plain Chinese reason."""


@dataclass
class Outcome:
    file: Path  # what to bind: the copy with substitutes, or the file itself
    substituted: list[str] = field(default_factory=list)  # font names given a substitute
    problems: list[str] = field(default_factory=list)  # "字体名：原因" for fonts left as they were


def bindable(file: Path, key: str, cache_dir: Path) -> Outcome:
    """The file to bind for ``file`` (content-keyed by ``key``): itself when every font it uses
    is embedded, else a cached copy with embedded substitutes. Never raises."""
    marker = _marker(cache_dir, key)
    copy = cache_dir / f"fonts-{key}-v{EMBED_VERSION}.pdf"
    try:
        known = json.loads(marker.read_text(encoding="utf-8"))
        if not known["copy"] or copy.is_file():
            return Outcome(copy if known["copy"] else file, known["substituted"], known["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        outcome = embed_file(file, copy)
    except (pikepdf.PdfError, pikepdf.PasswordError, RecursionError):
        outcome = Outcome(file)  # unreadable: opening it for binding says why, once
    except Exception as e:  # an odd file is bound as it is; its fonts are reported
        outcome = Outcome(file, [], [f"无法检查字体（{_short(e)}）"])
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_text(marker, json.dumps({"copy": outcome.file == copy, "substituted": outcome.substituted,
                                              "problems": outcome.problems}, ensure_ascii=False))
    except OSError:
        pass
    return outcome


PARALLEL_FROM = 8  # files not yet looked at; below this, starting worker processes costs more


def bindable_many(files: list[tuple[Path, str]], cache_dir: Path) -> list[Outcome]:
    """:func:`bindable` for each (file, key), the files not seen before in two processes when many."""
    fresh = [i for i, (_, key) in enumerate(files) if not _marker(cache_dir, key).is_file()]
    outcomes: list[Outcome | None] = [None] * len(files)
    if len(fresh) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            done = pool.map(bindable, [files[i][0] for i in fresh], [files[i][1] for i in fresh],
                            [cache_dir] * len(fresh), chunksize=4)
            for i, outcome in zip(fresh, done):
                outcomes[i] = outcome
    return [o if o is not None else bindable(f, k, cache_dir) for o, (f, k) in zip(outcomes, files)]


def _marker(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"fonts-{key}-v{EMBED_VERSION}.json"


def embed_file(source: Path, target: Path) -> Outcome:
    """Write ``target``, a copy of ``source`` with substitutes embedded, when it needs one."""
    with pikepdf.open(source) as pdf:
        outcome = substitute_all(pdf)
        outcome.file = target
        if not outcome.substituted:
            return Outcome(source, [], outcome.problems)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        pdf.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        tmp.replace(target)
        return outcome


def substitute_all(pdf: pikepdf.Pdf) -> Outcome:
    """Give every named-only font of the open ``pdf`` an embedded substitute, in place."""
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "table not subset; dropped" is expected
    outcome = Outcome(Path())
    found = named_only(pdf)
    if not found:
        return outcome
    shown = shown_codes(pdf, set(found))
    # A viewer may draw a form field's value itself (NeedAppearances) with the form's default
    # fonts: a simple one keeps its whole Latin set, not just what the pages show.
    form_fonts = _form_fonts(pdf)
    for og, font in found.items():
        name = font_name(font)
        try:
            if font.get("/Subtype") == pikepdf.Name.Type0:
                note = _substitute_cid(pdf, font, shown.get(og, []))
            else:
                note = _substitute_simple(pdf, font, shown.get(og, []), complete=og in form_fonts)
            outcome.substituted.append(name)
            if note:
                outcome.problems.append(f"{name}：{note}")
        except Unsubstitutable as e:
            outcome.problems.append(f"{name}：{e}")
        except Exception as e:  # one odd font must not cost the file its other substitutes
            outcome.problems.append(f"{name}：无法替换（{_short(e)}）")
    return outcome


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:120]


def font_name(font) -> str:
    """The font's /BaseFont as a person reads it: Chinese Windows writes 宋体 as GBK bytes."""
    name = font.get("/BaseFont")
    if not isinstance(name, pikepdf.Name):
        return "未命名字体"
    raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name.unparse())[1:]
    for codec in ("utf-8", "gbk"):
        try:
            return raw.decode(codec) or "未命名字体"
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


# Chinese faces named by a simple (one byte a code) font: Windows' old "Save as PDF" wrote GBK
# text this way, which only a reader holding the very font shows as Chinese.
_CJK_NAMES = ("simsun", "simhei", "fangsong", "kaiti", "stsong", "stheiti", "stkaiti", "stfangsong", "nsimsun",
              "microsoftyahei", "dengxian", "songti", "heiti", "fzxiaobiaosong", "fangzheng")


# ---------------------------------------------------------------------------------------------
# Which fonts, and which codes they show


def _is_embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name.Type3:
        return True  # glyphs are content streams
    if subtype == pikepdf.Name.Type0:
        kids = font.get("/DescendantFonts")
        if not isinstance(kids, pikepdf.Array) or len(kids) == 0:
            return True  # broken: nothing to substitute into; readers show nothing either
        font = kids[0]
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(k in descriptor for k in _FONT_FILES)


def _resource_holders(pdf: pikepdf.Pdf):
    """Every (content stream or page, resources) pair of the document: pages, their form
    XObjects, annotation appearances, tiling patterns and Type3 glyph procedures."""
    seen: set = set()

    def walk(holder, resources):
        if isinstance(holder, pikepdf.Object) and holder.is_indirect:
            if holder.objgen in seen:
                return
            seen.add(holder.objgen)
        own = holder.get("/Resources") if isinstance(holder, (pikepdf.Dictionary, pikepdf.Stream)) else None
        res = own if isinstance(own, pikepdf.Dictionary) else resources
        yield holder, res
        if not isinstance(res, pikepdf.Dictionary):
            return
        for group in ("/XObject", "/Pattern"):
            items = res.get(group)
            if isinstance(items, pikepdf.Dictionary):
                for _, x in items.items():
                    if isinstance(x, pikepdf.Stream) and (x.get("/Subtype") == pikepdf.Name.Form
                                                          or x.get("/PatternType") == 1):
                        yield from walk(x, res)
        fonts = res.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for _, f in fonts.items():
                if isinstance(f, pikepdf.Dictionary) and f.get("/Subtype") == pikepdf.Name.Type3:
                    procs = f.get("/CharProcs")
                    if isinstance(procs, pikepdf.Dictionary):
                        for _, proc in procs.items():
                            if isinstance(proc, pikepdf.Stream):
                                yield from walk(proc, f.get("/Resources", res))

    for page in pdf.pages:
        yield from walk(page.obj, page.obj.get("/Resources"))
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            for annot in annots:
                ap = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
                if not isinstance(ap, pikepdf.Dictionary):
                    continue
                for _, state in ap.items():
                    streams = [state] if isinstance(state, pikepdf.Stream) else (
                        [v for _, v in state.items() if isinstance(v, pikepdf.Stream)]
                        if isinstance(state, pikepdf.Dictionary) else [])
                    for s in streams:
                        yield from walk(s, None)


def named_only(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    """The fonts used by the document that are not embedded, by object (a font written inline
    in a resource dictionary is made an object of its own first)."""
    found = {}
    for _, res in _resource_holders(pdf):
        fonts = res.get("/Font") if isinstance(res, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        for key in list(fonts.keys()):
            font = fonts[key]
            if not isinstance(font, pikepdf.Dictionary) or _is_embedded(font):
                continue
            if not font.is_indirect:
                fonts[key] = pdf.make_indirect(font)
                font = fonts[key]
            found[font.objgen] = font
    return found


def _form_fonts(pdf: pikepdf.Pdf) -> set:
    """The fonts of the interactive form's default resources (/DR) and of each widget's own /DR."""
    found = set()
    form = pdf.Root.get("/AcroForm")
    holders = [form] if isinstance(form, pikepdf.Dictionary) else []
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            holders += [a for a in annots if isinstance(a, pikepdf.Dictionary)]
    for holder in holders:
        dr = holder.get("/DR")
        fonts = dr.get("/Font") if isinstance(dr, pikepdf.Dictionary) else None
        if isinstance(fonts, pikepdf.Dictionary):
            found |= {f.objgen for _, f in fonts.items() if isinstance(f, pikepdf.Object) and f.is_indirect}
    return found


def shown_codes(pdf: pikepdf.Pdf, wanted: set) -> dict[tuple[int, int], list[bytes]]:
    """The strings each ``wanted`` font shows, from every content stream that selects it."""
    shown: dict[tuple[int, int], list[bytes]] = {}
    for holder, res in _resource_holders(pdf):
        fonts = res.get("/Font") if isinstance(res, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        keys = {str(k): v.objgen for k, v in fonts.items() if isinstance(v, pikepdf.Object) and v.objgen in wanted}
        if not keys:
            continue
        target = pikepdf.Page(holder) if holder.get("/Type") == pikepdf.Name.Page else holder
        try:
            ops = pikepdf.parse_content_stream(target, "Tf Tj TJ ' \"")
        except pikepdf.PdfError:
            continue
        current = None
        for operands, operator in ops:
            op = str(operator)
            if op == "Tf" and operands:
                current = keys.get(str(operands[0]))
            elif current is None:
                continue
            elif op in ("Tj", "'") and operands:
                shown.setdefault(current, []).append(bytes(operands[-1]))
            elif op == '"' and len(operands) == 3:
                shown.setdefault(current, []).append(bytes(operands[2]))
            elif op == "TJ" and operands:
                shown.setdefault(current, []).extend(bytes(x) for x in operands[0] if isinstance(x, pikepdf.String))
    return shown


# ---------------------------------------------------------------------------------------------
# CID fonts


def _cmap_of(encoding):
    """pdfminer's CMap for a Type0 font's /Encoding (a predefined name or an embedded stream)."""
    from pdfminer.cmapdb import CMapDB, CMapParser, FileCMap

    if isinstance(encoding, pikepdf.Name):
        try:
            return CMapDB.get_cmap(str(encoding)[1:])
        except CMapDB.CMapNotFound:
            raise Unsubstitutable(f"未知的字符编码 {str(encoding)[1:]}") from None
    if isinstance(encoding, pikepdf.Stream):
        cmap = FileCMap()
        CMapParser(cmap, io.BytesIO(encoding.read_bytes())).run()
        return cmap
    raise Unsubstitutable("字体没有字符编码（/Encoding）")


def _decode(cmap, data: bytes):
    """(code bytes, CID) of each character in ``data``."""
    from pdfminer.cmapdb import IdentityCMap, IdentityCMapByte

    if isinstance(cmap, IdentityCMapByte):
        for i in range(len(data)):
            yield data[i:i + 1], data[i]
        return
    if isinstance(cmap, IdentityCMap):
        for i in range(0, len(data) - 1, 2):
            yield data[i:i + 2], int.from_bytes(data[i:i + 2], "big")
        return
    root = cmap.code2cid
    node, start = root, 0
    for i, byte in enumerate(data):
        step = node.get(byte)
        if step is None:
            node, start = root, i + 1
        elif isinstance(step, int):
            yield data[start:i + 1], step
            node, start = root, i + 1
        else:
            node = step


def _to_unicode(font) -> dict[int, str]:
    stream = font.get("/ToUnicode")
    if not isinstance(stream, pikepdf.Stream):
        return {}
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap

    umap = FileUnicodeMap()
    try:
        CMapParser(umap, io.BytesIO(stream.read_bytes())).run()
    except Exception:
        return {}
    return {k: v for k, v in umap.cid2unichr.items() if isinstance(v, str)}


def _collection_unicode(ordering: str, cid: int) -> str | None:
    from pdfminer.cmapdb import CMapDB

    try:
        return CMapDB.get_unicode_map(f"Adobe-{ordering}").get_unichr(cid)
    except (CMapDB.CMapNotFound, KeyError):
        return None


def _widths(desc) -> tuple[int, dict[int, float]]:
    """(/DW, {CID: width}) of a CIDFont."""
    dw = desc.get("/DW", 1000)
    table: dict[int, float] = {}
    w = desc.get("/W")
    if isinstance(w, pikepdf.Array):
        items = list(w)
        i = 0
        while i + 1 < len(items):
            first = int(items[i])
            if isinstance(items[i + 1], pikepdf.Array):
                for n, value in enumerate(items[i + 1]):
                    table[first + n] = float(value)
                i += 2
            elif i + 2 < len(items):
                for cid in range(first, int(items[i + 1]) + 1):
                    table[cid] = float(items[i + 2])
                i += 3
            else:
                break
    return int(dw), table


def _cjk_style(name: str) -> tuple[str, ...]:
    lowered = name.lower()
    if "kai" in lowered or "楷" in name:
        return KAI + SONG
    return SONG + KAI  # 宋, 仿宋, 黑: Debian has no TrueType Hei or Fangsong; the Song face reads best


@functools.lru_cache(maxsize=8)
def _font_file(candidates: tuple[str, ...]) -> str | None:
    for c in candidates:
        if Path(c).is_file():
            return c
    from dossier.binder import fonts as fonts_lib

    found = fonts_lib.truetype_cjk_path()
    return str(found) if found else None


def _drop(font) -> None:
    for table in _DROP:  # removed unread: the subsetter would decode them first
        if table in font:
            del font[table]


def _tag(data: bytes) -> str:
    n = int(hashlib.sha256(data).hexdigest()[:16], 16)
    return "".join(chr(ord("A") + (n // 26 ** i) % 26) for i in range(6))


def _substitute_cid(pdf: pikepdf.Pdf, font, shown: list[bytes]) -> str | None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    desc = font.DescendantFonts[0]
    info = desc.get("/CIDSystemInfo")
    ordering = str(info.get("/Ordering", "")) if isinstance(info, pikepdf.Dictionary) else ""
    cmap = _cmap_of(font.get("/Encoding"))
    to_unicode = _to_unicode(font)
    codes: dict[bytes, int] = {}
    for s in shown:
        for code, cid in _decode(cmap, s):
            codes.setdefault(code, cid)
    unicode_of: dict[int, str] = {}
    text_of: dict[bytes, str] = {}
    for code, cid in codes.items():
        ch = None
        if ordering not in ("Identity", ""):
            ch = _collection_unicode(ordering, cid)
        if ch is None:
            ch = to_unicode.get(int.from_bytes(code, "big"))
        if ch:
            unicode_of.setdefault(cid, ch)
            text_of[code] = ch
    if codes and not unicode_of:
        raise Unsubstitutable("字体没有可用的字符对照（既非 Adobe 标准字符集，也没有 ToUnicode），无法确定应显示的字")
    path = _font_file(_cjk_style(font_name(font)))
    if path is None:
        raise Unsubstitutable("本机没有可嵌入的中文 TrueType 字体（请安装 fonts-arphic-gbsn00lp）")
    tt = TTFont(path, lazy=True, fontNumber=0)
    _drop(tt)
    best = tt.getBestCmap()
    glyph_of: dict[int, str] = {}
    lacking: dict[int, str] = {}
    for cid, ch in unicode_of.items():
        gid_name = best.get(ord(ch[0]))
        if gid_name is None:
            lacking[cid] = ch[0]
            continue
        glyph_of[cid] = gid_name
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.glyph_names = False
    options.hinting = False  # AR PL's bytecode triples the subset and the time; print and screens do without
    options.drop_tables += _DROP
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(set(glyph_of.values())))
    subsetter.subset(tt)
    borrowed = _borrow(tt, sorted(set(lacking.values())))
    missing = 0
    for cid, ch in lacking.items():
        if ch in borrowed:
            glyph_of[cid] = borrowed[ch]
        else:
            missing += 1
    new_order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    dw, widths = _widths(desc)
    scale = tt["head"].unitsPerEm / 1000
    metrics = tt["hmtx"].metrics
    max_cid = max(glyph_of, default=0)
    gid_map = bytearray(2 * (max_cid + 1))
    for cid, name in sorted(glyph_of.items()):
        gid = new_order.get(name, 0)
        gid_map[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
        if name in metrics:  # the program's advance = the file's width: layout and PDF/A agree
            metrics[name] = (round(widths.get(cid, dw) * scale), metrics[name][1])
    buf = io.BytesIO()
    tt.save(buf)
    program = buf.getvalue()
    tag = _tag(program)
    base = font_name(font).split("+", 1)[-1]
    fontfile = pikepdf.Stream(pdf, program)
    fontfile.Length1 = len(program)
    old = desc.get("/FontDescriptor")
    descriptor = pikepdf.Dictionary(old) if isinstance(old, pikepdf.Dictionary) else pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, Flags=4, ItalicAngle=0, Ascent=880, Descent=-120, CapHeight=700, StemV=80)
    head = tt["head"]
    if "/FontBBox" not in descriptor:
        descriptor.FontBBox = [round(v / scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    for key in _FONT_FILES + ("/CIDSet",):
        if key in descriptor:
            del descriptor[key]
    descriptor.Type = pikepdf.Name.FontDescriptor
    descriptor.FontName = pikepdf.Name(f"/{tag}+{base}")
    descriptor.FontFile2 = pdf.make_indirect(fontfile)
    desc.Subtype = pikepdf.Name.CIDFontType2
    desc.BaseFont = pikepdf.Name(f"/{tag}+{base}")
    desc.FontDescriptor = pdf.make_indirect(descriptor)
    desc.CIDToGIDMap = pdf.make_indirect(pikepdf.Stream(pdf, bytes(gid_map)))
    font.BaseFont = pikepdf.Name(f"/{tag}+{base}")
    encoding = font.get("/Encoding")
    if (isinstance(encoding, pikepdf.Name) and encoding not in (pikepdf.Name("/Identity-H"), pikepdf.Name("/Identity-V"))
            and codes and len({len(c) for c in codes}) == 1):
        # The predefined CMap, cut to the codes shown and embedded: the file no longer depends on
        # the reader's CMap collection (and pikepdf's PDF/A check reads embedded CMaps only).
        font.Encoding = pdf.make_indirect(_embedded_cmap(pdf, str(encoding)[1:], codes, info))
    if "/ToUnicode" not in font and text_of:
        font.ToUnicode = pdf.make_indirect(pikepdf.Stream(pdf, _to_unicode_cmap(text_of)))
    # The font is embedded all the same; the clerk hears that some characters suffer.
    return f"{missing}个字在替代字体中没有字形，显示为空白" if missing else None


NOTO_SERIF_SC = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)  # (collection, font number)


def _borrow(tt, chars: list[str]) -> dict[str, str]:
    """Glyphs the TrueType subset ``tt`` lacks (AR PL SungtiL covers GB 2312 only: no 〇, no
    GBK extras) copied in from Noto Serif CJK SC, its cubic outlines turned quadratic."""
    if not chars or not Path(NOTO_SERIF_SC[0]).is_file():
        return {}
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    donor = _donor()
    cmap = donor.getBestCmap()
    glyphs = donor.getGlyphSet()
    scale = tt["head"].unitsPerEm / donor["head"].unitsPerEm
    order = list(tt.getGlyphOrder())
    got: dict[str, str] = {}
    for ch in chars:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        pen = TTGlyphPen(None)
        glyphs[name].draw(TransformPen(Cu2QuPen(pen, max_err=1.0, reverse_direction=True), (scale, 0, 0, scale, 0, 0)))
        new = f"borrowed{ord(ch):05X}"
        glyph = pen.glyph()
        tt["glyf"][new] = glyph
        glyph.recalcBounds(tt["glyf"])
        tt["hmtx"][new] = (round(donor["hmtx"][name][0] * scale), getattr(glyph, "xMin", 0))
        order.append(new)
        got[ch] = new
    if got:
        tt.setGlyphOrder(order)
        tt["glyf"].glyphOrder = order
    del TTFont
    return got


@functools.lru_cache(maxsize=1)
def _donor():
    from fontTools.ttLib import TTFont

    return TTFont(NOTO_SERIF_SC[0], fontNumber=NOTO_SERIF_SC[1], lazy=True)


def _embedded_cmap(pdf: pikepdf.Pdf, name: str, codes: dict[bytes, int], info) -> pikepdf.Stream:
    n = len(next(iter(codes)))
    wmode = 1 if name.endswith("-V") else 0
    registry = str(info.get("/Registry", "Adobe")) if isinstance(info, pikepdf.Dictionary) else "Adobe"
    ordering = str(info.get("/Ordering", "Identity")) if isinstance(info, pikepdf.Dictionary) else "Identity"
    supplement = int(info.get("/Supplement", 0)) if isinstance(info, pikepdf.Dictionary) else 0
    cmap_name = f"Dossier-{name}"
    lines = []
    items = sorted(codes.items())
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        lines.append(f"{len(chunk)} begincidchar")
        lines += [f"<{code.hex().upper()}> {cid}" for code, cid in chunk]
        lines.append("endcidchar")
    body = "\n".join(lines)
    text = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            f"/CIDSystemInfo << /Registry ({registry}) /Ordering ({ordering}) /Supplement {supplement} >> def\n"
            f"/CMapName /{cmap_name} def\n/CMapType 1 def\n/WMode {wmode} def\n"
            f"1 begincodespacerange\n<{'00' * n}> <{'FF' * n}>\nendcodespacerange\n{body}\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return pikepdf.Stream(pdf, text.encode(), Type=pikepdf.Name.CMap, CMapName=pikepdf.Name("/" + cmap_name),
                          CIDSystemInfo=pikepdf.Dictionary(Registry=registry, Ordering=ordering, Supplement=supplement),
                          WMode=wmode)


def _to_unicode_cmap(text_of: dict[bytes, str]) -> bytes:
    lengths = sorted({len(c) for c in text_of})
    spaces = "\n".join(f"<{'00' * n}> <{'FF' * n}>" for n in lengths)
    lines = []
    items = sorted(text_of.items())
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code.hex().upper()}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk]
        lines.append("endbfchar")
    body = "\n".join(lines)
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            f"{len(lengths)} begincodespacerange\n{spaces}\nendcodespacerange\n{body}\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()


# ---------------------------------------------------------------------------------------------
# Simple fonts


_URW = {
    ("sans", False, False): "NimbusSans-Regular", ("sans", True, False): "NimbusSans-Bold",
    ("sans", False, True): "NimbusSans-Italic", ("sans", True, True): "NimbusSans-BoldItalic",
    ("serif", False, False): "NimbusRoman-Regular", ("serif", True, False): "NimbusRoman-Bold",
    ("serif", False, True): "NimbusRoman-Italic", ("serif", True, True): "NimbusRoman-BoldItalic",
    ("mono", False, False): "NimbusMonoPS-Regular", ("mono", True, False): "NimbusMonoPS-Bold",
    ("mono", False, True): "NimbusMonoPS-Italic", ("mono", True, True): "NimbusMonoPS-BoldItalic",
}
_SYMBOLIC = {"symbol": "StandardSymbolsPS", "dingbats": "D050000L"}


def substitute_for(name: str, flags: int = 0) -> tuple[str, bool]:
    """(URW font name, symbolic) standing in for the simple font ``name``."""
    lowered = re.sub(r"^[A-Z]{6}\+", "", name).lower()
    if "dingbat" in lowered:
        return _SYMBOLIC["dingbats"], True
    if lowered.startswith("symbol"):
        return _SYMBOLIC["symbol"], True
    if any(w in lowered for w in ("courier", "mono", "consolas")) or flags & 1:
        family = "mono"
    elif any(w in lowered for w in ("helvetica", "arial", "sans", "hei", "黑", "gothic", "verdana", "tahoma",
                                     "calibri", "yahei", "segoe", "ubuntu", "roboto")):
        family = "sans"
    else:
        family = "serif"
    bold = any(w in lowered for w in ("bold", "black", "heavy", "demi", "semibold")) or bool(flags & (1 << 18))
    italic = any(w in lowered for w in ("italic", "oblique")) or bool(flags & (1 << 6))
    return _URW[(family, bold, italic)], False


@functools.lru_cache(maxsize=16)
def _urw_path(name: str) -> str | None:
    for d in URW_DIRS:
        p = Path(d) / f"{name}.otf"
        if p.is_file():
            return str(p)
    return None


@functools.lru_cache(maxsize=4)
def _encoding_names(base: str) -> dict[int, str]:
    from pdfminer.latin_enc import ENCODING

    column = {"/StandardEncoding": 1, "/MacRomanEncoding": 2, "/WinAnsiEncoding": 3, "/PDFDocEncoding": 4}[base]
    table = {}
    for row in ENCODING:
        code = row[column]
        if code is not None:
            table.setdefault(code, row[0])
    return table


@functools.lru_cache(maxsize=4)
def _afm_encoding(name: str) -> dict[int, str]:
    """The built-in encoding of a URW font (its AFM's "C code ; … N name" lines): Symbol's and
    Dingbats' codes are their own."""
    for d in URW_DIRS:
        afm = Path(d) / f"{name}.afm"
        if afm.is_file():
            table = {}
            for line in afm.read_text(encoding="latin-1").splitlines():
                m = re.match(r"C (\d+) ;.*?\bN (\S+)", line)
                if m:
                    table[int(m.group(1))] = m.group(2)
            return table
    return {}


def _code_names(font, builtin: dict[int, str], symbolic: bool) -> dict[int, str]:
    """Glyph name of each code, as a reader resolves it: base encoding, then /Differences."""
    encoding = font.get("/Encoding")
    base = None
    differences = None
    if isinstance(encoding, pikepdf.Name):
        base = str(encoding)
    elif isinstance(encoding, pikepdf.Dictionary):
        if isinstance(encoding.get("/BaseEncoding"), pikepdf.Name):
            base = str(encoding.BaseEncoding)
        differences = encoding.get("/Differences")
    if base in ("/StandardEncoding", "/MacRomanEncoding", "/WinAnsiEncoding"):
        names = dict(_encoding_names(base))
    elif symbolic or base is None and font.get("/Subtype") != pikepdf.Name.TrueType:
        names = dict(builtin)
    else:
        names = dict(_encoding_names("/WinAnsiEncoding" if font.get("/Subtype") == pikepdf.Name.TrueType
                                     else "/StandardEncoding"))
    if isinstance(differences, pikepdf.Array):
        code = 0
        for item in differences:
            if isinstance(item, pikepdf.Name):
                names[code] = str(item)[1:]
                code += 1
            else:
                code = int(item)
    return names


def _substitute_simple(pdf: pikepdf.Pdf, font, shown: list[bytes], complete: bool = False) -> str | None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    descriptor = font.get("/FontDescriptor")
    flags = int(descriptor.get("/Flags", 0)) if isinstance(descriptor, pikepdf.Dictionary) else 0
    name = font_name(font)
    plain = re.sub(r"[\s_\-,]", "", name).lower()
    if any(ord(ch) > 127 for ch in name) or any(n in plain for n in _CJK_NAMES):
        raise Unsubstitutable("中文字体未嵌入且按单字节编码（多为旧版 Word/WPS 另存的 PDF），只有装有该字体的电脑才能正确显示，"
                              "无法可靠替换；请用原文件重新导出 PDF（选择嵌入字体）")
    urw, symbolic = substitute_for(name, flags)
    path = _urw_path(urw)
    if path is None:
        raise Unsubstitutable(f"本机没有替代字体 {urw}（请安装 fonts-urw-base35）")
    otf = TTFont(path, lazy=True)
    _drop(otf)
    builtin = _afm_encoding(urw) if symbolic else _encoding_names("/StandardEncoding")
    names = _code_names(font, builtin, symbolic)
    glyphs = set(otf.getGlyphOrder())
    used = sorted({b for s in shown for b in s})
    wanted = {names[c] for c in (range(32, 256) if complete else used) if names.get(c) in glyphs}
    upem = otf["head"].unitsPerEm
    metrics = otf["hmtx"].metrics
    if not isinstance(font.get("/Widths"), pikepdf.Array):
        first, last = 0, 255
        font.FirstChar, font.LastChar = first, last
        font.Widths = pikepdf.Array([round(metrics[names[c]][0] * 1000 / upem) if names.get(c) in metrics else 0
                                     for c in range(first, last + 1)])
    if symbolic and not isinstance(font.get("/Encoding"), (pikepdf.Name, pikepdf.Dictionary)):
        # The program's own encoding goes with the subset as an explicit /Differences, so no
        # reader depends on the CFF keeping it.
        font.Encoding = pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=pikepdf.Array(
            [x for c in used if names.get(c) in glyphs for x in (c, pikepdf.Name("/" + names[c]))]))
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.glyph_names = True
    options.name_IDs = ["*"]
    options.drop_tables += _DROP
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(wanted))
    subsetter.subset(otf)
    program = otf["CFF "].compile(otf)
    tag = _tag(program)
    base = font_name(font).split("+", 1)[-1]
    head, post, hhea = otf["head"], otf["post"], otf["hhea"]
    os2 = otf["OS/2"] if "OS/2" in otf else None
    family = urw.split("-")[0]
    new_flags = (4 if symbolic else 32) | (1 if family == "NimbusMonoPS" else 0) | (
        2 if family == "NimbusRoman" else 0) | (64 if post.italicAngle else 0)
    fontfile = pikepdf.Stream(pdf, program)
    fontfile.Subtype = pikepdf.Name("/Type1C")
    scale = 1000 / upem
    new_descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/{tag}+{base}"), Flags=new_flags,
        FontBBox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        ItalicAngle=float(post.italicAngle), Ascent=round(hhea.ascent * scale), Descent=round(hhea.descent * scale),
        CapHeight=round((getattr(os2, "sCapHeight", 0) or hhea.ascent) * scale), StemV=80,
        FontFile3=pdf.make_indirect(fontfile))
    if isinstance(descriptor, pikepdf.Dictionary) and "/MissingWidth" in descriptor:
        new_descriptor.MissingWidth = descriptor.MissingWidth
    font.Subtype = pikepdf.Name.Type1
    font.BaseFont = pikepdf.Name(f"/{tag}+{base}")
    font.FontDescriptor = pdf.make_indirect(new_descriptor)
    lost = sorted({c for c in used if names.get(c) not in (None, ".notdef") and names[c] not in glyphs})
    return f"{len(lost)}个字符在替代字体中没有字形" if lost else None
