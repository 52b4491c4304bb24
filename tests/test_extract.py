"""Facts from text: titles, 文号, issuers, the evidence date in CONTRACT §3's order, kinds.

The texts are written the way county documents are laid out (版头, 文号, two-line titles,
署名 and 成文日期, 纪要 heads, 承诺书); the seed notice is a real published one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dossier import extract as x
from dossier.records import MATERIAL_KINDS

SEED = Path(__file__).parent / "fixtures" / "gx-minor-protection-notice-2021.txt"

NOTICE = """000123
机密★1年
特急
示范县人民政府办公室文件
示政办发〔2021〕12号            签发人：李某某
─────────────────
示范县人民政府办公室关于印发《示范县未成年人
保护工作领导小组工作规则》的通知
各乡镇人民政府，县直各有关单位：
现将《示范县未成年人保护工作领导小组工作规则》印发给你们，请认真贯彻执行。
根据《民政部关于开展全国未成年人保护示范创建的通知》（民函〔2021〕68号）精神制定。
示范县人民政府办公室
2021年3月15日
（此件公开发布）
抄送：县委办，县人大办。
示范县人民政府办公室                  2021年3月16日印发
"""

MINUTES = """示范县未成年人保护工作领导小组
会议纪要
第3期
示范县民政局        2021年4月9日
关于研究困境儿童保障工作的会议纪要
时  间：2021年4月8日上午9:00
地  点：县政府三楼会议室
会议听取了县民政局关于困境儿童保障工作情况的汇报。
"""

PLEDGE = """附件1
示范县未成年人保护工作承诺书
本县承诺近两年未发生负面清单所列事项……
承诺人：示范县人民政府
二〇二一年十月二十日
"""


# --------------------------------------------------------------------------- titles


def test_title_skips_the_head_and_joins_a_wrapped_title():
    """份号, 密级, 紧急程度, 版头, 文号/签发人 and the red rule are skipped; the title's two
    lines are joined.
    This test ensures that a 公文's title is what the clerk reads as its title."""
    assert x.title_of(NOTICE, "x.pdf") == "示范县人民政府办公室关于印发《示范县未成年人保护工作领导小组工作规则》的通知"


def test_title_of_the_real_seed_notice():
    """The published Guangxi notice's three-line title is joined whole.
    This test ensures that titles wrapping over more than two lines are read."""
    text = SEED.read_text(encoding="utf-8")
    assert x.title_of(text, "") == ("自治区民政厅关于印发《广西壮族自治区申报创建全国未成年人保护示范县（市、区）"
                                    "实施方案》的通知")


@pytest.mark.parametrize("text, expected", [
    (MINUTES, "示范县未成年人保护工作领导小组会议纪要"),
    (PLEDGE, "示范县未成年人保护工作承诺书"),
    ("通  知\n各乡镇：\n现将有关事项通知如下。", "通知"),
    ("示范县2021年\n未成年人保护工作要点\n一、总体要求", "示范县2021年未成年人保护工作要点"),
    ("会议纪要\n（第2期）\n", "会议纪要"),
    (["示范县关爱服务场所", "建设情况报告"], "示范县关爱服务场所建设情况报告"),
    ("示范县机构编制委员会办公室\n示编办〔2020〕16号\n关于设立示范县未成年人救助保护中心的批\n复\n同意在示范县儿童福利院加挂牌子\n",
     "关于设立示范县未成年人救助保护中心的批复"),
    ("示范县人民检察院 示范县公安局\n示检会〔2020〕2号\n示范县侵害未成年人案件强制报告\n制度实施办法\n为落实强制报告制度，制定本办法。",
     "示范县侵害未成年人案件强制报告制度实施办法"),
    ("示范县未成年人保护工作基本情况、主要制度及工作成效\n一、基本情况\n我县常住人口35万。",
     "示范县未成年人保护工作基本情况、主要制度及工作成效"),
    ("自治区民政厅关于印发《广西壮族自治区申报创建全国未成年人保护示范县（市、区）实施方案》的通知\n各市：",
     "自治区民政厅关于印发《广西壮族自治区申报创建全国未成年人保护示范县（市、区）实施方案》的通知"),
])
def test_title_heuristics(text, expected):
    """纪要 heads, annex labels, letter-spaced headings, wrapped titles and line lists.
    This test ensures that the title heuristics cover the usual layouts."""
    assert x.title_of(text, "备用.pdf") == expected


@pytest.mark.parametrize("text", [
    "为进一步加强未成年人保护工作，根据有关文件精神，结合我县实际，现就有关事项通知如下，请认真贯彻落实。",
    "姓名\t单位\t岗位\n张三\t城关镇\t儿童主任",
    "",
    "示政办发〔2021〕12号\n2021年3月15日",
])
def test_title_falls_back_to_the_file_name(text):
    """Body text, a table, nothing, or only head lines: the file name (without an indicator
    prefix, folders or extension) is the title.
    This test ensures that a title is never a sentence or empty."""
    assert x.title_of(text, "材料/2.1.3 县级会议/2.1.3_城关镇工作方案.pdf") == "城关镇工作方案"


def test_name_title_keeps_a_name_that_is_only_an_id():
    """A file named only by its ID keeps its name rather than becoming blank.
    This test ensures that the title is never empty."""
    assert x.name_title("材料/2.1.3.pdf") == "2.1.3"


# --------------------------------------------------------------------------- 文号


@pytest.mark.parametrize("line", [
    "示政办发〔2021〕12号", "示政办发[2021]12号", "示政办发【2021】12号", "示政办发（2021）12号",
    "示政办发(2021)12号", "示政办发﹝2021﹞12号", "示政办发［2021］12号", "示政办发 〔 2021 〕 12 号",
    "示政办发〔2021〕第12号", "示政办发〔2021〕１２号", "示政办发〔2021〕012号",
])
def test_doc_number_bracket_forms_are_normalised(line):
    """Every bracket a typist uses for the year becomes 〔〕; 第, leading zeros and full-width
    digits are dropped as GB/T 9704 writes them.
    This test ensures that one 文号 compares equal however it was typed."""
    assert x.find_doc_number(f"示范县人民政府文件\n{line}    签发人：李某\n关于…的通知") == "示政办发〔2021〕12号"
    assert x.normalize_doc_number(line) == "示政办发〔2021〕12号"


def test_doc_numbers_listed_after_the_body_are_not_the_documents_own():
    """A table of other documents' 文号 below the body is not this file's 文号, and the title
    above it is still found.
    This test ensures that a list of 检察建议书 numbers does not become the file's number."""
    text = ("示范县人民检察院检察建议\n书及被建议单位书面回复情况\n县检察院向有关单位提出建议，被建议单位均已回复。\n"
            "示检建〔2020〕5号 县市场监管局2020年11月30日\n示范县人民检察院\n2021年6月15日")
    assert x.find_doc_number(text) == ""
    assert x.title_of(text, "") == "示范县人民检察院检察建议书及被建议单位书面回复情况"


def test_cited_doc_number_is_not_the_documents_own():
    """A 文号 quoted inside a sentence cites another document.
    This test ensures that a citation is never taken as the file's own 文号."""
    text = "根据《民政部关于开展全国未成年人保护示范创建的通知》（民函〔2021〕68号）精神，制定本方案。"
    assert x.find_doc_number(text) == ""
    assert x.find_doc_number(NOTICE) == "示政办发〔2021〕12号"


# --------------------------------------------------------------------------- issuer


def test_issuer_from_head_signature_or_imprint():
    """The 发文机关标志 (…文件) wins; else the 纪要's "机关 日期" line; else the 署名 above the
    成文日期; else the 印发机关.
    This test ensures that each place a 公文 names its issuer is read."""
    assert x.find_issuer(NOTICE) == "示范县人民政府办公室"
    assert x.find_issuer(MINUTES) == "示范县民政局"
    assert x.find_issuer(PLEDGE) == ""  # 承诺人：… is a person or body, not an 署名 line alone
    signed = "关于开展关爱行动的方案\n各村（社区）：\n现将方案印发给你们，请遵照执行。\n示范县城关镇人民政府\n2021年6月1日"
    assert x.find_issuer(signed) == "示范县城关镇人民政府"
    joint = "示范县人民检察院 示范县人民法院 示范县公安局\n示检会〔2021〕3号\n关于…的办法\n为推行社会调查，制定本办法。"
    assert x.find_issuer(joint) == "示范县人民检察院、示范县人民法院、示范县公安局"
    cosigned = "活动情况\n共开展进校园活动35场，覆盖学生1.8万人。\n示范县委网信办 示范县教育局\n2021年9月17日"
    assert x.find_issuer(cosigned) == "示范县委网信办、示范县教育局"
    imprint = "工作简报\n本期刊登三项工作进展，请各单位学习借鉴。\n示范县民政局办公室      2021年6月2日印发"
    assert x.find_issuer(imprint) == "示范县民政局办公室"
    assert x.find_issuer(SEED.read_text(encoding="utf-8")) == "自治区民政厅"


# --------------------------------------------------------------------------- dates


def test_labelled_date_comes_first():
    """A labelled date (时间：…) beats the 纪要's head date and any closing date.
    This test ensures that step 1 of CONTRACT §3's date order is applied first."""
    assert x.evidence_date(MINUTES, "2021-01-01 纪要.pdf") == (dt.date(2021, 4, 8), "时间")


@pytest.mark.parametrize("label", ["会议时间", "活动时间", "培训时间", "时间", "日期", "培训日期"])
def test_every_label_is_read(label):
    """Each label of CONTRACT §3 (and the 日期 spellings) marks the evidence date, with a
    full-width or half-width colon, or none when the label is a table cell.
    This test ensures that every labelled form is recognised."""
    for sep in ("：", ":", "\t", "： "):
        text = f"示范县开展活动\n{label}{sep}2021年5月20日\n2021年6月1日"
        assert x.evidence_date(text, "") == (dt.date(2021, 5, 20), label), sep


def test_specific_labels_beat_generic_ones():
    """会议时间 wins over an earlier generic 日期 (a printing date, say).
    This test ensures that the contract's label order decides between labels."""
    text = "日期：2021-06-30\n会议时间：2021年6月28日"
    assert x.evidence_date(text, "") == (dt.date(2021, 6, 28), "会议时间")


def test_labels_inside_other_words_are_not_labels():
    """出生日期 and 任职日期 in a register are not evidence dates.
    This test ensures that personal dates never date a file."""
    text = "儿童主任名册\n姓名：张三 出生日期：1985年2月3日\n任职日期：2020-05-06\n填表说明：按实填写。"
    assert x.labelled_date(text) == (None, "")


def test_closing_date_comes_second():
    """Without a label, the date line closing the document (under the 署名) is the date,
    not the 印发 date of the 版记 nor a date quoted in the body.
    This test ensures that step 2 of the date order is applied second."""
    text = NOTICE.replace("根据", "2021年1月1日起，根据")
    assert x.evidence_date(text, "2020-01-01 通知.pdf") == (dt.date(2021, 3, 15), "成文日期")
    assert x.evidence_date(PLEDGE, "") == (dt.date(2021, 10, 20), "成文日期")


def test_closing_date_of_the_real_seed_notice():
    """The published notice's 成文日期 (2021-09-08) is found although 20 pages of annexes follow.
    This test ensures that the closing date is the 署名's, not the last date line."""
    assert x.evidence_date(SEED.read_text(encoding="utf-8"), "") == (dt.date(2021, 9, 8), "成文日期")


def test_date_line_at_the_head_is_not_a_closing_date():
    """A date printed under a title, before any body text, is not the 成文日期; the first
    date of the text is then used (step 4) unless the file name has one (step 3).
    This test ensures that head dates fall through to the later steps."""
    text = "全县关爱活动简报\n2021年7月1日\n本期介绍各乡镇开展关爱活动情况，活动在2021年6月举行。"
    assert x.closing_date(text) is None
    assert x.evidence_date(text, "材料/2021.6.30 简报.pdf") == (dt.date(2021, 6, 30), "文件名")
    assert x.evidence_date(text, "材料/简报.pdf") == (dt.date(2021, 7, 1), "正文")


def test_signature_and_date_on_one_line_close_a_document():
    """"示范县民政局    2021年6月1日" at the end (署名 and date on one line) is the 成文日期.
    This test ensures that Word layouts with a tab between 署名 and date are read."""
    text = "关于开展走访的通知\n各村：\n请于本月完成走访工作。\n示范县民政局\t2021年6月1日"
    assert x.evidence_date(text, "") == (dt.date(2021, 6, 1), "成文日期")


@pytest.mark.parametrize("name, expected", [
    ("材料/2.1.3 县级会议/2021-03-15 纪要.pdf", dt.date(2021, 3, 15)),
    ("2021年3月15日会议.docx", dt.date(2021, 3, 15)), ("20210315会议.pdf", dt.date(2021, 3, 15)),
    ("会议2021.3.15.pdf", dt.date(2021, 3, 15)), ("二〇二一年三月十五日.pdf", dt.date(2021, 3, 15)),
    ("2021-02-30 会议.pdf", None), ("2.1.3 纪要.pdf", None), ("2021/会议.pdf", None),
])
def test_file_name_dates(name, expected):
    """Dates in the file name (not its folders), including the compact 20210315 form.
    This test ensures that step 3 of the date order reads every usual naming."""
    assert x.name_date(name) == expected


def test_first_text_date_comes_last_and_none_at_all():
    """With no label, closing line or name date, the first full date in the text is used;
    with none anywhere the evidence is undated.
    This test ensures that steps 4 and 5 of the date order close it."""
    text = "活动情况\n我县于2021年6月1日、2021年6月2日开展了宣传活动，效果良好。群众反响热烈，持续开展。"
    assert x.evidence_date(text, "活动.pdf") == (dt.date(2021, 6, 1), "正文")
    assert x.evidence_date("活动情况\n效果良好。", "活动.pdf") == (None, "")
    assert x.all_dates(text + "2021年6月1日") == (dt.date(2021, 6, 1), dt.date(2021, 6, 2))


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize("title, expected", [
    ("示范县未成年人保护工作领导小组会议纪要", "会议纪要"),
    ("全县未成年人保护工作会议记录", "会议纪要"),
    ("示范县未成年人保护工作承诺书", "承诺书"),
    ("儿童主任业务培训记录", "培训记录"),
    ("关于举办儿童主任培训班的通知", "培训记录"),
    ("2021年未成年人保护工作经费预算", "经费文件"),
    ("关于拨付困境儿童保障资金的通知", "经费文件"),
    ("城关镇儿童主任花名册", "工作台账"),
    ("困境儿童信息登记表", "工作台账"),
    ("六一儿童节宣传活动记录", "活动记录"),
    ("开展防溺水安全教育进校园工作记录", "活动记录"),
    ("关于成立未成年人保护工作领导小组的通知", "制度文件"),
    ("示范县困境儿童保障实施办法", "制度文件"),
    ("示范县未成年人保护工作要点", "制度文件"),
    ("城关镇基本情况", "其他"),
])
def test_kind_from_title(title, expected):
    """The kind follows the title's words, in the contract's order of precedence.
    This test ensures that 材料类型 inference matches what a clerk would choose."""
    assert x.infer_kind(title, "", "pdf") == expected


def test_title_words_outweigh_body_words():
    """A 方案 whose body talks about 培训, 经费 and 活动 is still a 制度文件; a file with no
    telling title takes its kind from the body; images are photos whatever they say;
    a spreadsheet leans to 工作台账.
    This test ensures that the title weighs more than the body."""
    body = "一、加强培训。二、保障经费。三、开展宣传活动。"
    assert x.infer_kind("示范县关爱保护工作实施方案", body, "docx") == "制度文件"
    assert x.infer_kind("扫描件001", "本次培训共50人参加。", "pdf") == "培训记录"
    assert x.infer_kind("会议纪要", "", "image") == "照片"
    assert x.infer_kind("Sheet1", "姓名\t单位", "xlsx") == "工作台账"
    assert x.infer_kind("", "", "pdf") == "其他"


def test_vocabulary_names_only_contract_kinds():
    """Every kind in the vocabulary data file is one of the contract's 材料类型.
    This test ensures that an edited vocabulary cannot invent a kind."""
    assert set(x.vocabulary()["kinds"]) <= set(MATERIAL_KINDS)
    assert x.infer_kind("x", "", "pdf") in MATERIAL_KINDS
