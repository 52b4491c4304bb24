"""GB/T 9704-2012 geometry and the small text rules of 公文 (numbering, title breaking,
署名 placement, 发文字号). Pure functions and constants; the template builder and the
renderer both read them, so a measurement lives in one place."""

from __future__ import annotations

import re
import unicodedata

from dossier import gbt9704 as G
from dossier.errors import ConfigError

# The GB/T 9704 numbers live in dossier.gbt9704 (mm / pt); here they are in twips, the unit
# the templates are written in.
TWIPS_PER_PT = G.TWIPS_PER_PT
mm = G.twips

PAGE_W, PAGE_H = mm(G.PAGE_W_MM), mm(G.PAGE_H_MM)
MARGIN_TOP, MARGIN_BOTTOM = mm(G.MARGIN_TOP_MM), mm(G.MARGIN_BOTTOM_MM)
MARGIN_LEFT, MARGIN_RIGHT = mm(G.MARGIN_LEFT_MM), mm(G.MARGIN_RIGHT_MM)
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm
TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

BODY_PT = G.BODY_PT
TITLE_PT = G.TITLE_PT
PAGE_NUMBER_PT = G.PAGE_NUMBER_PT
# 225 mm / 22 lines = 28.99 pt; rounded down so rounding never pushes line 22 off the page.
LINE_TWIPS = int(G.pt(G.TEXT_H_MM) * TWIPS_PER_PT / G.LINES_PER_PAGE)  # 579 = 28.95 pt, exact
# 156 mm / 28 characters = 15.79 pt; 16 pt glyphs need −0.25 pt each to fit 28 (not 29).
CHAR_SPACING_TWIPS = -5
CHAR_TWIPS = BODY_PT * TWIPS_PER_PT  # one 3号 character, the unit of 空二字 etc.
# 页码一字线上距版心下边缘 7 mm: the footer paragraph (exact 16 pt line) sits below that.
PAGE_NUMBER_LINE_TWIPS = 16 * TWIPS_PER_PT
FOOTER_DISTANCE = MARGIN_BOTTOM - mm(G.PAGE_NUMBER_BELOW_TEXT_MM) - PAGE_NUMBER_LINE_TWIPS

RED = "FF0000"

# Fonts by their official names; dossier/fonts/fonts.conf maps them for LibreOffice on Linux.
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

_CN_NUM = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers up to 99)."""
    if n < 10:
        return _CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUM[tens]) + "十" + (_CN_NUM[ones] if ones else "")


def text_width(text: str) -> float:
    """Width in characters of the body font: CJK and full-width forms 1, ASCII ½."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)


# ---------------------------------------------------------------------------- titles

# Where a title may be broken (GB/T 9704 7.3.1: 回行时词意完整): after a closing bracket,
# before an opening one, after 关于, before the closing ``的通知`` group. Anything else is
# a break inside a word, allowed only when nothing better fits.
_OPENERS = "《（“〔"
_CLOSERS = "》）”〕、，"


# Words a title line must not split in any 公文 (a clerk reads 实施 / 方案 as a typo). A
# scheme's own words (未成年人, 民政厅, 食品安全 …) come from its catalog's
# ``documents.keep_together`` (:attr:`dossier.records.Catalog.title_words`).
COMMON_WORDS = ("人民政府", "实施方案", "申报表", "自评报告", "创建", "申报", "开展", "工作", "关于", "印发", "通知",
                "请示",
                # Words of evidence titles a 目录 line must not split (领导小/组, 手/机 read as typos).
                "领导小组", "小组", "会议纪要", "纪要", "会议", "队伍", "情况", "汇编", "台账", "承诺书", "方案",
                "制度", "网络", "手机", "精神", "目标", "纲要", "规划", "总结", "专员", "教育", "服务", "志愿",
                "落实", "办法", "规程", "记录", "活动", "学校", "中心", "社区", "家庭", "学习", "指示", "重要",
                "建设", "资金", "检查", "专项", "行动", "管理", "安全", "事故", "案件", "通报", "报告", "文件")


def _inside_word(title: str, i: int, words: tuple[str, ...] = COMMON_WORDS) -> bool:
    for word in words:
        start = title.find(word)
        while start >= 0:
            if start < i < start + len(word):
                return True
            start = title.find(word, start + 1)
    return False


def _inside_brackets(title: str, i: int) -> bool:
    """Inside a short （…） group such as （市、区、旗）."""
    opening = title.rfind("（", 0, i)
    if opening < 0 or title.rfind("）", 0, i) > opening:
        return False
    closing = title.find("）", i)
    return closing >= 0 and closing - opening <= 10


def _break_penalty(title: str, i: int, words: tuple[str, ...] = COMMON_WORDS) -> float:
    """Cost of breaking ``title`` before index ``i``."""
    before, after = title[i - 1], title[i]
    if _inside_word(title, i, words) or _inside_brackets(title, i):
        return 30
    if after in _CLOSERS or before in _OPENERS:
        return 50  # never start a line with a closing mark or end one with an opener
    if before in _CLOSERS or after in _OPENERS:
        return 0
    if title[max(0, i - 2):i] == "关于":
        return 0
    if title.startswith(("的通知", "的请示", "的报告", "的意见", "的函", "实施方案", "申报表", "自评报告"), i):
        return 1
    if before in "县市区省厅局府委部会" or title.startswith(("创建", "申报", "全国", "关于"), i):
        return 2
    return 6


def break_title(title: str, max_chars: int | None = None, words: tuple[str, ...] = ()) -> list[str]:
    """Lines of a 2号 title: as few as fit the type area, upper lines never shorter than
    lower ones (梯形), breaks at word-like boundaries when possible. ``words``: the scheme's
    own words not to split, besides :data:`COMMON_WORDS`."""
    title = title.strip()
    words = tuple(dict.fromkeys(COMMON_WORDS + tuple(words)))
    if max_chars is None:
        max_chars = int(TEXT_W / (TITLE_PT * TWIPS_PER_PT))  # 20 characters of 22 pt
    if text_width(title) <= max_chars or len(title) < 2:
        return [title]
    n_lines = 2
    while n_lines < 8:
        best = _best_split(title, n_lines, max_chars, words)
        if best:
            return best
        n_lines += 1
    return [title]


def _best_split(title: str, n_lines: int, max_chars: int, words: tuple[str, ...]) -> list[str] | None:
    best_cost, best_lines = None, None

    def search(start: int, left: int, prev_width: float, lines: list[str], cost: float):
        nonlocal best_cost, best_lines
        rest = title[start:]
        if left == 1:
            w = text_width(rest)
            if w > max_chars or w > prev_width or not rest:
                return
            widths = [text_width(x) for x in lines] + [w]
            # Prefer even-ish lines: a one-word last line looks like an accident.
            shape = (max(widths) - min(widths)) / max_chars
            total = cost + 3 * shape
            if best_cost is None or total < best_cost:
                best_cost, best_lines = total, lines + [rest]
            return
        for end in range(start + 1, len(title)):
            line = title[start:end]
            w = text_width(line)
            if w > max_chars:
                break
            if w > prev_width:
                break
            search(end, left - 1, w, lines + [line], cost + _break_penalty(title, end, words))

    search(0, n_lines, float("inf"), [], 0.0)
    return best_lines


# ---------------------------------------------------------------------------- paragraphs

_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_H2 = re.compile(r"^（[一二三四五六七八九十]+）")
_H3 = re.compile(r"^\d+[.．]")


def h3_number(n: int) -> str:
    """第三层序数 ``1．`` with a full-width point (GB/T 9704 7.3.3): ``1.2021年`` would read as
    the decimal 1.2021 when the text starts with a digit."""
    return f"{n}．"
_H4 = re.compile(r"^（\d+）")

# pStyle / rStyle ids written by the template builder.
STYLE_BODY, STYLE_H1, STYLE_H2, STYLE_H3, STYLE_H4 = "GwBody", "GwH1", "GwH2", "GwH3", "GwH4"
RUN_PLAIN, RUN_HEI, RUN_KAI = "GwRunPlain", "GwRunHei", "GwRunKai"
# The last body paragraph before a 署名: keeps with the signature block (keep with next,
# widow/orphan control), so its last lines go with the 署名 to a new page.
STYLE_BODY_KEEP = "GwBodyKeep"


def classify(text: str) -> dict:
    """One paragraph of running text as a template item: heading level from its numbering
    (一、黑体 /（一）楷体 / 1. and （1）仿宋). A numbered paragraph that goes on after its
    first sentence keeps the heading font only for that sentence (a run-in heading)."""
    text = text.strip()
    for pattern, style, run in ((_H1, STYLE_H1, RUN_HEI), (_H2, STYLE_H2, RUN_KAI),
                                (_H3, STYLE_H3, RUN_PLAIN), (_H4, STYLE_H4, RUN_PLAIN)):
        if pattern.match(text):
            stop = text.find("。")
            if 0 <= stop < len(text) - 1:
                return {"style": STYLE_BODY, "head": text[:stop + 1], "head_style": run, "text": text[stop + 1:]}
            return {"style": style, "head": "", "head_style": RUN_PLAIN, "text": text}
    return {"style": STYLE_BODY, "head": "", "head_style": RUN_PLAIN, "text": text}


def paragraphs(text: str) -> list[str]:
    """Non-blank lines of a multi-line text, trimmed (full-width indents included)."""
    return [line.strip().strip("\u3000") for line in str(text or "").splitlines() if line.strip().strip("\u3000")]


# ---------------------------------------------------------------------------- signature


def signature_indent(issuer: str, date_text: str) -> int:
    """Right indent (twips) that centres 发文机关署名 over a 成文日期 set 右空四字
    (GB/T 9704 7.3.5.1)."""
    date_w, name_w = text_width(date_text or "2021年10月25日"), text_width(issuer)
    chars = 4 + (date_w - name_w) / 2
    return max(0, round(chars * CHAR_TWIPS))


def mark_size_half_points(mark: str) -> int:
    """发文机关标志: red 小标宋, as large as 初号 (42 pt) while it fits the type area."""
    width = max(text_width(mark), 1)
    pt = min(42, int(TEXT_W / TWIPS_PER_PT / width) - 1)
    return max(pt, 22) * 2


# ---------------------------------------------------------------------------- 发文字号

DOC_NUMBER = re.compile(r"^(?P<code>[^\s〔〕\[\]()（）]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def check_doc_number(value: str, *, where: str, key: str, line: int | None = None) -> str:
    """发文字号 like 示政〔2021〕12号: 机关代字, year in 六角括号〔〕, sequence without
    leading zeros, 号 at the end. Raises ConfigError naming ``key`` otherwise."""
    value = str(value or "").strip()
    if not value:
        raise ConfigError("缺少发文字号，请填写如 某政〔2021〕12号", path=where, line=line, key=key)
    if DOC_NUMBER.match(value):
        return value
    if "[" in value or "(" in value or "（" in value or "【" in value or "〔" not in value:
        reason = "年份须用六角括号〔〕括入"
    elif not re.search(r"〔\d{4}〕", value):
        reason = "年份须写全 4 位数字"
    elif not value.endswith("号"):
        reason = "须以“号”结尾"
    elif re.search(r"〕0", value):
        reason = "序号不编虚位（如 1 号不写作 01 号）"
    elif value.startswith("〔"):
        reason = "缺少发文机关代字"
    else:
        reason = "格式应为 机关代字〔年份〕序号号"
    raise ConfigError(f"发文字号“{value}”不符合 GB/T 9704-2012：{reason}，例如 某政〔2021〕12号",
                      path=where, line=line, key=key)
