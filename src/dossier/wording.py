"""The printed words used in more than one place, from ``wording.yaml``: status labels (the
clerk's and the county's), the page-reference format and its parser, and the clean-up of
titles taken from file names. Documents, the binder, the reports and verify read them here."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("dossier").joinpath("wording.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def status_label(status: str, *, official: bool = False) -> str:
    """``partial`` → 部分达标 (clerk) / 基本达标 (official, as printed in the 自评报告)."""
    entry = _data()["status"].get(status)
    if entry is None:
        return status
    return entry["official" if official else "clerk"]


def status_labels(*, official: bool = False) -> dict[str, str]:
    return {k: v["official" if official else "clerk"] for k, v in _data()["status"].items()}


DASH = "–"


def page_range(first: int, last: int | None = None) -> str:
    """``23–25`` (en dash), or ``23`` for one page."""
    dash = _data()["page_ref"]["range_dash"]
    return str(first) if not last or last == first else f"{first}{dash}{last}"


def page_ref(first: int, last: int | None = None, *, where: str = "document") -> str:
    """见汇编第23–25页 (documents) or 见第23–25页 (inside the 目录)."""
    return _data()["page_ref"][where].format(pages=page_range(first, last))


def _ref_pattern(where: str) -> re.Pattern:
    head, tail = _data()["page_ref"][where].split("{pages}")
    return re.compile(re.escape(head) + r"(\d+)(?:\s*[–\-—~～至]\s*(\d+))?" + re.escape(tail))


@functools.lru_cache(maxsize=4)
def ref_pattern(where: str = "document") -> re.Pattern:
    """The parser of :func:`page_ref` (also accepts -, —, ~ and 至 a clerk may type)."""
    return _ref_pattern(where)


def parse_refs(text: str, where: str = "document") -> list[tuple[int, int]]:
    """Every page reference in ``text`` as (first, last)."""
    text = text.replace("\u2060", "")  # documents glue references with WORD JOINERs
    return [(int(m.group(1)), int(m.group(2) or m.group(1))) for m in ref_pattern(where).finditer(text)]


# A title derived from a file name often starts with the clerk's filing date or the
# standard's ID (``2021-06-01 县残联…``, ``20210601_…``, ``2.1.3-会议纪要``): the province
# reads the document's title, not the file name.
_LEADING = re.compile(
    r"^\s*(?:"
    r"(?:19|20)\d{2}[-_.年/]?\d{1,2}[-_.月/]?\d{1,2}日?"  # 2021-06-01, 20210601, 2021年6月1日
    r"|(?:19|20)\d{2}[-_.年](?:\d{1,2}月?)?"  # 2021-06, 2021年
    r"|[Nn]?\d{1,2}(?:\.\d{1,2}){1,3}"  # 2.1.3
    r"|[Nn]\d{1,2}"  # N6
    r"|\d{1,3}(?=[-_、])"  # 01_ / 3-
    r")(?![.．]?\d)(?:\s*[-_、.．]\s*|\s+)")


def clean_title(title: str) -> str:
    """``2021-06-01 县残联参与未成年人保护工作情况`` → ``县残联参与未成年人保护工作情况``.
    Leaves the title alone if nothing would remain or it does not start that way."""
    text = str(title or "").strip()
    for _ in range(3):
        m = _LEADING.match(text)
        if not m or m.end() == 0 or m.end() >= len(text):
            break
        rest = text[m.end():].lstrip()
        if not rest or rest[0] in "年月日号期次届":
            break
        text = rest
    return text


def title(name: str) -> str:
    """A title printed in more than one document (``dossier`` → 申报证明材料汇编)."""
    return _data()["titles"][name]
