"""What the binder is asked to bind (a Plan) and what it reports back (a PageMap).

Page numbers in a PageMap are the printed body numbers (``— 23 —``); the PDF index of body
page n is ``front + n - 1``, where ``front`` counts the cover and the 目录 pages.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dossier import wording


@dataclass(frozen=True)
class Source:
    """One evidence file to be bound: where it is and how to turn it into pages."""

    path: str  # project-relative, POSIX
    file: Path  # absolute, to read from
    format: str  # pdf | image | docx, doc, wps, xlsx, xls, et (office)
    sha256: str = ""
    error: str | None = None  # already known to be unreadable (from the index)


@dataclass(frozen=True)
class FileEntry:
    path: str
    title: str
    date: dt.date | None = None


@dataclass(frozen=True)
class StandardSection:
    id: str
    short: str
    status: str  # check's status: met | partial | missing | not_applicable | declared | …
    files: tuple[FileEntry, ...] = ()


@dataclass(frozen=True)
class CategorySection:
    id: str
    name: str
    standards: tuple[StandardSection, ...]


@dataclass(frozen=True)
class Plan:
    title: str  # document title, e.g. 证明材料汇编
    applicant: str
    scheme: str
    date: dt.date | None
    categories: tuple[CategorySection, ...]
    dividers: bool = True
    # The clerk's draft: gaps shown in the 目录 and a 草稿 mark on every page (issue 11).
    draft: bool = False
    annex_label: str = ""  # 附件3: the 汇编 as the 请示's attachment, printed on its cover


@dataclass(frozen=True)
class Placement:
    """Where one evidence file was bound (printed body page numbers, inclusive)."""

    path: str
    title: str
    first: int
    last: int
    standard: str  # the standard it was bound under (its first)


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1 category, 2 standard, 3 file
    text: str
    pages: str  # as printed in the 目录's page column
    kind: str  # category | standard | bound | reference | unreadable | missing | not_applicable
    target: int | None = None  # body page the entry links to
    standard: str | None = None
    path: str | None = None
    toc_page: int | None = None  # 1-based 目录 page the entry was printed on
    rect: tuple[float, float, float, float] | None = None  # link area on that page


@dataclass(frozen=True)
class PageMap:
    front: int  # cover + 目录 pages
    toc_pages: int
    body: int
    placements: dict[str, Placement]
    standards: dict[str, tuple[int, int] | None]  # standard → range of its files' pages
    entries: tuple[TocEntry, ...]
    dividers: dict[str, int] = field(default_factory=dict)  # category → its divider page
    problems: dict[str, str] = field(default_factory=dict)  # path → why it was left out

    def pdf_index(self, body_page: int) -> int:
        return self.front + body_page - 1

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "PageMap":
        data = json.loads(text)
        return cls(
            front=data["front"], toc_pages=data["toc_pages"], body=data["body"],
            placements={k: Placement(**v) for k, v in data["placements"].items()},
            standards={k: (tuple(v) if v else None) for k, v in data["standards"].items()},
            entries=tuple(TocEntry(**{**e, "rect": tuple(e["rect"]) if e.get("rect") else None})
                          for e in data["entries"]),
            dividers=data.get("dividers", {}), problems=data.get("problems", {}),
        )


def page_range(first: int, last: int) -> str:
    """``23–25`` (en dash), or ``23`` for one page (wording.yaml's format)."""
    return wording.page_range(first, last)


def reference(first: int, last: int) -> str:
    """见第23–25页, as the 目录 refers to pages (wording.yaml)."""
    return wording.page_ref(first, last, where="toc")
