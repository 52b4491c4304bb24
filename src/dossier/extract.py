"""Facts from the text of one evidence file: title, 文号, issuer, evidence date, kind.

Pure functions over strings, shared by the reader (what a file says), the manifest (a
blank 材料名称/材料类型/日期 column) and the check. The words they look for live in
``readers/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from importlib import resources
from pathlib import PurePosixPath
from typing import Iterable

import yaml

from dossier.dates import find_dates, make_date
from dossier.ids import NAME_PREFIX
from dossier.records import MATERIAL_KINDS

# date_source values (EvidenceFile.date_source); labelled dates use the label itself.
SOURCE_CLOSING = "成文日期"
SOURCE_NAME = "文件名"
SOURCE_TEXT = "正文"

_CN_NUM = "〇○零ＯОO0一二三四五六七八九十"  # as dates.find_dates reads them
_DATE_ONLY = re.compile(
    rf"[（(]?(?:\d{{4}}(?:年\d{{1,2}}月\d{{1,2}}日|([-/.])\d{{1,2}}\1\d{{1,2}})"
    rf"|[{_CN_NUM}]{{4}}年[{_CN_NUM}]{{1,3}}月[{_CN_NUM}]{{1,3}}日)[）)]?")
# 文号: 机关代字 + 〔年份〕 + 序号 + 号, whatever brackets the typist found.
_OPEN, _CLOSE = "〔［\\[【（(﹝{", "〕］\\]】）)﹞}"
_DOC_NUMBER = re.compile(
    rf"([\u4e00-\u9fffA-Za-z]{{1,14}})\s*[{_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_CLOSE}]"
    rf"\s*第?\s*([0-9０-９]{{1,5}})\s*号")
_SENTENCE_END = "。；;！!？?，,"
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    text = resources.files("dossier").joinpath("readers", "vocabulary.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["_kinds"] = [(kind, [re.compile(p) for p in pats]) for kind, pats in data["kinds"].items()]
    data["_head"] = [re.compile(p) for p in data["head_line_patterns"]]
    endings = sorted(data["title_endings"], key=len, reverse=True)
    data["_ending"] = re.compile(rf"(?:{'|'.join(map(re.escape, endings))})[》”\"）)]*$")
    labels = sorted(data["date_labels"], key=len, reverse=True)
    spaced = "|".join(r"\s*".join(map(re.escape, label)) for label in labels)
    # A label starts a line or a cell: 出生日期 / 任职日期 are not evidence dates.
    # The colon may be missing where a table cell holds the label ("培训时间 | 2021年5月20日").
    data["_label"] = re.compile(rf"(?:^|(?<=[\t|│，,；;。]))[ \u3000]*({spaced})[ \t\u3000]*[：:]?[ \t\u3000]*", re.M)
    issuers = sorted(data["issuer_endings"], key=len, reverse=True)
    data["_issuer"] = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,40}}(?:{'|'.join(map(re.escape, issuers))})$")
    unknown = set(data["kinds"]) - set(MATERIAL_KINDS)
    if unknown:
        raise ValueError(f"vocabulary.yaml names unknown kinds: {sorted(unknown)}")
    return data


# --------------------------------------------------------------------------- lines


def lines_of(text_or_lines: str | Iterable[str]) -> list[str]:
    """Non-blank lines, trimmed (full-width spaces included)."""
    raw = text_or_lines.splitlines() if isinstance(text_or_lines, str) else \
        [part for item in text_or_lines for part in str(item).splitlines()]
    return [s for s in (line.strip(" \t\u3000\u00a0\ufeff") for line in raw) if s]


def _squash(line: str) -> str:
    """Letter-spaced headings ("通  知", "会 议 纪 要") read as words; spaces between words
    ("示范县委网信办 示范县教育局", a joint 署名) stay."""
    tokens = line.split()
    if len(tokens) > 1 and all(len(t) == 1 for t in tokens):
        return "".join(tokens)
    return line


def is_date_only(line: str) -> bool:
    s = unicodedata.normalize("NFKC", re.sub(r"[\s\u3000]+", "", line))
    return bool(s) and _DATE_ONLY.fullmatch(s) is not None


def _is_head_line(line: str) -> bool:
    s = _squash(line)
    if is_date_only(s) or _doc_number_line(s):
        return True
    return any(p.search(s) for p in vocabulary()["_head"])


def _doc_number_line(line: str) -> bool:
    """A line that is a 文号, possibly with 签发人 beside it."""
    m = _DOC_NUMBER.search(line)
    return bool(m) and m.start() <= 2 and len(line) - m.end() < 20


# --------------------------------------------------------------------------- title


def title_of(text_or_lines: str | Iterable[str], fallback_name: str = "") -> str:
    """The document's title: the first heading line after the 版头 (份号, 密级, 发文机关标志,
    文号, 签发人), joined with the lines that continue it until one ends like a title
    (…的通知, …纪要). ``fallback_name`` (a file name) is used when no line looks like one."""
    lines = [_squash(s) for s in lines_of(text_or_lines)[:60]]
    number_at = _doc_number_index(lines)
    # Whatever stands above the 文号 is the 版头 (机关 names, with or without 文件, or a
    # 纪要's 会议纪要): the title follows the 文号. Without one, skip the usual head lines.
    starts = [number_at + 1, 0] if number_at is not None else [0]
    for start in starts:
        title = _title_from(lines, start)
        if title:
            return title
    return name_title(fallback_name)


def _title_from(lines: list[str], i: int) -> str:
    voc = vocabulary()
    while i < len(lines) and _is_head_line(lines[i]):
        i += 1
    if i >= len(lines) or not _title_like(lines[i]):
        return ""
    first = lines[i]
    parts = [first]
    if voc["_ending"].search(first):
        # "…强制报告" / "制度实施办法": a wrapped line may end like a title by chance.
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if len(first) >= 12 and nxt and _continues_title(nxt) and voc["_ending"].search(first + nxt):
            parts.append(nxt)
    else:
        # A long title wraps: keep reading while lines continue it, up to 4 lines.
        for nxt in lines[i + 1:i + 4]:
            if not _continues_title(nxt):
                break
            parts.append(nxt)
            if voc["_ending"].search("".join(parts)):
                break
        if not voc["_ending"].search("".join(parts)):
            parts = [first]
    title = "".join(parts)
    return title if len(title) <= 80 else ""


_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[、.．])")


def _continues_title(line: str) -> bool:
    # A wrapped title may leave one character on its last line ("…的批" / "复"); a section
    # heading (一、 （一） 1.) starts the body instead.
    if _ENUMERATION.match(line) or _is_head_line(line):
        return False
    return _title_like(line) or (len(line) == 1 and "\u4e00" <= line <= "\u9fff")


def _doc_number_index(lines: list[str]) -> int | None:
    """Where the head's 文号 line is: within the first lines and before any body text."""
    for k, line in enumerate(lines[:10]):
        if _doc_number_line(line):
            return k
        if _body_like(line):
            return None
    return None


def _title_like(line: str) -> bool:
    # A wrapped title line is short; a title kept in one Word paragraph may be long, but
    # then it ends like a title.
    limit = 80 if vocabulary()["_ending"].search(line) else 45
    return (2 <= len(line) <= limit and "\t" not in line and line[-1] not in _SENTENCE_END
            and "：" not in line and ":" not in line and re.search(r"[\u4e00-\u9fff]", line) is not None)


def name_title(file_name: str) -> str:
    """A file name as a title: no folder, no extension, no leading indicator ID."""
    if not file_name:
        return ""
    stem = PurePosixPath(str(file_name).replace("\\", "/")).name
    if "." in stem and len(stem.rsplit(".", 1)[1]) <= 5:
        stem = stem.rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFC", stem).strip()
    m = NAME_PREFIX.match(stem)
    rest = stem[m.end():].lstrip(" _-、.").strip() if m else stem
    return rest or stem


# --------------------------------------------------------------------------- 文号


def find_doc_number(text: str) -> str:
    """The document's own 文号 (``示政办发〔2021〕12号``), brackets normalised to 〔〕.

    Only a 文号 line in the head counts: one inside a sentence cites another document, and
    文号 listed in a table after the body are other documents'."""
    lines = [_squash(s) for s in lines_of(text)[:12]]
    k = _doc_number_index(lines)
    return _format_doc_number(_DOC_NUMBER.search(lines[k])) if k is not None else ""


def normalize_doc_number(raw: str) -> str:
    """``示政办发[2021]12号`` → ``示政办发〔2021〕12号``; unrecognised text is returned trimmed."""
    m = _DOC_NUMBER.search(str(raw))
    return _format_doc_number(m) if m else str(raw).strip()


def _format_doc_number(m: re.Match) -> str:
    agency = re.sub(r"\s+", "", m.group(1))
    number = unicodedata.normalize("NFKC", m.group(3)).lstrip("0") or "0"
    return f"{agency}〔{m.group(2)}〕{number}号"


# --------------------------------------------------------------------------- issuer


def find_issuer(text: str) -> str:
    """The issuing organisation when the text shows one: the 发文机关标志 above the 文号
    (several 机关 are joined with 、), else a ``…文件`` line at the head, else the
    "机关  日期" line of a 纪要's head, else the 署名 just before the 成文日期, else the
    印发机关 of the 版记."""
    lines, closing = _closing(text)
    number_at = _doc_number_index(lines)
    if number_at:
        names = _head_issuers(lines[:number_at])
        if names:
            return "、".join(names)
    for line in lines[:6]:
        m = re.fullmatch(r"(.{2,40}?)\s*文件", line)
        if m and "《" not in line and "关于" not in line:
            return re.sub(r"\s+", "", m.group(1))
    for line in lines[:8]:
        name = _signature_and_date(line)  # 纪要 and 简报 print "机关    日期" under the 期号
        if name:
            return name
    if closing is not None:
        name = _signature_before(lines, closing)
        if name:
            return name
    for line in reversed(lines[-12:]):
        m = re.match(r"^(\S.{1,38}?)\s+\S*\d{4}年\d{1,2}月\d{1,2}日\s*印发$", line)
        if m and _org_like(m.group(1)):
            return re.sub(r"\s+", "", m.group(1))
    return ""


def _head_issuers(head: list[str]) -> list[str]:
    """机关 names in the 版头 above a 文号: "示范县人民检察院 示范县公安局 文件" → both."""
    names: list[str] = []
    for line in head:
        bare = re.sub(r"\s*文\s*件$", "", line)
        if "《" in line or "关于" in line:
            continue
        for name in bare.split():
            if _org_like(name) and name not in names:
                names.append(name)
    return names


def _org_like(s: str) -> bool:
    return vocabulary()["_issuer"].fullmatch(re.sub(r"\s+", "", s)) is not None


def _signature_before(lines: list[str], index: int) -> str:
    same = _signature_and_date(lines[index])
    if same:
        return same
    for back in range(index - 1, max(-1, index - 3), -1):
        names = [n for n in lines[back].split() if _org_like(n)]
        if names and len(names) == len(lines[back].split()):
            return "、".join(names)  # 联合署名: 示范县委网信办 示范县教育局
        if _org_like(lines[back]):
            return re.sub(r"\s+", "", lines[back])
    return ""


def _signature_and_date(line: str) -> str:
    """``示范县民政局    2021年3月15日`` (署名 and date on one line) → the name."""
    m = re.match(r"^(.{2,40}?)[\s\u3000]+(\S+)$", line.strip())
    if m and is_date_only(m.group(2)) and _org_like(m.group(1)):
        return re.sub(r"\s+", "", m.group(1))
    return ""


# --------------------------------------------------------------------------- dates


def labelled_date(text: str) -> tuple[dt.date | None, str]:
    """The first date written after a label (会议时间：…), specific labels before generic ones."""
    voc = vocabulary()
    order = {label: i for i, label in enumerate(voc["date_labels"])}
    best: tuple[int, dt.date, str] | None = None
    for m in voc["_label"].finditer(text):
        label = re.sub(r"\s+", "", m.group(1))
        rank = order.get(label, len(order))
        if best is not None and rank >= best[0]:
            continue  # an earlier match of this label or a better one already won
        found = find_dates(text[m.end():m.end() + 24])
        if not found or found[0][0] != 0:
            continue
        best = (rank, found[0][1], label)
        if rank == 0:
            break
    return (best[1], best[2]) if best else (None, "")


def closing_date(text: str) -> dt.date | None:
    """The 成文日期: the date line closing a document (after its body, usually under the
    署名). A date line at the head (纪要 and 简报 print one under the title) is not it."""
    lines, index = _closing(text)
    if index is None:
        return None
    line = lines[index]
    found = find_dates(re.sub(r"[\s\u3000]+", "", line.split()[-1] if _signature_and_date(line) else line))
    return found[0][1] if found else None


@functools.lru_cache(maxsize=2)
def _closing(text: str) -> tuple[list[str], int | None]:
    # find_issuer and closing_date both need it; one text is asked twice in a row.
    lines = [_squash(s) for s in lines_of(text)]
    return lines, _closing_index(lines)


def _closing_index(lines: list[str]) -> int | None:
    body_seen = False
    fallback = None
    for i, line in enumerate(lines):
        if is_date_only(line) or _signature_and_date(line):
            if not body_seen:
                continue
            if _signature_and_date(line) or _signed_above(lines, i):
                return i
            fallback = i
        elif not body_seen and _body_like(line):
            body_seen = True
    return fallback


def _body_like(line: str) -> bool:
    """Body text, as opposed to the head block (机关, 期号, a date under the title)."""
    if _is_head_line(line):
        return False
    if any(c in line for c in "。，；：！？…,;:!?"):
        return True
    # A long line is body text unless it is a row of 机关 names (a joint 版头 or 署名).
    return len(line) >= 20 and not all(_org_like(t) for t in line.split())


def _signed_above(lines: list[str], i: int) -> bool:
    """The line above a date is a 署名 (organisation, 承诺人：…, （盖章）), not body text."""
    above = lines[i - 1] if i > 0 else ""
    if not above or len(above) > 40 or above[-1] in "。；;！!？?":
        return False
    return _org_like(above) or bool(re.search(r"(人|单位|签名|签字|盖章)[）)]?[：:]?", above))


def name_date(file_name: str) -> dt.date | None:
    """A date in the file name (not its folders): 2021-03-15, 2021年3月15日, 20210315, …"""
    name = PurePosixPath(str(file_name).replace("\\", "/")).name
    name = unicodedata.normalize("NFKC", name)
    found = find_dates(name)
    compact = [(m.start(), make_date(*map(int, m.groups()))) for m in _COMPACT_DATE.finditer(name)]
    candidates = sorted(found + [c for c in compact if c[1]], key=lambda t: t[0])
    return candidates[0][1] if candidates else None


def evidence_date(text: str, file_name: str = "") -> tuple[dt.date | None, str]:
    """The evidence date and where it came from, in CONTRACT.md §3's order: a labelled date
    (the label is the source), the 成文日期, a date in the file name, the first full date
    in the text; else (None, "")."""
    day, label = labelled_date(text)
    if day:
        return day, label
    day = closing_date(text)
    if day:
        return day, SOURCE_CLOSING
    day = name_date(file_name) if file_name else None
    if day:
        return day, SOURCE_NAME
    found = find_dates(text)
    if found:
        return found[0][1], SOURCE_TEXT
    return None, ""


def all_dates(text: str) -> tuple[dt.date, ...]:
    """Every distinct date in the text, in reading order."""
    return tuple(dict.fromkeys(day for _, day in find_dates(text)))


# --------------------------------------------------------------------------- kind

IMAGE_FORMATS = frozenset({"image", "jpg", "jpeg", "png", "tif", "tiff", "bmp"})


def infer_kind(title: str, text: str = "", format: str = "") -> str:
    """One of records.MATERIAL_KINDS: images are 照片; otherwise the kind whose words the
    title shows (weighed heavily) and the body shows; ties go to the earlier kind
    (纪要 before 承诺 before 培训 … before 通知/方案); nothing → 其他."""
    if format.lower() in IMAGE_FORMATS:
        return "照片"
    voc = vocabulary()
    title = _squash(title or "")
    scores: dict[str, int] = {}
    for kind, patterns in voc["_kinds"]:
        score = 0
        if any(p.search(title) for p in patterns):
            score += voc["title_weight"]
        if text and any(p.search(text) for p in patterns):
            score += 1
        scores[kind] = score
    bonus_kind = voc["format_kinds"].get(format.lower())
    if bonus_kind:
        scores[bonus_kind] = scores.get(bonus_kind, 0) + voc["format_weight"]
    best = max(scores.values(), default=0)
    if best <= 0:
        return "其他"
    return next(kind for kind, _ in voc["_kinds"] if scores[kind] == best)
