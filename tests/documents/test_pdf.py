"""The documents as printed: converted once with LibreOffice (dossier.office, official
fonts mapped by dossier's fontconfig) and measured from the PDF."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from dossier import office
from dossier import project as project_lib
from dossier.documents import render_all, render_notice
from dossier.documents import layout as L

from sample_project import write_project

MM = 72 / 25.4
TYPE_LEFT, TYPE_RIGHT = 28 * MM, (210 - 26) * MM
TYPE_TOP, TYPE_BOTTOM = 37 * MM, (297 - 35) * MM

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, catalog):
    """申报表, 请示, 自评报告 and 通知 as PDFs, from one batched LibreOffice run."""
    root = write_project(tmp_path_factory.mktemp("pdf") / "示范县")
    project = project_lib.load(root)
    docs = render_all(project, catalog, None)
    docs.append(render_notice(catalog, root / "输出" / "通知.docx"))
    converted = office.convert(docs, "pdf", root / "输出" / ".cache", instances=1)
    out = {}
    for path in docs:
        result = converted[path]
        assert result.output is not None, result.error
        with pdfplumber.open(result.output) as pdf:
            out[path.stem] = [_page(p) for p in pdf.pages]
    return out


def _page(page) -> dict:
    chars = [c for c in page.chars if c["text"].strip()]
    return {"width": page.width, "height": page.height, "chars": chars,
            "body": [c for c in chars if c["top"] < TYPE_BOTTOM],
            "footer": [c for c in chars if c["top"] >= TYPE_BOTTOM]}


def lines_of(chars) -> list[list[dict]]:
    rows: dict[int, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def text(chars) -> str:
    return "".join(c["text"] for line in lines_of(chars) for c in line)


def test_every_page_is_a4(pdfs):
    """This test ensures that every page of every document is A4 portrait."""
    for name, pages in pdfs.items():
        for page in pages:
            assert abs(page["width"] - 595.3) < 1 and abs(page["height"] - 841.9) < 1, name


def test_full_body_page_has_22_lines_of_28_characters(pdfs):
    """This test ensures that a full page of 3号 body text holds 22 lines of 28 characters
    inside the 156 mm type area (GB/T 9704 7.1)."""
    full_pages = []
    for page in pdfs["通知"]:
        body = page["body"]
        if body and all(abs(c["size"] - 16) < 0.5 for c in body):
            full_pages.append(lines_of(body))
    assert full_pages, "the 通知's plan has full body pages"
    assert max(len(lines) for lines in full_pages) == 22
    # A closing punctuation mark may hang past the right edge (标点悬挂), as in Word.
    inside = [[c for c in line if c["x0"] < TYPE_RIGHT - 1] for lines in full_pages for line in lines]
    # A line followed by a continuation line (flush left, not indented) is a full line.
    full = [a for lines in full_pages for a, b in zip(lines, lines[1:]) if abs(b[0]["x0"] - TYPE_LEFT) < 2]
    # A paragraph's first line counts its 2-character indent.
    widths = [L.text_width("".join(c["text"] for c in line if c["x0"] < TYPE_RIGHT - 1))
              + round((line[0]["x0"] - TYPE_LEFT) / 16) for line in full]
    assert len(widths) > 40
    assert all(26.5 <= w <= 28.5 for w in widths), widths
    assert sum(1 for w in widths if w >= 27.5) >= 0.8 * len(widths), widths
    for line in inside:
        assert line[0]["x0"] >= TYPE_LEFT - 1 and line[-1]["x1"] <= TYPE_RIGHT + 1
    for lines in full_pages:
        pitches = {round(b[0]["top"] - a[0]["top"]) for a, b in zip(lines, lines[1:])}
        assert pitches <= {29, 28, 58, 87}  # 28.95 pt, or whole blank lines


def test_page_numbers_alternate_sides(pdfs):
    """This test ensures that every page shows — n — in 4号 7 mm below the type area, on the
    right (one character in) for odd pages and on the left for even pages."""
    for name, pages in pdfs.items():
        for n, page in enumerate(pages, 1):
            footer = page["footer"]
            assert re.fullmatch(rf"—\s*{n}\s*—", text(footer)), (name, n, text(footer))
            assert all(abs(c["size"] - 14) < 0.5 for c in footer)
            top = min(c["top"] for c in footer)
            assert 4 * MM <= top - TYPE_BOTTOM <= 9 * MM, (name, n, top)
            if n % 2:
                assert abs(max(c["x1"] for c in footer) - (TYPE_RIGHT - 14)) < 3, (name, n)
            else:
                assert abs(min(c["x0"] for c in footer) - (TYPE_LEFT + 14)) < 3, (name, n)


def test_annex1_carries_every_standard_verbatim(pdfs, catalog):
    """This test ensures that 附件1's table, read from the printed pages, carries all 76
    standards and 7 negative-list items verbatim and in order."""
    pages = pdfs["通知"]
    start = next(i for i, p in enumerate(pages) if text(p["body"]).startswith("附件1"))
    end = next(i for i, p in enumerate(pages) if text(p["body"]).startswith("附件2"))
    column_x = TYPE_LEFT + (24 + 27) * MM
    column = "".join(text([c for c in p["body"] if c["x0"] >= column_x - 2]) for p in pages[start:end])
    position = 0
    for item in catalog.items():
        found = column.find(item.text, position)
        assert found >= 0, item.id
        position = found + len(item.text)
    # The header row is repeated on every page of the table.
    for p in pages[start:end]:
        assert "工作标准" in text(p["body"]).replace(" ", "")


def test_no_seal_row_is_split(pdfs):
    """This test ensures that on every page each opinion label is followed on the same page
    by its （公章） and 年 月 日 lines (a seal row is never split across pages)."""
    labels = ("县级人民政府自评意见", "地市级民政部门查验意见", "省级民政部门评价意见", "民政部评估核实意见")
    for name in ("申报表", "通知"):
        seen = 0
        for page in pdfs[name]:
            t = text(page["body"])
            count = sum(t.count(label) for label in labels)
            # Every box but 民政部评估核实意见 (no seal line in the notice's form) has its
            # （公章） and date on the same page as its label.
            seals = count - t.count("民政部评估核实意见")
            assert seals == t.count("（公章）") == t.count("年月日") + t.count("（公章）2021年10月25日"), (name, t[-200:])
            seen += count
        assert seen == 4, name


def test_request_first_page_layout(pdfs):
    """This test ensures that the 请示's first page has the 发文机关标志 35 mm below the top of
    the type area, in red, the 发文字号 left and 签发人 right on one line."""
    page = pdfs["请示"][0]
    lines = lines_of(page["body"])
    mark = lines[0]
    assert "".join(c["text"] for c in mark) == "示范县人民政府文件"
    assert 30 * MM <= mark[0]["top"] - TYPE_TOP <= 40 * MM
    assert mark[0]["non_stroking_color"] in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))
    docno = lines[1]
    line_text = "".join(c["text"] for c in docno)
    assert line_text.startswith("示政〔2021〕12号") and line_text.endswith("签发人：黄志强")
    assert abs(docno[0]["x0"] - (TYPE_LEFT + 16)) < 3 and abs(docno[-1]["x1"] - (TYPE_RIGHT - 16)) < 3


def test_notice_imprint_sits_at_the_bottom_of_the_last_page(pdfs):
    """This test ensures that the 版记 (印发机关 and 印发日期) is the last line of the last page,
    at the bottom of the type area."""
    last = lines_of(pdfs["通知"][-1]["body"])[-1]
    assert "".join(c["text"] for c in last) == "自治区民政厅办公室2021年9月8日印发"
    assert TYPE_BOTTOM - last[-1]["bottom"] < 12 * MM


def _signature_page(pages, issuer: str, date: str) -> tuple[int, list[str]]:
    """(index, text lines) of the page whose lines carry the 署名 followed by the 成文日期."""
    for i, page in enumerate(pages):
        lines = ["".join(c["text"] for c in line) for line in lines_of(page["body"])]
        for k in range(len(lines) - 1):
            if lines[k] == issuer and lines[k + 1] == date:
                return i, lines[:k]
    raise AssertionError(f"no page carries {issuer} over {date}")


def test_signature_page_carries_body_text(pdfs, catalog):
    """This test ensures that when the 署名 and 成文日期 do not fit after the body on page 1 (the
    通知, whose one body paragraph fills page 1, and the 请示, whose 附件说明 overflows it) they
    go to page 2 together with the body's last lines (GB/T 9704 7.3.5: no signature page without
    body text), that page 1 keeps the rest of the body, the cut paragraph's last line on page 1
    reaching the right edge of the type area, and that the body reads verbatim across the pages."""
    notice = pdfs["通知"]
    index, above = _signature_page(notice, catalog.notice["issuer"], "2021年9月8日")
    assert index == 1, "the sample 通知 overflows page 1: the case under test"
    body = catalog.notice["body"][-1].strip()
    page1 = [line for line in lines_of(notice[0]["body"]) if abs(line[0]["size"] - 16) < 0.5]
    before = "".join(c["text"] for line in page1[1:] for c in line)  # after 主送机关
    # Lines of the body's last paragraph open page 2, right above the seal room, and the body
    # reads verbatim across the pages.
    assert len(above) >= 2 and body.endswith("".join(above))
    assert body in before + "".join(above)

    request = pdfs["请示"]
    index, above = _signature_page(request, "示范县人民政府", "2021年10月25日")
    assert index == 1, "the sample 请示 overflows page 1: the case under test"
    assert above[0] == "妥否，请批示。" and any(x.startswith("附件：1.") for x in above)
    assert text(request[0]["body"]).endswith("恳请予以审核推荐。")

    report = pdfs["自评报告"]
    index, above = _signature_page(report, "示范县人民政府", "2021年10月25日")
    # The closing section 存在问题及整改措施 ends the report, its last sentence on the 署名's page.
    assert above and above[-1].endswith("。"), "the signature page carries the closing section's text"


def test_notice_annex1_breaks_and_continues_as_the_seed(pdfs, catalog):
    """This test ensures that 附件1 breaks 项目/内容 names where the notice does (预防网络 / 沉迷,
    never 预防网络沉 / 迷), that every page the table continues onto names its 项目 and 内容 again
    with （续）, and that the missing 发文字号 shows as a visible placeholder on page 1."""
    pages = pdfs["通知"]
    assert "〔发文字号〕" in text(pages[0]["body"])
    table = [i for i, p in enumerate(pages) if "工作标准" in text(p["body"]).replace(" ", "")]
    assert len(table) >= 5
    lines = [("".join(c["text"] for c in line)) for i in table for line in lines_of(pages[i]["body"])]
    cells = [l for l in lines if l.strip()]
    assert not any(l.startswith("迷") or "预防网络沉" in l for l in cells)
    assert any(l.startswith("预防网络") for l in cells) and any(l.startswith("沉迷") for l in cells)
    categories = [c.name for c in catalog.categories] + [catalog.negative_name]
    for i in table[1:]:
        body = text(pages[i]["body"])
        # The first row under the repeated header names its 项目 (a new one, or the same with （续）).
        after_header = body.split("工作标准", 1)[1]
        first_name = min((after_header.find(n) for n in categories if n in after_header), default=-1)
        assert first_name >= 0, i
    assert sum("（续）" in text(pages[i]["body"]) for i in table) >= 3


def test_draft_documents_carry_the_draft_mark(tmp_path, catalog):
    """This test ensures that `render --draft` lets a scaffold placeholder through and prints 草稿
    at the top of every page of every document, and that without --draft the same project is
    refused naming the key (request.to) and its line in dossier.yaml."""
    from dossier.errors import ConfigError

    root = write_project(tmp_path / "示范县")
    config = root / "dossier.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("to: 自治区民政厅", "to: 某某市民政局"),
                      encoding="utf-8")
    project = project_lib.load(root)
    with pytest.raises(ConfigError) as err:
        render_all(project, catalog, None)
    assert err.value.key == "request.to" if hasattr(err.value, "key") else "request.to" in str(err.value)
    assert "dossier.yaml:" in str(err.value) and "某某市民政局" in str(err.value)
    docs = render_all(project, catalog, None, draft=True)
    converted = office.convert(docs, "pdf", root / "输出" / ".cache", instances=1)
    for path in docs:
        with pdfplumber.open(converted[path].output) as pdf:
            for page in pdf.pages:
                top = "".join(c["text"] for c in page.chars if c["top"] < TYPE_TOP)
                assert "草稿" in top, (path.stem, page.page_number)
