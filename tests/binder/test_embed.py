"""Embedded substitutes for fonts an evidence PDF only names (binder/embed.py), read back with
poppler (pdffonts, pdftotext) and fontTools."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from dossier.binder import CategorySection, FileEntry, Plan, Source, StandardSection, bind, embed

from makers import LATIN, SONG, stsong_pdf

THIRD_PARTY = Path(__file__).resolve().parents[1] / "fixtures" / "third-party"


def pdffonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) of every font poppler lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode("gbk", "replace")
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        rows.append((parts[0], parts[-5]))
    return rows


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_stsong_and_helvetica_get_embedded_substitutes_with_the_right_glyphs(tmp_path):
    """This test ensures that a reportlab PDF naming STSong-Light, Helvetica and Times-Bold is bound
    from a copy in which every font is embedded, the extracted text is unchanged, each Chinese
    character's CID leads to AR PL SungtiL's own outline of that character (〇, which that font
    lacks, to a borrowed non-empty glyph), the /W widths are kept and equal the program's advances,
    the evidence file is untouched, and a second call reuses the cached copy."""
    source = stsong_pdf(tmp_path / "evidence.pdf")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert {emb for _, emb in pdffonts(source)} == {"no"}
    cache = tmp_path / "cache"
    outcome = embed.bindable(source, before, cache)
    assert outcome.file != source and outcome.file.parent == cache
    assert outcome.problems == [] and set(outcome.substituted) == {"STSong-Light", "Helvetica", "Times-Bold"}
    fonts = pdffonts(outcome.file)
    assert len(fonts) == 3 and all(emb == "yes" for _, emb in fonts)
    assert pdftotext(outcome.file) == pdftotext(source)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before

    with pikepdf.open(outcome.file) as pdf, pikepdf.open(source) as orig:
        font = next(f for _, f in pdf.pages[0].Resources.Font.items() if "STSong" in str(f.BaseFont))
        old = next(f for _, f in orig.pages[0].Resources.Font.items() if "STSong" in str(f.BaseFont))
        desc = font.DescendantFonts[0]
        assert desc.Subtype == "/CIDFontType2"
        assert list(desc.W) == list(old.DescendantFonts[0].W)
        program = TTFont(io.BytesIO(desc.FontDescriptor.FontFile2.read_bytes()))
        gid_map = desc.CIDToGIDMap.read_bytes()
        shown = bytes(next(ops[0] for ops, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "Tj"))
    song = TTFont(embed.SONG[0])
    order = program.getGlyphOrder()
    from pdfminer.cmapdb import CMapDB

    cids = list(CMapDB.get_cmap("UniGB-UCS2-H").decode(shown))
    assert len(cids) == len(SONG)
    upem = program["head"].unitsPerEm
    for ch, cid in zip(SONG, cids):
        gid = int.from_bytes(gid_map[2 * cid:2 * cid + 2], "big")
        assert gid != 0, ch
        name = order[gid]
        if ch == "〇":
            assert ord(ch) not in song.getBestCmap()
            assert program["glyf"][name].numberOfContours > 0
            continue
        expected = song["glyf"][song.getBestCmap()[ord(ch)]]
        got = program["glyf"][name]
        assert list(got.getCoordinates(program["glyf"])[0]) == list(expected.getCoordinates(song["glyf"])[0]), ch
        assert program["hmtx"][name][0] == round(1000 * upem / 1000)  # ideographs: /DW 1000

    stamp = outcome.file.stat().st_mtime_ns
    again = embed.bindable(source, before, cache)
    assert again.file == outcome.file and outcome.file.stat().st_mtime_ns == stamp


def test_third_party_standard_fonts_get_metric_compatible_substitutes(tmp_path):
    """This test ensures that pdf.js's page of all 14 standard fonts and a PDF naming a TrueType
    Times New Roman (both third-party files) come out with every font embedded as URW base35
    substitutes, the same lines of text extracted, and no character reported missing."""
    for name, exact in (("pdfjs/standard_fonts.pdf", False), ("pdfjs/rotation.pdf", True)):
        source = THIRD_PARTY / name
        outcome = embed.bindable(source, hashlib.sha256(source.read_bytes()).hexdigest(), tmp_path)
        assert outcome.problems == [], name
        assert outcome.file != source
        assert all(emb == "yes" for _, emb in pdffonts(outcome.file)), name
        before, after = pdftotext(source), pdftotext(outcome.file)
        if exact:
            assert before == after, name
        else:
            # Column spacing aside, the words are the same; ZapfDingbats' ornaments (poppler names
            # more of them once the font is embedded, and Symbol's private-use logo) are left out.
            def words(text: str) -> list[str]:
                kept = "".join(" " if 0x2500 <= ord(c) <= 0x27BF or 0xE000 <= ord(c) <= 0xF8FF else c for c in text)
                return sorted(kept.split())

            assert words(before) == words(after), name


def test_single_byte_chinese_font_is_reported_not_faked(tmp_path):
    """This test ensures that a PDF whose 宋体/仿宋_GB2312 are named-only simple fonts carrying GBK
    bytes (pdf.js's XiaoBiaoSong.pdf) is not given a Latin substitute that would print gibberish:
    it is bound as it is and each font is reported by its Chinese name with a plain reason."""
    source = THIRD_PARTY / "pdfjs" / "XiaoBiaoSong.pdf"
    outcome = embed.bindable(source, "xiaobiaosong", tmp_path)
    assert outcome.file == source and outcome.substituted == []
    assert len(outcome.problems) == 2
    assert outcome.problems[0].startswith(("宋体：", "仿宋_GB2312：")) and "重新导出" in outcome.problems[0]


def test_bound_dossier_embeds_every_font_and_keeps_the_text(tmp_path):
    """This test ensures that binding evidence that names STSong-Light/Helvetica, a third-party PDF
    with unembedded Helvetica, and one the binder cannot fix gives a dossier in which pdffonts lists
    only the fonts of that one file as not embedded, the evidence pages extract the same text as
    the originals, the unfixable file is bound and named in the bind statistics, and the evidence
    files are unchanged."""
    song = stsong_pdf(tmp_path / "song.pdf", [SONG, "第二行：儿童主任培训"])
    third = tmp_path / "third.pdf"
    shutil.copy(THIRD_PARTY / "qpdf" / "shared-images.pdf", third)
    gbk = tmp_path / "gbk.pdf"
    shutil.copy(THIRD_PARTY / "pdfjs" / "XiaoBiaoSong.pdf", gbk)
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (song, third, gbk)}
    sources = {p.name: Source(p.name, p, "pdf", digests[p]) for p in (song, third, gbk)}
    plan = Plan("证明材料汇编", "示例县人民政府", "全国未成年人保护示范县（市、区、旗）", dt.date(2021, 10, 25), (
        CategorySection("1", "思想引领", (
            StandardSection("1.1.1", "开展宣贯教育", "met", (
                FileEntry("song.pdf", "报告", dt.date(2021, 3, 15)),
                FileEntry("third.pdf", "图片", dt.date(2021, 4, 1)),
                FileEntry("gbk.pdf", "旧版导出", dt.date(2021, 5, 1)))),
        )),
    ))
    target = tmp_path / "out.pdf"
    result = bind(plan, sources, target, cache_dir=tmp_path / "cache", workdir=tmp_path)
    assert list(result.stats.fonts) == ["gbk.pdf"] and "宋体" in result.stats.fonts["gbk.pdf"]
    listed = pdffonts(target)
    not_embedded = [name for name, emb in listed if emb != "yes"]
    assert len(not_embedded) == 2 and not {"STSong-Light", "Helvetica"} & set(not_embedded)  # gbk.pdf's 宋体, 仿宋_GB2312
    assert any(name.endswith("+STSong-Light") for name, emb in listed if emb == "yes")
    pm = result.page_map
    for name, original in (("song.pdf", song), ("third.pdf", third)):
        placed = pm.placements[name]
        for offset in range(placed.last - placed.first + 1):
            page = pm.pdf_index(placed.first + offset) + 1
            got = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(target), "-"],
                                 capture_output=True, text=True, check=True).stdout
            want = subprocess.run(["pdftotext", "-f", str(offset + 1), "-l", str(offset + 1), str(original), "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert "".join(want.split()) in "".join(got.split()), (name, offset)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in digests} == digests


def test_ocr_text_layer_font_is_embedded_too(tmp_path):
    """This test ensures that the invisible text layer dossier lays over scans (an Identity-H font
    whose codes are Unicode, named only) gets an embedded subset mapped through its ToUnicode map,
    so pdffonts lists nothing unembedded and the recognised text extracts unchanged."""
    from dossier.binder import ocrlayer

    text = "县人民政府关于二〇二一年工作的通知"
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = ocrlayer._font(pdf)
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({ocrlayer.FONT_KEY: font}))
    hexed = "".join(f"{ord(c):04X}" for c in text)
    page.contents_add(pikepdf.Stream(pdf, f"BT 3 Tr {ocrlayer.FONT_KEY} 14 Tf 72 700 Td <{hexed}> Tj ET".encode()))
    source = tmp_path / "ocr.pdf"
    pdf.save(source)
    outcome = embed.bindable(source, "ocr", tmp_path / "cache")
    assert outcome.problems == [] and outcome.substituted == ["DossierOCRText"]
    assert [emb for _, emb in pdffonts(outcome.file)] == ["yes"]
    assert pdftotext(outcome.file).strip() == pdftotext(source).strip() == text
