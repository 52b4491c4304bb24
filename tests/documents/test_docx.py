"""The rendered .docx files read back with python-docx/lxml: geometry, fonts, indents,
tables and the checks done before rendering."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import docx
import pytest
from lxml import etree

from dossier import project as project_lib
from dossier.documents import PageRef, render_all, render_notice
from dossier.documents import layout as L
from dossier.errors import ConfigError
from dossier.records import CheckReport, Finding, Problem

from sample_project import write_project

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, catalog):
    """The three project documents and the 通知, rendered once for the module."""
    root = write_project(tmp_path_factory.mktemp("docs") / "示范县")
    project = project_lib.load(root)
    paths = render_all(project, catalog, None)
    notice = render_notice(catalog, root / "输出" / "通知.docx")
    return {p.stem: p for p in [*paths, notice]}


def style_of(document, style_id):
    return next(s for s in document.styles.element.findall(W + "style") if s.get(W + "styleId") == style_id)


def rfonts(style_el):
    el = style_el.find(f"{W}rPr/{W}rFonts")
    return {k: el.get(W + k) for k in ("eastAsia", "ascii", "hAnsi")} if el is not None else {}


def twips_to_mm(v) -> float:
    return int(v) * 25.4 / 1440


def test_page_geometry_is_gbt9704(rendered):
    """This test ensures that every document is A4 with 天头 37 mm, 订口 28 mm, a 156 × 225 mm
    type area and separate odd/even footers carrying a PAGE field."""
    for name, path in rendered.items():
        d = docx.Document(str(path))
        sect = d.sections[0]._sectPr
        size, mar = sect.find(W + "pgSz"), sect.find(W + "pgMar")
        assert (round(twips_to_mm(size.get(W + "w"))), round(twips_to_mm(size.get(W + "h")))) == (210, 297), name
        top, left = twips_to_mm(mar.get(W + "top")), twips_to_mm(mar.get(W + "left"))
        bottom, right = twips_to_mm(mar.get(W + "bottom")), twips_to_mm(mar.get(W + "right"))
        assert abs(top - 37) < 0.1 and abs(left - 28) < 0.1, name
        assert abs(210 - left - right - 156) < 0.1 and abs(297 - top - bottom - 225) < 0.1, name
        assert d.settings.odd_and_even_pages_header_footer, name
        kinds = {ref.get(W + "type") for ref in sect.findall(W + "footerReference")}
        assert kinds == {"default", "even"}, name
        for footer, jc in ((d.sections[0].footer, "right"), (d.sections[0].even_page_footer, "left")):
            xml = footer._element.xml
            assert "PAGE" in xml and "— " in xml and " —" in xml, name
            assert footer.paragraphs[0].paragraph_format.alignment is not None
            assert f'w:jc w:val="{jc}"' in xml


def test_styles_set_east_asian_fonts_sizes_and_grid(rendered):
    """This test ensures that fonts are set through styles with eastAsia as well as
    ascii/hAnsi, zh-CN language, 3号 body on an exact 28.95 pt line, 左空二字 paragraphs and
    the heading fonts 黑体 / 楷体_GB2312 / 仿宋_GB2312 and the 2号 小标宋 title."""
    d = docx.Document(str(rendered["请示"]))
    normal = style_of(d, "Normal")
    assert rfonts(normal) == {"eastAsia": "仿宋_GB2312", "ascii": "仿宋_GB2312", "hAnsi": "仿宋_GB2312"}
    assert normal.find(f"{W}rPr/{W}sz").get(W + "val") == "32"
    assert normal.find(f"{W}rPr/{W}spacing").get(W + "val") == str(L.CHAR_SPACING_TWIPS)
    spacing = normal.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(W + "line"), spacing.get(W + "lineRule")) == ("579", "exact")
    assert normal.find(f"{W}pPr/{W}snapToGrid").get(W + "val") == "0"
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(W + "eastAsia") == "zh-CN"
    assert style_of(d, "GwBody").find(f"{W}pPr/{W}ind").get(W + "firstLine") == "640"
    assert rfonts(style_of(d, "GwH1"))["eastAsia"] == "黑体"
    assert rfonts(style_of(d, "GwH2"))["eastAsia"] == "楷体_GB2312"
    assert rfonts(style_of(d, "GwH3"))["eastAsia"] == "仿宋_GB2312"
    title = style_of(d, "GwTitle")
    assert rfonts(title)["eastAsia"] == "方正小标宋简体"
    assert title.find(f"{W}rPr/{W}sz").get(W + "val") == "44"
    assert title.find(f"{W}pPr/{W}jc").get(W + "val") == "center"
    page_num = style_of(d, "GwPageNum")
    assert rfonts(page_num) == {"eastAsia": "宋体", "ascii": "宋体", "hAnsi": "宋体"}
    assert page_num.find(f"{W}rPr/{W}sz").get(W + "val") == "28"
    # No theme font may override the explicit ones.
    assert b"Theme" not in etree.tostring(d.styles.element.find(f"{W}docDefaults"))


def test_request_layout(rendered):
    """This test ensures that the 请示 has the red 发文机关标志, the 发文字号 and 签发人 on one
    line above a red rule, the 主送机关, 附件说明 with hanging indents, the 成文日期 in Arabic
    numerals 右空四字 and the 联系人 note."""
    d = docx.Document(str(rendered["请示"]))
    paras = d.paragraphs
    mark = paras[0]
    assert mark.text == "示范县人民政府文件"
    assert mark.runs[0].font.color.rgb is None or str(style_of(d, "GwMark").find(f"{W}rPr/{W}color").get(W + "val")) == "FF0000"
    docno = paras[1]
    assert re.fullmatch(r"\u3000示政〔2021〕12号\t?签发人：黄志强", docno.text.replace("\t", "\t"))
    assert "\t" in docno.text
    rule = style_of(d, "GwDocNoSigned").find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert rule.get(W + "color") == "FF0000"
    texts = [p.text for p in paras]
    assert "自治区民政厅：" in texts
    assert "妥否，请批示。" in texts
    first = next(p for p in paras if p.text.startswith("附件：1."))
    assert first.style.style_id == "GwAttachFirst"
    nxt = paras[paras.index(first) + 1]
    assert nxt.text.startswith("2.") and nxt.style.style_id == "GwAttachNext"
    ind = style_of(d, "GwAttachNext").find(f"{W}pPr/{W}ind")
    assert int(ind.get(W + "left")) - int(ind.get(W + "hanging")) == 5 * L.CHAR_TWIPS
    date = next(p for p in paras if p.text == "2021年10月25日")
    assert date.style.style_id == "GwDate"
    assert style_of(d, "GwDate").find(f"{W}pPr/{W}ind").get(W + "right") == str(4 * L.CHAR_TWIPS)
    sign = paras[paras.index(date) - 1]
    assert sign.text == "示范县人民政府"
    # 署名 centred over the date: both centres lie at the same distance from the right edge.
    sign_right = int(sign._p.pPr.find(W + "ind").get(W + "right")) / L.CHAR_TWIPS
    assert abs((sign_right + L.text_width(sign.text) / 2) - (4 + L.text_width(date.text) / 2)) < 0.05
    assert "（联系人：陆晓东，联系电话：0771-5621234，13907710001）" in texts


def test_notice_catalog_table_merges_repeats_header_and_keeps_rows(rendered, catalog):
    """This test ensures that 附件1 carries every standard and negative item verbatim, merges
    a category's and a sub-item's cells vertically, repeats its header row and keeps rows whole."""
    d = docx.Document(str(rendered["通知"]))
    table = d.tables[0]
    rows = table._tbl.findall(W + "tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    texts = [r.findall(W + "tc")[-1].xpath("string(.)") for r in rows[1:]]
    assert texts == [s.text for s in catalog.standards] + [s.text for s in catalog.negative_items]
    first_cells = [r.findall(W + "tc")[0] for r in rows[1:]]
    restarts = [c for c in first_cells if c.find(f"{W}tcPr/{W}vMerge").get(W + "val") == "restart"]
    firsts = [c.xpath("string(.)") for c in restarts if "（续）" not in c.xpath("string(.)")]
    assert firsts == ["".join(c.name.split()) for c in catalog.categories] + [catalog.negative_name]
    sub_restarts = [r.findall(W + "tc")[1] for r in rows[1:1 + len(catalog.standards)]]
    names = [c.xpath("string(.)") for c in sub_restarts if c.find(f"{W}tcPr/{W}vMerge").get(W + "val") == "restart"
             and "（续）" not in c.xpath("string(.)")]
    assert names == [s.name for s in catalog.subitems]
    neg_first = rows[1 + len(catalog.standards)].findall(W + "tc")[0]
    assert neg_first.find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "2"


def test_notice_has_imprint_and_annex_labels(rendered):
    """This test ensures that the 通知 has 附件1/附件2 on new pages in 黑体 and the 版记 with
    印发机关 and 印发日期 at the bottom of the last page."""
    d = docx.Document(str(rendered["通知"]))
    labels = [p for p in d.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.text for p in labels] == ["附件1", "附件2"]
    assert style_of(d, "GwAnnexLabel").find(f"{W}pPr/{W}pageBreakBefore") is not None
    imprint = [p for p in d.paragraphs if p.text.endswith("印发")]
    assert len(imprint) == 1 and "自治区民政厅办公室" in imprint[0].text and "2021年9月8日印发" in imprint[0].text
    frame = imprint[0]._p.pPr.find(W + "framePr")
    assert frame is not None and frame.get(W + "vAnchor") == "margin"


def test_form_seal_rows_are_tall_and_unsplittable(rendered):
    """This test ensures that the 申报表's four opinion rows never split across pages, are
    tall enough for a 4.5 cm seal, end with （公章） and 年 月 日 at the right, while the
    narrative row may flow onto continuation pages."""
    d = docx.Document(str(rendered["申报表"]))
    rows = d.tables[0]._tbl.findall(W + "tr")
    seal_rows = [r for r in rows if "（公章）" in r.xpath("string(.)")]
    # As the notice's form: 民政部评估核实意见 has room but no （公章） line.
    assert len(seal_rows) == 3
    last = next(r for r in rows if "民政部评估核实意见" in r.xpath("string(.)"))
    assert "（公章）" not in last.xpath("string(.)") and "年" not in last.xpath("string(.)").replace("民政部", "")
    for r in seal_rows:
        assert r.find(f"{W}trPr/{W}cantSplit") is not None
        height = r.find(f"{W}trPr/{W}trHeight")
        assert height.get(W + "hRule") == "atLeast" and twips_to_mm(height.get(W + "val")) >= 55
        paras = r.findall(f".//{W}p")
        assert paras[-1].xpath("string(.)").replace("\u3000", "") in ("年月日", "2021年10月25日")
        assert paras[-2].xpath("string(.)") == "（公章）"
        assert paras[-1].find(f"{W}pPr/{W}pStyle").get(W + "val") == "GwFormRight"
    narrative_row = next(r for r in rows if "基本情况、主要制度及工作成效：" in r.xpath("string(.)"))
    assert narrative_row.find(f"{W}trPr/{W}cantSplit") is None
    text = d.tables[0]._tbl.xpath("string(.)")
    assert "经自评，我县未成年人保护工作领导重视" in seal_rows[0].xpath("string(.)")
    assert "示范县人民政府" in text and "陆晓东县民政局副局长" in text and "0771-5621234" in text
    assert d.paragraphs[-1].text == "（本表格一式两份）"
    # The narrative keeps its numbered heading in 黑体, at the form's 4号 size.
    heading = next(p for p in d.tables[0]._tbl.iter(W + "p") if p.xpath("string(.)") == "一、基本情况")
    assert heading.find(f"{W}r/{W}rPr/{W}rStyle").get(W + "val") == "GwRunHei"
    assert heading.find(f"{W}pPr/{W}pStyle").get(W + "val") == "GwFormBody"


def test_unit_names_are_escaped(make_project, catalog, tmp_path):
    """This test ensures that `&` and `<` in a unit name come out verbatim and the documents
    stay valid .docx files."""
    project = make_project(applicant="示范县 & <东区> 人民政府")
    paths = render_all(project, catalog, None)
    form = docx.Document(str(paths[0]))
    assert "示范县 & <东区> 人民政府" in form.tables[0]._tbl.xpath("string(.)")
    request = docx.Document(str(paths[1]))
    assert request.paragraphs[0].text == "示范县 & <东区> 人民政府文件"


@pytest.mark.parametrize("bad, reason", [
    ("示政[2021]12号", "六角括号"),
    ("示政（2021）12号", "六角括号"),
    ("示政〔21〕12号", "4 位"),
    ("示政〔2021〕012号", "虚位"),
    ("示政〔2021〕12", "号"),
    ("〔2021〕12号", "代字"),
])
def test_bad_doc_number_is_refused_naming_the_key(make_project, catalog, bad, reason):
    """This test ensures that a 发文字号 breaking GB/T 9704 (brackets, year, leading zeros,
    号) is refused with a message naming dossier.yaml, its line and request.doc_number."""
    project = make_project(doc_number=bad)
    with pytest.raises(ConfigError) as err:
        render_all(project, catalog, None)
    message = str(err.value)
    assert "request.doc_number" in message and "dossier.yaml" in message and reason in message
    assert re.search(r"dossier\.yaml:\d+", message)
    assert not (project.output_dir / "请示.docx").exists()


def test_good_doc_numbers_pass():
    """This test ensures that well-formed 发文字号 are accepted."""
    for good in ("示政〔2021〕12号", "桂民发〔2021〕1号", "示政办函〔2020〕105号"):
        assert L.check_doc_number(good, where="dossier.yaml", key="request.doc_number") == good


def test_failed_render_keeps_previous_outputs(make_project, catalog):
    """This test ensures that a refused render leaves earlier outputs untouched."""
    project = make_project()
    render_all(project, catalog, None)
    before = (project.output_dir / "申报表.docx").read_bytes()
    broken = dataclasses.replace(project, request=dataclasses.replace(project.request, doc_number="示政2021-12"))
    with pytest.raises(ConfigError):
        render_all(broken, catalog, None)
    assert (project.output_dir / "申报表.docx").read_bytes() == before


def test_self_report_lists_status_evidence_and_pages(make_project, catalog):
    """This test ensures that the 自评报告 speaks in the county's voice: each standard's 自评情况
    (达标/基本达标/未达标/不存在), evidence titles without a filing date in front, 文号 and
    dates as 2021年4月2日, the 汇编 page range, and one closing section 存在问题及整改措施 in
    prose generated from the problems' facts (no checker message, path, ≥ or 需提供), each
    paragraph ending in 。; and that --draft adds the checker's findings and a 草稿 mark."""
    project = make_project()
    findings = [Finding(s.id, "undeclared" if s.negative else "missing") for s in catalog.items()]
    findings[0] = Finding("1.1.1", "met", ("材料/学习/通知.pdf",))
    idx = catalog.ids().index("2.1.3")
    findings[idx] = Finding("2.1.3", "partial", ("材料/会议/纪要.pdf",),
                            (Problem("too-few-per-year", "2021年仅1份会议纪要，需至少2份",
                                     {"period": "2021年", "count": 1, "need": 2, "kind": "会议纪要"}),))
    findings[catalog.ids().index("N1")] = Finding("N1", "declared", ("材料/承诺书.pdf",))
    report = CheckReport(catalog.id, True, tuple(findings), (), ())
    refs = {"1.1.1": [PageRef("材料/学习/通知.pdf", "2021-04-02 关于开展理论学习的通知", dt.date(2021, 4, 2),
                              "示政办发〔2021〕8号", 23, 25)],
            "2.1.3": [PageRef("材料/会议/纪要.pdf", "领导小组会议纪要", dt.date(2021, 3, 15), "", 7, 7)]}
    paths = render_all(project, catalog, report, refs)
    d = docx.Document(str(paths[2]))
    texts = [p.text for p in d.paragraphs]
    joined = "\n".join(texts)
    assert texts[0] == "附件2"
    assert "指标编号：1.1.1\u3000自评情况：达标" in texts
    assert "材料1：关于开展理论学习的通知（示政办发〔2021〕8号，2021年4月2日），见汇编第23–25页。" in texts
    assert "指标编号：2.1.3\u3000自评情况：基本达标" in texts
    assert "材料1：领导小组会议纪要（2021年3月15日），见汇编第7页。" in texts
    assert "指标编号：N1\u3000自评情况：不存在" in texts
    assert "指标编号：1.1.2\u3000自评情况：未达标" in texts
    assert "达标1条，基本达标1条，未达标74条" in joined
    # N1 has evidence but no page reference yet: listed by file name, page column blank.
    n1 = texts.index("指标编号：N1\u3000自评情况：不存在")
    assert texts[n1 + 2] == "材料1：承诺书。"
    closing = texts[texts.index("三、存在问题及整改措施"):]
    std = catalog.get("2.1.3")
    assert f"1．2021年会议纪要仅1份，未达到“{std.short}”的要求。" in closing
    assert "（二）整改措施" in closing
    body = [t for t in closing[1:] if t and t not in ("（一）存在问题", "（二）整改措施", "示范县人民政府", "2021年10月25日")]
    assert body and all(t.endswith("。") for t in body)
    for bad in ("存在问题：", "需至少", "≥", "需提供", "材料/", "缺少材料", "部分达标", "未承诺", "2021-"):
        assert bad not in joined, bad
    # Heading levels: category （一）楷体, sub-item 1. 仿宋, standard （1）.
    styles = {p.text: p.style.style_id for p in d.paragraphs}
    assert styles["（一）思想引领"] == "GwH2" and styles["1．理论学习"] == "GwH3"
    assert styles["二、逐项自评情况"] == "GwH1" and styles["三、存在问题及整改措施"] == "GwH1"
    assert all(styles[t] == "GwBody" or styles[t] == "GwBodyKeep" for t in body)

    draft = render_all(project, catalog, report, refs, draft=True)[2]
    d = docx.Document(str(draft))
    texts = [p.text for p in d.paragraphs]
    assert "【草稿】部分达标：2021年仅1份会议纪要，需至少2份" in texts
    header = "".join(p.text for s in d.sections for p in s.header.paragraphs)
    assert "草稿" in header


def test_custom_template_with_unknown_variable_is_refused(make_project, catalog):
    """This test ensures that a project's own template asking for a variable dossier does
    not provide is refused by name before anything is written, and a valid one is used."""
    project = make_project()
    custom = project.root / "我的申报表.docx"
    d = docx.Document()
    d.add_paragraph("单位：{{ applicant }}，编号：{{ serial_no }}")
    d.save(str(custom))
    (project.root / "dossier.yaml").write_text(
        (project.root / "dossier.yaml").read_text(encoding="utf-8") + "templates: {申报表: 我的申报表.docx}\n",
        encoding="utf-8")
    project = project_lib.load(project.root)
    with pytest.raises(ConfigError) as err:
        render_all(project, catalog, None)
    assert "serial_no" in str(err.value) and "我的申报表.docx" in str(err.value)
    assert not (project.output_dir / "申报表.docx").exists()

    d = docx.Document()
    d.add_paragraph("单位：{{ applicant }}")
    d.save(str(custom))
    render_all(project, catalog, None)
    assert docx.Document(str(project.output_dir / "申报表.docx")).paragraphs[0].text == "单位：示范县人民政府"


def test_title_breaks_into_trapezoid_without_splitting_words(catalog):
    """A long 2号 title is broken into lines of at most 20 characters, each no shorter than
    the next, without splitting the scheme's words (未成年人, from the catalog's
    documents.keep_together) or （市、区、旗）; a 食品安全 title keeps 开展 (a common word) whole.
    This test ensures that titles break like a person breaks them, with the scheme's words
    taken from its catalog."""
    assert "未成年人" in catalog.title_words and "未成年人" not in L.COMMON_WORDS
    for title in ("自治区民政厅关于印发《广西壮族自治区申报创建全国未成年人保护示范县（市、区）实施方案》的通知",
                  "示范县人民政府关于申报全国未成年人保护示范县（市、区、旗）的请示",
                  "全国未成年人保护示范县（市、区、旗）创建达标体系（试行）"):
        lines = L.break_title(title, words=catalog.title_words)
        assert "".join(lines) == title and len(lines) > 1
        widths = [L.text_width(x) for x in lines]
        assert max(widths) <= 20 and widths == sorted(widths, reverse=True)
        for a, b in zip(lines, lines[1:]):
            assert not (a.endswith("未成年") or a.endswith("未成") or b.startswith("人保护"))
            assert not (a.endswith("（市、") or a.endswith("（市"))
    assert L.break_title("短标题") == ["短标题"]
    assert L.break_title("某某省食品安全委员会办公室关于开展食品安全示范县创建工作的通知", words=("食品安全",)) == [
        "某某省食品安全委员会办公室关于开展", "食品安全示范县创建工作的通知"]


def _ppr_flag(paragraph, name) -> bool:
    """A pPr flag as the paragraph shows it: set on the paragraph or on its style."""
    el = paragraph._p.find(f"{W}pPr/{W}{name}")
    if el is None:
        style = paragraph.style.element if paragraph.style is not None else None
        el = style.find(f"{W}pPr/{W}{name}") if style is not None else None
    return el is not None and el.get(W + "val") not in ("0", "false")


def test_last_body_lines_keep_with_the_signature(rendered, catalog):
    """This test ensures that the 通知's last body paragraph stays one paragraph, verbatim, and
    keeps with the signature block by paragraph properties (keep with next, widow/orphan
    control) that Word and WPS honour after editing — no hard break and no 分散对齐 (distribute)
    anywhere in a body paragraph — and that from it (请示: from 妥否，请批示。) every paragraph
    down to the 署名 and 成文日期 keeps with the next one."""
    notice = docx.Document(str(rendered["通知"]))
    paras = notice.paragraphs
    sign = next(i for i, p in enumerate(paras) if p.text == catalog.notice["issuer"])
    last_body = catalog.notice["body"][-1].strip()
    body = next(i for i, p in enumerate(paras) if p.text == last_body)
    assert paras[body].style.style_id == L.STYLE_BODY_KEEP and body < sign
    keep = style_of(notice, L.STYLE_BODY_KEEP).find(f"{W}pPr")
    assert keep.find(f"{W}keepNext") is not None and keep.find(f"{W}widowControl").get(W + "val") == "1"
    assert keep.find(f"{W}keepLines") is None  # its last lines, not the whole paragraph, move
    assert all(_ppr_flag(p, "keepNext") for p in paras[body:sign + 1])
    for name, path in rendered.items():
        xml = etree.tostring(docx.Document(str(path)).element).decode()
        styles = etree.tostring(docx.Document(str(path)).styles.element).decode()
        assert 'w:val="distribute"' not in xml + styles, name
        assert "<w:br/>" not in xml and 'w:type="page"' not in xml, name

    request = docx.Document(str(rendered["请示"]))
    paras = request.paragraphs
    ask = next(i for i, p in enumerate(paras) if p.text == "妥否，请批示。")
    date = next(i for i, p in enumerate(paras) if p.text == "2021年10月25日")
    assert paras[ask].style.style_id == L.STYLE_BODY_KEEP
    assert any(p.text.startswith("附件：1.") for p in paras[ask:date])
    assert all(_ppr_flag(p, "keepNext") for p in paras[ask:date])
