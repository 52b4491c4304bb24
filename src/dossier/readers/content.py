"""What a format reader hands back before the text facts are extracted."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageSize:
    """A PDF page as a viewer shows it: width and height in points with /Rotate already
    applied (a portrait page rotated 90° is landscape here), and that /Rotate."""

    width: float
    height: float
    rotation: int = 0


@dataclass
class Content:
    page_texts: list[str] = field(default_factory=list)
    pages: int | None = None
    scanned: bool = False
    scanned_pages: list[int] = field(default_factory=list)  # 1-based pages with no text layer
    encrypted: bool = False
    meta_title: str = ""  # document properties title (often stale: a hint, never preferred)
    page_sizes: list[PageSize] = field(default_factory=list)
    image_size: tuple[int, int] | None = None
    exif_dates: list[dt.date] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    error: str | None = None


# Layout engines put a thin space between Chinese and Latin/digits ("2021 年 3 月"); in
# Chinese text a lone space there is never meaningful, so it goes.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0](?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ \u00a0](?=[{_CJK}])")


def tidy_layout_text(text: str) -> str:
    """Text from a PDF text layer, as a clerk would type it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # pdfium marks a hyphen at a line end as U+FFFE (older builds: U+0002).
    text = text.replace("\ufffe", "-").replace("\x02", "-").replace("\x00", "")
    return _CJK_SPACE.sub("", text)
