"""Binding a plan of mixed evidence into one PDF, read back page by page."""

from __future__ import annotations

import dataclasses

import datetime as dt
import subprocess

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest

from dossier import office
from dossier.binder import CategorySection, FileEntry, Plan, Source, StandardSection, bind
from dossier.binder.geometry import FOOTER_BAND

from makers import encrypted_pdf, excel, landscape_pdf, photo, text_pdf, word

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")

TEXTS = {
    "minutes.pdf": "县级未成年人保护工作会议纪要",
    "rotated.pdf": "旋转九十度的签到表",
    "wide.pdf": "横向的经费统计表",
    "notice.docx": "关于成立未成年人保护工作领导小组的通知",
    "money.xlsx": "专项经费",
}


DRAFT: dict = {}  # the same plan bound as a --draft (by the bound fixture)


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    w = tmp_path_factory.mktemp("bind")
    text_pdf(w / "minutes.pdf", [TEXTS["minutes.pdf"], "会议纪要第二页"])
    text_pdf(w / "rotated.pdf", [TEXTS["rotated.pdf"]], rotate=90)
    landscape_pdf(w / "wide.pdf", TEXTS["wide.pdf"])
    encrypted_pdf(w / "locked.pdf", "加密文件")
    word(w / "notice.docx", [TEXTS["notice.docx"], "各乡镇人民政府："])
    excel(w / "money.xlsx", [["项目", "金额"], ["专项经费", 1000]])
    photo(w / "photo.jpg", orientation=6)
    formats = {"minutes.pdf": "pdf", "rotated.pdf": "pdf", "wide.pdf": "pdf", "locked.pdf": "pdf",
               "notice.docx": "docx", "money.xlsx": "xlsx", "photo.jpg": "image"}
    sources = {p: Source(p, w / p, f) for p, f in formats.items()}
    plan = Plan("证明材料汇编", "示例县人民政府", "全国未成年人保护示范县（市、区、旗）", dt.date(2021, 10, 25), (
        CategorySection("1", "思想引领", (
            StandardSection("1.1.1", "开展宣贯教育", "met", (
                FileEntry("minutes.pdf", "会议纪要", dt.date(2021, 3, 15)),
                FileEntry("notice.docx", "领导小组通知", dt.date(2021, 1, 5)))),
            StandardSection("1.1.2", "学习重要指示精神", "missing"),
        )),
        CategorySection("2", "组织领导", (
            StandardSection("2.1.1", "纳入发展规划", "met", (
                FileEntry("rotated.pdf", "签到表"),
                FileEntry("minutes.pdf", "会议纪要", dt.date(2021, 3, 15)),
                FileEntry("wide.pdf", "统计表", dt.date(2021, 6, 1)))),
            StandardSection("2.1.2", "协调机制", "partial", (
                FileEntry("photo.jpg", "活动照片", dt.date(2021, 5, 1)),
                FileEntry("locked.pdf", "加密的制度文件"),
                FileEntry("money.xlsx", "经费表", dt.date(2021, 2, 1)))),
        )),
    ))
    target = w / "out.pdf"
    result = bind(plan, sources, target, cache_dir=w / "cache", workdir=w)
    draft_target = w / "draft.pdf"
    draft = bind(dataclasses.replace(plan, draft=True), sources, draft_target, cache_dir=w / "cache", workdir=w)
    DRAFT["bound"] = (draft_target, draft)
    return target, result


def _text(doc, index):
    return "".join(doc[index].get_textpage().get_text_range().split())


def test_order_numbers_and_shared_file(bound):
    """This test ensures that files follow catalog order and, inside a standard, date order (undated
    last), that a file proving two standards is bound once and referenced, that every body page
    prints its number, and that each file's text is on the page the map names."""
    target, result = bound
    pm = result.page_map
    doc = pdfium.PdfDocument(str(target))
    assert len(doc) == pm.front + pm.body
    order = sorted(pm.placements.values(), key=lambda p: p.first)
    assert [p.path for p in order] == ["notice.docx", "minutes.pdf", "wide.pdf", "rotated.pdf", "money.xlsx",
                                       "photo.jpg"]
    assert pm.placements["minutes.pdf"].last - pm.placements["minutes.pdf"].first == 1
    for path, placed in pm.placements.items():
        if path in TEXTS:
            assert TEXTS[path] in _text(doc, pm.pdf_index(placed.first))
    for number in range(1, pm.body + 1):
        page = doc[pm.pdf_index(number)]
        footer = page.get_textpage().get_text_bounded(0, 0, page.get_width(), FOOTER_BAND)
        assert "".join(footer.split()) == f"—{number}—"
    ref = next(e for e in pm.entries if e.kind == "reference")
    minutes = pm.placements["minutes.pdf"]
    assert ref.standard == "2.1.1" and ref.pages == f"见第{minutes.first}–{minutes.last}页"
    assert pm.dividers == {"1": 1, "2": 5}  # divider, notice (1 page), minutes (2 pages), divider


def test_toc_lists_gaps_and_unreadable_files(bound):
    """This test ensures that the submission 目录 prints every entry with its page range and no
    缺少材料 / 无法读取 marker or file path (an unreadable file is simply not listed), while the
    --draft 目录 marks a standard without evidence as 缺少材料 and an encrypted PDF as 无法读取,
    names the reason, and every page of the draft carries the 草稿 mark."""
    target, result = bound
    pm = result.page_map
    doc = pdfium.PdfDocument(str(target))
    toc = "".join(_text(doc, i) for i in range(1, pm.front))
    assert "1.1.2　学习重要指示精神".replace("　", "") in toc.replace("　", "")
    for marker in ("缺少材料", "无法读取", "locked.pdf", "加密的制度文件", "草稿"):
        assert marker not in toc, marker
    for entry in pm.entries:
        assert "".join(entry.pages.split()) in _text(doc, entry.toc_page)
    draft_target, draft = DRAFT["bound"]
    ddoc = pdfium.PdfDocument(str(draft_target))
    dtoc = "".join(_text(ddoc, i) for i in range(1, draft.page_map.front))
    assert "缺少材料" in dtoc and "无法读取" in dtoc and "locked.pdf" in dtoc
    assert all("草稿" in _text(ddoc, i) for i in range(len(ddoc)))
    assert not any("草稿" in _text(doc, i) for i in range(len(doc)))
    pm = draft.page_map
    assert pm.problems["locked.pdf"].startswith("PDF 已加密")
    assert result.stats.left_out == 1 and result.stats.converted + result.stats.reused == 2


def test_links_bookmarks_labels_and_metadata(bound):
    """This test ensures that every 目录 entry with pages is a link to its first page, that the
    bookmarks run category → standard → file to the same pages, that the page labels match the
    printed numbers, that the metadata names the applicant, and that qpdf finds no error."""
    target, result = bound
    pm = result.page_map
    pdf = pikepdf.open(target)
    index_of = {p.objgen: i for i, p in enumerate(pdf.pages)}
    links = {}
    for i in range(1, pm.front):
        for annot in pdf.pages[i].obj.get("/Annots", []):
            links.setdefault(i, []).append(index_of[annot.Dest[0].objgen])
    for entry in pm.entries:
        if entry.target is not None:
            assert pm.pdf_index(entry.target) in links[entry.toc_page], entry
    with pdf.open_outline() as outline:
        titles = [str(i.title) for i in outline.root]
        assert titles[:2] == ["封面", "目录"]
        category = outline.root[3]
        standard = category.children[0]
        assert str(standard.title).startswith("2.1.1")
        files = [(str(f.title), index_of[f.destination[0].objgen]) for f in standard.children]
        assert [t for t, _ in files] == ["会议纪要（2021年3月15日）", "统计表（2021年6月1日）", "签到表"]
        assert files[0][1] == pm.pdf_index(pm.placements["minutes.pdf"].first)
    labels = pypdf.PdfReader(str(target)).page_labels
    assert labels[0] == "封面" and labels[1] == "I"
    assert labels[pm.front:] == [str(n) for n in range(1, pm.body + 1)]
    assert str(pdf.docinfo.Author) == "示例县人民政府"
    assert "证明材料汇编" in str(pdf.docinfo.Title)
    checked = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("workers", [False, True], ids=["in-process", "worker-processes"])
def test_dossier_bound_in_many_parts_is_one_consistent_pdf(tmp_path, monkeypatch, workers):
    """This test ensures that a dossier whose body is written in several parts (here two pages a
    part, bound in this process or in worker processes) and joined by streaming comes out as one
    valid PDF: every page in order with its text and printed number, 目录 links and bookmarks
    landing on pages of later parts, labels, and no error from qpdf."""
    import importlib

    bind_module = importlib.import_module("dossier.binder.bind")
    monkeypatch.setattr(bind_module, "PART_PAGES", 2)
    monkeypatch.setattr(bind_module, "PARALLEL_FROM", 0 if workers else 10**9)
    texts = [f"第{n}份会议记录正文内容" for n in range(1, 8)]
    sources, files = {}, []
    for n, text in enumerate(texts, 1):
        path = f"m{n}.pdf"
        text_pdf(tmp_path / path, [text, f"{text}续页"] if n % 3 == 0 else [text])
        sources[path] = Source(path, tmp_path / path, "pdf")
        files.append(FileEntry(path, f"会议记录{n}", dt.date(2021, 1, n)))
    plan = Plan("证明材料汇编", "示例县人民政府", "全国未成年人保护示范县（市、区、旗）", dt.date(2021, 10, 25), (
        CategorySection("1", "思想引领", (StandardSection("1.1.1", "开展宣贯教育", "met", tuple(files[:3])),)),
        CategorySection("2", "组织领导", (StandardSection("2.1.1", "纳入发展规划", "met", tuple(files[3:])),)),
    ))
    target = tmp_path / "out.pdf"
    pm = bind(plan, sources, target, cache_dir=tmp_path / "cache", workdir=tmp_path).page_map
    assert not list(tmp_path.glob("part-*.pdf")) and not (tmp_path / "skeleton.pdf").exists()
    doc = pdfium.PdfDocument(str(target))
    assert len(doc) == pm.front + pm.body == pm.front + 2 + 9
    for n, text in enumerate(texts, 1):
        assert text in _text(doc, pm.pdf_index(pm.placements[f"m{n}.pdf"].first))
    for number in range(1, pm.body + 1):
        page = doc[pm.pdf_index(number)]
        footer = page.get_textpage().get_text_bounded(0, 0, page.get_width(), FOOTER_BAND)
        assert "".join(footer.split()) == f"—{number}—"
    pdf = pikepdf.open(target)
    index_of = {p.objgen: i for i, p in enumerate(pdf.pages)}
    linked = {index_of[a.Dest[0].objgen] for i in range(1, pm.front) for a in pdf.pages[i].obj.get("/Annots", [])}
    assert {pm.pdf_index(p.first) for p in pm.placements.values()} <= linked
    with pdf.open_outline() as outline:
        last = outline.root[-1].children[0].children[-1]
        assert index_of[last.destination[0].objgen] == pm.pdf_index(pm.placements["m7.pdf"].first)
    labels = pypdf.PdfReader(str(target)).page_labels
    assert labels[pm.front:] == [str(n) for n in range(1, pm.body + 1)]
    checked = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0 and "WARNING" not in checked.stdout + checked.stderr, checked.stdout
