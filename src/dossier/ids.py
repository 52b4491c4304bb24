"""Indicator IDs as clerks type them: trimmed, full-width folded (``２．１．３`` = ``2.1.3``)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable

ID_SHAPE = re.compile(r"^(?:\d+(?:\.\d+){1,3}|[Nn]\d+)$")
# An ID at the start of a file or folder name, followed by a separator (CONTRACT.md §3).
NAME_PREFIX = re.compile(r"^\s*(\d+\.\d+\.\d+|[Nn]\d+)(?=[ _\-、.]|$)")
_PREFIXES: dict[int, re.Pattern] = {3: NAME_PREFIX}


def name_prefix(levels: int = 3) -> re.Pattern:
    """NAME_PREFIX for a catalog whose standards have ``levels`` numbers (2 → ``3.2``,
    4 → ``1.2.3.4``): a name starting with a shorter or longer number is not an ID there."""
    if levels not in _PREFIXES:
        number = r"\.".join([r"\d+"] * levels)
        _PREFIXES[levels] = re.compile(rf"^\s*({number}|[Nn]\d+)(?=[ _\-、.]|$)")
    return _PREFIXES[levels]
LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


def normalize(raw: str) -> str:
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    s = s.replace("。", ".")
    return s.upper() if s[:1] in "nN" else s


def split_ids(cell: str) -> list[str]:
    """``2.1.3、2.1.7；N1`` → ['2.1.3', '2.1.7', 'N1']."""
    folded = unicodedata.normalize("NFKC", str(cell))
    return [normalize(p) for p in LIST_SEPARATORS.split(folded) if p.strip()]


def nearest(wrong: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """Valid IDs close to ``wrong``: the same sub-item's first, then by spelling."""
    valid = list(valid)
    parts = wrong.split(".")
    same_sub = [v for v in valid if len(parts) >= 2 and "." in v
                and v.rsplit(".", 1)[0] == ".".join(parts[:-1])]
    if same_sub:
        return same_sub[:max(n, len(same_sub))] if len(same_sub) <= 8 else same_sub[:8]
    return difflib.get_close_matches(wrong, valid, n=n, cutoff=0.5)


def unknown_id_message(wrong: str, valid: Iterable[str]) -> str:
    near = nearest(wrong, valid)
    hint = f"，相近的有效编号：{'、'.join(near)}" if near else ""
    return f"未知指标编号 {wrong}{hint}"


def sort_key(item_id: str) -> tuple:
    if item_id[:1] == "N":
        return (1_000, int(item_id[1:]) if item_id[1:].isdigit() else 0)
    return tuple(int(p) for p in item_id.split(".") if p.isdigit())
