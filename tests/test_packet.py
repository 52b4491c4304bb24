"""The submission packet as the province receives it (issue 11), measured on rendered output:
the sample county built once (documents converted by LibreOffice, the 汇编 read with
pdfplumber/pikepdf), and the 目录 of the large bench county rendered by LibreOffice."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from dossier import build as build_lib
from dossier import office
from dossier.documents.fonttable import FONTS

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "示范县"
MM = 72 / 25.4
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    """The sample county copied and built for submission; its three documents as PDFs."""
    root = tmp_path_factory.mktemp("packet") / "示范县"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("输出"))
    result = build_lib.build(root)
    out = root / "输出"
    docs = [out / f"{n}.docx" for n in ("申报表", "请示", "自评报告")]
    converted = office.convert(docs, "pdf", out / ".dossier" / "test-pdf", instances=1)
    pdfs = {d.stem: converted[d].output for d in docs}
    assert all(pdfs.values())
    return root, result, pdfs


def lines_of(page) -> list[tuple[float, float, str]]:
    """(top, x0, text) of each printed line of a pdfplumber page."""
    rows: dict[int, list] = {}
    for ch in page.chars:
        rows.setdefault(round(ch["top"] / 2), []).append(ch)
    out = []
    for key in sorted(rows):
        chars = sorted(rows[key], key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars).replace("\u2060", "")
        if text.strip():
            out.append((chars[0]["top"], chars[0]["x0"], text))
    return out


def pdf_text(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return ["".join((p.extract_text() or "").split()) for p in pdf.pages]


# ----------------------------------------------------------------------------- documents


def test_documents_speak_in_the_county_voice(packet):
    """This test ensures that no document meant for stamping carries a path, a problem code, the
    checker's notation or status words, or an ISO date, that the 自评报告 gives 汇编 pages and
    closes with 存在问题及整改措施 in sentences ending in 。, and that every date printed in the
    packet is the application date (2021年10月25日)."""
    root, result, pdfs = packet
    for name, path in pdfs.items():
        text = "".join(pdf_text(path))
        for bad in ("材料/", ".pdf", ".docx", "≥", "需提供", "需至少", "缺少材料", "部分达标", "未承诺", "无法读取",
                    "too-few", "某某"):
            assert bad not in text, (name, bad)
        if name != "自评报告":  # the report cites evidence by its own dates
            assert "10月20日" not in text, name
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), name
    report = "".join(pdf_text(pdfs["自评报告"]))
    assert "见汇编第" in report and "自评情况：基本达标" in report and "自评情况：未达标" in report
    closing = report[report.index("三、存在问题及整改措施"):report.rindex("示范县人民政府")]
    assert "2021年会议纪要仅1份，未达到“县级党委或政府每年至少召开两次会议”的要求。" in closing
    assert "潘玉兰于2021年3月1日任职，2021年6月18日才参加入职培训" in closing
    assert closing.endswith("。")
    for name in ("请示", "申报表"):
        dates = re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", "".join(pdf_text(pdfs[name])))
        assert dates and set(dates) == {"2021年10月25日"}, (name, dates)
    dates = re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", pdf_text(pdfs["自评报告"])[-1])
    assert dates[-1] == "2021年10月25日"


def test_request_attachments_match_their_titles_and_imprint_ends_an_even_page(packet):
    """This test ensures that the 请示's 附件说明 (lead line and every name on one page) names the
    attachments exactly as their own first pages print them, each labelled 附件1/2/3 in 3号黑体
    at the top left, and that the 版记 (印发机关, 印发日期) sits at the bottom of an even last page."""
    root, result, pdfs = packet
    with pdfplumber.open(pdfs["请示"]) as pdf:
        pages = [lines_of(p) for p in pdf.pages]
        assert len(pdf.pages) % 2 == 0
        imprint = [x for x in pages[-1] if "印发" in x[2]]
        assert imprint and "示范县人民政府办公室" in imprint[-1][2] and "2021年10月25日印发" in imprint[-1][2]
        assert imprint[-1][0] > 230 * MM
    at = [i for i, lines in enumerate(pages) if any(t.startswith("附件：1.") for _, _, t in lines)]
    assert len(at) == 1
    listed = "".join(t for _, _, t in pages[at[0]])
    names = list(re.search(r"附件：1\.(.+?)2\.(.+?)3\.(.+?)示范县人民政府", listed).groups())
    dossier_pdf = root / "输出" / "证明材料汇编.pdf"
    firsts = {1: pdfs["申报表"], 2: pdfs["自评报告"], 3: dossier_pdf}
    for n, path in firsts.items():
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            first = lines_of(page)
            assert first[0][2] == f"附件{n}" and first[0][1] < 40 * MM and first[0][0] < 45 * MM
            label_chars = [c for c in page.chars if c["top"] == first[0][0] and c["text"] == "附"]
            assert abs(label_chars[0]["size"] - 16) < 0.6 and "Hei" in label_chars[0]["fontname"] or \
                "hei" in label_chars[0]["fontname"].lower() or "Sans" in label_chars[0]["fontname"]
            printed = "".join(t for _, _, t in first[1:4])
        assert names[n - 1].strip() in printed, (n, names[n - 1], printed)


def test_form_is_the_notices_form(packet):
    """This test ensures that the 申报表 centres the narrative's heading and right-aligns its 署名
    and date, keeps ≥ 4.5 cm clear above each seal box's date, and has no seal line in the
    民政部评估核实意见 box, as the notice's 附件2."""
    root, result, pdfs = packet
    with pdfplumber.open(pdfs["申报表"]) as pdf:
        pages = [lines_of(p) for p in pdf.pages]
        width = float(pdf.pages[0].width)
    flat = [(i, top, x0, t) for i, lines in enumerate(pages) for top, x0, t in lines]
    heading = next(x for x in flat if x[3] == "示范县未成年人保护工作基本情况、主要制度及工作成效")
    with pdfplumber.open(pdfs["申报表"]) as pdf:
        chars = [c for c in pdf.pages[heading[0]].chars if abs(c["top"] - heading[1]) < 1]
    centre = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
    type_centre = (28 * MM + width - 26 * MM) / 2
    assert abs(centre - type_centre) < 6 * MM
    seals = [k for k, x in enumerate(flat) if x[3] == "（公章）"]
    assert len(seals) == 3
    for k in seals:
        date_line = flat[k + 1]
        above = flat[k - 1]
        assert date_line[0] == above[0] == flat[k][0]
        clear = date_line[1] - (above[1] + 5 * MM)  # bottom of the text line above ≈ top + 5 mm
        assert clear >= 45 * MM - 5 * MM * 0, (above[3], clear / MM)
    last_box = next(k for k, x in enumerate(flat) if x[3].startswith("民政部评估核实意见"))
    assert all("公章" not in x[3] for x in flat[last_box:])


# ----------------------------------------------------------------------------- Word/WPS


def test_font_table_and_language_for_a_chinese_pc(packet):
    """This test ensures that every document (and the 目录/封面 templates) declares 仿宋_GB2312,
    楷体_GB2312, 方正小标宋简体, 黑体 and 宋体 with the GB2312 charset and an altName fallback,
    East Asian theme language zh-CN, and no Japanese font anywhere in the package."""
    root, result, pdfs = packet
    templates = REPO / "src" / "dossier" / "templates"
    files = [root / "输出" / f"{n}.docx" for n in ("申报表", "请示", "自评报告")]
    files += [templates / "目录.docx", templates / "封面.docx", templates / "通知.docx"]
    for path in files:
        with zipfile.ZipFile(path) as z:
            table = z.read("word/fontTable.xml").decode("utf-8")
            settings = z.read("word/settings.xml").decode("utf-8")
            every = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        for name, alt, _, _ in FONTS:
            m = re.search(rf'<w:font w:name="{name}">(.*?)</w:font>', table)
            assert m, (path.name, name)
            assert f'<w:altName w:val="{alt}"/>' in m.group(1) and '<w:charset w:val="86"/>' in m.group(1)
        assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", settings).group(0)
        for japanese in ("ja-JP", "ＭＳ", "明朝", "ゴシック", "Mincho", "Gothic", 'script="Jpan"'):
            assert japanese not in every, (path.name, japanese)
    # LibreOffice lays the documents out in the declared faces (mapped by dossier's fontconfig).
    with pdfplumber.open(pdfs["请示"]) as pdf:
        assert pdf.pages[0].chars


# ----------------------------------------------------------------------------- the 汇编


def test_dossier_opens_with_bookmarks_and_has_no_gap_markers(packet):
    """This test ensures that the 汇编 opens with the bookmark panel, its 目录 has no 缺少材料 /
    无法读取 marker and no file path, titles carry no filing date in front, dividers say
    第一部分, and the cover's title is the name the 请示 gives the 汇编."""
    root, result, pdfs = packet
    path = root / "输出" / "证明材料汇编.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
    texts = pdf_text(path)
    toc = "".join(texts[1:result.page_map.front])
    for bad in ("缺少材料", "无法读取", "材料/", "损坏的扫描件", "2021-06-01", "草稿"):
        assert bad not in toc, bad
    assert "县残联六一残疾儿童关爱活动" in toc
    assert texts[result.page_map.front].startswith("第一部分")
    assert "申报证明材料汇编" in texts[0]


_LEADER = re.compile(r"(?:\.+|·+)\s*(?:见第)?[\d–IVXLC]*页?\s*$")
_UNBREAKABLE = re.compile(r"（\d{4}年\d{1,2}月\d{1,2}日）|[\u4e00-\u9fff]{0,4}〔\d{4}〕\d+号|见第\d+(?:–\d+)?页")


def toc_entries(path: Path, toc_pages: range) -> list[list[str]]:
    """The printed lines of each 目录 entry: an entry ends with the line carrying its dot
    leader and page column."""
    entries, current = [], []
    with pdfplumber.open(path) as pdf:
        for i in toc_pages:
            for _, _, text in lines_of(pdf.pages[i]):
                if text.replace(" ", "") == "目录" or re.fullmatch(r"—\s*[IVXLC\d]+\s*—", text.strip()):
                    continue  # the heading, the page's own number
                current.append(text)
                if _LEADER.search(text):
                    entries.append(current)
                    current = []
    if current:
        entries.append(current)
    return entries


def _split_word(left: str, right: str, words) -> str | None:
    """The word, number or group a line break between ``left`` and ``right`` cuts, if any."""
    left, right = left.rstrip(), _LEADER.sub("", right).lstrip()
    if not left or not right:
        return None
    if re.match(r"[A-Za-z0-9]", left[-1]) and re.match(r"[A-Za-z0-9]", right[0]):
        return left[-4:] + "|" + right[:4]
    joined, cut = left + right, len(left)
    for m in _UNBREAKABLE.finditer(joined):
        if m.start() < cut < m.end():
            return m.group(0)
    for word in words:
        at = joined.find(word, max(0, cut - len(word) + 1))
        while 0 <= at < cut:
            if at + len(word) > cut:
                return word
            at = joined.find(word, at + 1)
    return None


def _toc_problems(path: Path, toc_pages: range, words=()) -> list[str]:
    """Lines of a rendered 目录 a person would not set: a lone character or 页, a date, a 文号,
    a 见第x–y页, a run of Latin letters/digits or one of ``words`` split across lines, a title
    shortened with … that still takes more than two lines, continuation lines not aligned."""
    bad = []
    with pdfplumber.open(path) as pdf:
        for i in toc_pages:
            lines = lines_of(pdf.pages[i])
            indents = sorted({round(x0 / 3) for _, x0, _ in lines})
            for top, x0, text in lines:
                words_only = re.sub(r"[.…·\s\d–\-ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩIVXLC—]", "", text)
                if len(words_only) == 1 or words_only == "页":
                    bad.append(f"p{i}: orphan {text!r}")
                if (re.search(r"（\d{0,4}年?(?:\d{1,2}月?(?:\d{1,2})?)?$", text.rstrip(".…· 0123456789–页见第"))
                        and not text.rstrip().endswith("）")) or re.match(r"^\d{0,2}月?\d{1,2}日）", text):
                    bad.append(f"p{i}: split date {text!r}")
                if "见第" in text and not re.search(r"见第\d+(?:–\d+)?页", text):
                    bad.append(f"p{i}: split reference {text!r}")
            if len(indents) > 8:
                bad.append(f"p{i}: {len(indents)} different indents")
    for entry in toc_entries(path, toc_pages):
        for left, right in zip(entry, entry[1:]):
            cut = _split_word(left, right, words)
            if cut:
                bad.append(f"word split {cut!r}: {left!r} / {right!r}")
        if any("…" in line for line in entry) and len(entry) > 2:
            bad.append(f"shortened but {len(entry)} lines: {entry!r}")
    return bad


def _words():
    from dossier import catalog as catalog_lib
    from dossier.documents.layout import COMMON_WORDS

    return COMMON_WORDS + catalog_lib.load().title_words


def test_sample_toc_is_typeset(packet):
    """This test ensures that the sample's 目录, measured in the built PDF, has no orphan
    character or lone 页, never splits a date, a 见第x–y页, a number or a word of the
    catalog's keep_together list, and keeps its lines on a few aligned indents."""
    root, result, pdfs = packet
    assert _toc_problems(root / "输出" / "证明材料汇编.pdf", range(1, result.page_map.front), _words()) == []


# Titles as clerks name files: one just short of two lines, two far beyond (shortened with …).
_EDGE_TITLES = [
    "示范县人民政府关于申报前两年未发生涉及未成年人重大案件和重大安全事故的承诺书（2021年9月28日）",
    "示范县教育局关于转发自治区教育厅关于进一步加强中小学生手机、睡眠、读物、作业、体质管理工作"
    "的通知的通知及2021年春季学期各中小学落实情况汇总表（2021年4月8日）",
    "示范县网信办关于开展APP2021专项整治暨清朗·未成年人网络环境整治专项行动工作方案及"
    "县公安局、县文广旅局、县市场监管局联合执法检查记录汇编（示范政办〔2021〕12号）（2021年6月1日）",
]


def test_large_bench_county_toc_is_typeset(tmp_path):
    """This test ensures that the 目录 of the large bench county (1,500 files, bench/corpus.py),
    rendered by LibreOffice from the 目录 template, passes the same typesetting checks, and that
    a title is shortened with … only when printed in full it would take more than two lines
    (the full text of every shortened entry is rendered too, and measured)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    from dossier.binder import frontmatter
    from dossier.binder.model import TocEntry
    from dossier.dates import fmt_cn, parse_date
    from dossier.wording import clean_title

    # The large county's files in catalog order, the first 600 (≈ 30 目录 pages): the same
    # titles and dates as all 1,500, in a third of the LibreOffice time.
    plan = corpus.plan("large")
    by_std: dict[str, list] = {}
    for f in plan.files:
        if f.standard:
            by_std.setdefault(f.standard, []).append(f)
    entries, page = [], 1
    from dossier import catalog as catalog_lib

    LIMIT = 600

    cat = catalog_lib.load()
    words = _words()
    for c in cat.categories:
        entries.append(TocEntry(1, f"{cat.categories.index(c) + 1}　{c.name}", f"{page}–{page + 40}", "category"))
        for s in c.standards:
            files = by_std.get(s.id, [])
            entries.append(TocEntry(2, f"{s.id}　{s.short}", f"{page}–{page + 3 * len(files)}" if files else "",
                                    "standard"))
            if len(entries) < 8:
                entries += [TocEntry(3, t, f"见第{page}–{page + 2}页", "reference") for t in _EDGE_TITLES]
            for f in files:
                if len(entries) >= LIMIT:
                    break
                day = parse_date(f.date)
                title = clean_title(f.title) + (f"（{fmt_cn(day)}）" if day else "")
                entries.append(TocEntry(3, title, f"{page}–{page + f.pages - 1}" if f.pages > 1 else str(page),
                                        "bound"))
                page += f.pages
    template = frontmatter.template_path("目录.docx")
    shown = frontmatter.shown_entries(entries, template, words)
    shortened = [e for e, s in zip(entries, shown) if s.text != e.text]
    assert 2 <= len(shortened) < 40 and _EDGE_TITLES[0] not in {e.text for e in shortened}
    cover = {"scheme": cat.scheme, "heading": "申报证明材料汇编", "applicant": "大县人民政府", "date": "",
             "annex_label": ""}
    front = frontmatter.render_front(
        cover, {"entries": frontmatter.template_entries(shown, words), "notes": "", "applicant": "", "scheme": ""},
        tmp_path, cover_template=frontmatter.template_path("封面.docx"), toc_template=template)
    with pdfplumber.open(front.toc) as pdf:
        count = len(pdf.pages)
    assert count > 20
    assert _toc_problems(front.toc, range(count), words) == []
    printed = toc_entries(front.toc, range(count))
    assert sum(any("…" in line for line in e) for e in printed) == len(shortened)
    # The same shortened entries printed in full: each takes more than two lines.
    full_dir = tmp_path / "full"
    full_dir.mkdir()
    full = frontmatter.render_front(
        cover, {"entries": frontmatter.template_entries(shortened, words), "notes": "", "applicant": "",
                "scheme": ""},
        full_dir, cover_template=frontmatter.template_path("封面.docx"), toc_template=template)
    with pdfplumber.open(full.toc) as pdf:
        full_pages = len(pdf.pages)
    lengths = [len(e) for e in toc_entries(full.toc, range(full_pages))]
    assert len(lengths) == len(shortened) and min(lengths) >= 3, lengths


def test_spreadsheet_pages_carry_their_title_and_nothing_below_9pt(packet):
    """This test ensures that every page the sample's spreadsheets (.xlsx registers and 台账)
    fill in the built 汇编 prints the file's title as the 目录 lists it, and that no character
    on those pages (our page number aside) is smaller than 9 pt."""
    root, result, pdfs = packet
    pm = result.page_map
    sheets = {p: placed for p, placed in pm.placements.items() if p.lower().endswith((".xlsx", ".xls", ".et"))}
    assert len(sheets) >= 8
    pages = 0
    with pdfplumber.open(root / "输出" / "证明材料汇编.pdf") as pdf:
        for path, placed in sheets.items():
            for n in range(placed.first, placed.last + 1):
                page = pdf.pages[pm.pdf_index(n)]
                chars = [c for c in page.chars if c["text"].strip()
                         and not c["fontname"].split("+")[0].startswith("DPN")]
                assert placed.title in "".join(c["text"] for c in chars), (path, n)
                assert min(c["size"] for c in chars) >= 8.95, (path, n, min(c["size"] for c in chars))
                pages += 1
    assert pages > len(sheets)  # some sheets run over several pages (long registers, page columns)


def test_page_number_is_ours_and_clear_of_the_evidence(packet):
    """This test ensures that every body page of the built sample prints exactly its own number
    as — n — in the footer band, and that no character of the evidence reaches into the band
    or overlaps the number (measured on every page of the 汇编)."""
    from dossier.binder.geometry import FOOTER_BAND

    root, result, pdfs = packet
    pm = result.page_map
    with pdfplumber.open(root / "输出" / "证明材料汇编.pdf") as pdf:
        for n in range(1, pm.body + 1):
            page = pdf.pages[pm.pdf_index(n)]
            height = float(page.height)
            band = [c for c in page.chars if c["bottom"] > height - FOOTER_BAND and c["text"].strip()]
            assert "".join(c["text"] for c in band) == f"—{n}—", n
            number_top = min(c["top"] for c in band)
            evidence = [c for c in page.chars if c not in band and c["text"].strip()]
            assert all(c["bottom"] <= number_top - 1 for c in evidence), n


def test_build_writes_the_schemes_notice_too(packet):
    """CONTRACT §6 lists 通知.docx among what dossier writes under 输出/: the build writes the
    catalog's notice beside the county's documents, with 附件1's first standard verbatim, and
    reports it among its outputs. This test ensures that a clerk finds all six files after
    ``dossier build``."""
    import docx

    root, result, _ = packet
    notice = root / "输出" / "通知.docx"
    assert notice in result.outputs
    text = "\n".join(p.text for p in docx.Document(str(notice)).paragraphs)
    cells = "".join(c.text for t in docx.Document(str(notice)).tables for r in t.rows for c in r.cells)
    assert "关于印发《广西壮族自治区申报创建全国未成年人保护示范县（市、区）实施方案》的通知" in text.replace("\n", "")
    assert "持续深入开展习近平新时代中国特色社会主义思想的宣贯教育活动" in cells
    for name in ("申报表.docx", "请示.docx", "自评报告.docx", "证明材料汇编.pdf", "材料清单.xlsx"):
        assert (root / "输出" / name).is_file()


# ------------------------------------------------------------ running text (issue 11 re-check)

# Units a reader must find on one line: 第x页 of a reference, a number with its 年/月/日, a
# 文号's 〔年〕号, a phone number.
_ONE_LINE = re.compile(r"第\d+(?:–\d+)?页|汇编|\d{4}年|\d{1,2}月|\d{1,2}日|〔\d{4}〕\d+号|\d{3,4}-\d{7,8}|1\d{10}")
_PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


def _text_lines(path) -> list[list[tuple[float, float, str]]]:
    """Each page's printed lines, without the page number."""
    with pdfplumber.open(path) as pdf:
        return [[line for line in lines_of(p) if not _PAGE_NUMBER.fullmatch(line[2].strip())] for p in pdf.pages]


def _split_runs(path) -> list[str]:
    """Every run of :data:`_ONE_LINE` that a line break (or a page break) cuts."""
    lines = [text.strip() for page in _text_lines(path) for _, _, text in page]
    bad = []
    for left, right in zip(lines, lines[1:]):
        joined, cut = left + right, len(left)
        bad += [f"{left!r} / {right!r}" for m in _ONE_LINE.finditer(joined) if m.start() < cut < m.end()]
    return bad


def test_phone_number_stays_whole_and_references_read_plainly(packet):
    """The 请示 ends with the contact's phone number, which must never wrap as "0771- / 5621234"
    in Word or WPS (its hyphen is Word's non-breaking hyphen). The 自评报告's dates and 见汇编第x页 are plain
    text, as a clerk would type them: no invisible characters inside, so Ctrl+F, copying and
    scripts find "见汇编第17页" as printed. This test ensures that, in the sample, the phone
    number's hyphen is non-breaking and reads "0771-5621234" in the .docx, that
    the 自评报告 holds its page references as plain text, and that verify passes."""
    import docx

    from dossier import verify

    root, _, pdfs = packet
    document = docx.Document(str(root / "输出" / "请示.docx"))
    request = "".join(p.text for p in document.paragraphs)
    assert "0771-5621234" in request
    # Word and WPS keep a w:noBreakHyphen with its neighbours; LibreOffice's Chinese line
    # breaker does not always, so the rendered PDF is not asserted here.
    note = next(p for p in document.paragraphs if "0771" in p.text)
    assert note._p.xml.count("<w:noBreakHyphen/>") == 1
    report = "\n".join(p.text for p in docx.Document(str(root / "输出" / "自评报告.docx")).paragraphs)
    assert "\u2060" not in report and "\u2060" not in request
    assert len(re.findall(r"见汇编第\d+(?:–\d+)?页", report)) >= 20
    result = verify.verify(root)
    assert result.ok, result.mismatches
    assert result.checked > 20


def test_numbered_sentences_do_not_read_as_decimals(packet):
    """"1.2021年会议纪要…" reads as the number 1.2021: the 自评报告's third level is numbered
    1．2． with the full-width point (GB/T 9704 7.3.3). This test ensures that no line of the
    rendered report starts with a number, an ASCII point and a digit, and that the closing
    list is numbered 1．."""
    _, _, pdfs = packet
    lines = [text.strip() for page in _text_lines(pdfs["自评报告"]) for _, _, text in page]
    assert not [t for t in lines if re.match(r"\d+\.\d", t)]
    closing = lines[lines.index("（一）存在问题"):]
    assert closing[1].startswith("1．") and any(t.startswith("2．") for t in closing)


def test_notice_attachment_note_is_not_alone_on_a_page(packet, tmp_path):
    """The 通知's 实施方案 ends with its 附件说明; when it does not fit, the plan's last lines go
    with it (keep with next and widow control on the last paragraph) instead of leaving a page
    that holds only "附件：1.…". This test ensures that, in the LibreOffice PDF of the sample's
    通知, the page with the plan's 附件说明 also carries text of the plan."""
    root, _, _ = packet
    notice = root / "输出" / "通知.docx"
    pdf = office.convert([notice], "pdf", tmp_path, instances=1)[notice].output
    pages = _text_lines(pdf)
    holding = [p for p in pages if any(t.strip().startswith("附件：1.") for _, _, t in p)]
    assert holding
    for page in holding:
        before = [t.strip() for _, _, t in page if not t.strip().startswith("附件：")]
        before = before[:[t.strip().startswith("附件：") for _, _, t in page].index(True)]
        assert any(t.endswith("。") for t in before), [t for _, _, t in page]
