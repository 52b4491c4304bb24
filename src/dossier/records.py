"""Small typed records passed between the stages (catalog → index → check → render → build).

Every record is a frozen dataclass: stages never mutate what another stage produced.
Paths inside records are project-relative POSIX strings (``材料/2.1.3 会议/纪要.pdf``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

# --------------------------------------------------------------------------- catalog

MATERIAL_KINDS = ("制度文件", "会议纪要", "培训记录", "经费文件", "工作台账", "活动记录", "照片", "承诺书", "其他")


@dataclass(frozen=True)
class Rule:
    """One declarative rule of a standard, as written in the catalog (``type`` + parameters)."""

    type: str
    params: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class Condition:
    """``applies_when``: the standard applies only when ``project.<key> <op> value`` holds."""

    key: str
    op: str  # gt, ge, lt, le, eq, ne
    value: Any


@dataclass(frozen=True)
class Standard:
    """A 工作标准 (or a 负面工作清单项 when ``negative`` is true)."""

    id: str
    text: str
    short: str
    kinds: tuple[str, ...]
    departments: tuple[str, ...]
    keywords: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    applies_when: Condition | None = None
    category_id: str = ""
    subitem_id: str = ""
    negative: bool = False

    def rules_of(self, type_: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.type == type_)


@dataclass(frozen=True)
class SubItem:
    id: str  # "2.1"
    name: str  # 组织协调
    standards: tuple[Standard, ...]


@dataclass(frozen=True)
class Category:
    id: str  # "2"
    name: str  # 组织领导
    subitems: tuple[SubItem, ...]

    @property
    def standards(self) -> tuple[Standard, ...]:
        return tuple(s for sub in self.subitems for s in sub.standards)


@dataclass(frozen=True)
class Catalog:
    id: str
    name: str
    scheme: str
    kinds: tuple[str, ...]
    categories: tuple[Category, ...]
    negative_name: str
    negative_items: tuple[Standard, ...]
    notice: Mapping[str, Any] = field(default_factory=dict)
    form: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # file the catalog was read from
    sha256: str = ""  # of that file: a changed catalog re-resolves assignments

    @property
    def standards(self) -> tuple[Standard, ...]:
        return tuple(s for c in self.categories for s in c.standards)

    @property
    def subitems(self) -> tuple[SubItem, ...]:
        return tuple(sub for c in self.categories for sub in c.subitems)

    def items(self) -> Iterator[Standard]:
        """Every standard, then every negative-list item, in catalog order."""
        yield from self.standards
        yield from self.negative_items

    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.items())

    def get(self, item_id: str) -> Standard | None:
        return self._index().get(item_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def subitem(self, subitem_id: str) -> SubItem | None:
        return next((s for s in self.subitems if s.id == subitem_id), None)

    def _index(self) -> dict[str, Standard]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {s.id: s for s in self.items()}
            object.__setattr__(self, "_by_id", cached)
        return cached


# --------------------------------------------------------------------------- project


@dataclass(frozen=True)
class Contact:
    name: str = ""
    title: str = ""
    phone: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class Incident:
    item: str  # N1..N7
    date: dt.date
    summary: str = ""


@dataclass(frozen=True)
class Request:
    """请示: the covering request (CONTRACT.md §2 ``request``)."""

    issuer: str
    doc_number: str
    signer: str
    to: str
    date: dt.date | None
    title: str = ""
    attachments: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Project:
    root: Path
    config_path: Path
    catalog: str  # built-in name or path as written
    evidence_dir: str
    applicant: str
    contact: Contact
    application_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    population: int | None
    units: Mapping[str, tuple[str, ...]]
    narrative: str  # resolved text (from a file or inline)
    narrative_file: str | None
    self_assessment: str
    incidents: tuple[Incident, ...]
    request: Request
    templates: Mapping[str, str]
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def output_dir(self) -> Path:
        return self.root / "输出"

    @property
    def state_dir(self) -> Path:
        """Caches and the index: inside 输出/ so nothing is written elsewhere."""
        return self.output_dir / ".dossier"


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class EvidenceFile:
    """What the index learned from one file. ``error`` is set when it could not be read."""

    path: str  # project-relative, POSIX
    sha256: str
    size: int
    mtime: float
    format: str  # pdf, docx, doc, wps, xlsx, xls, et, image, unsupported
    title: str = ""
    kind: str = ""  # inferred 材料类型
    date: dt.date | None = None  # evidence date per CONTRACT.md §3
    date_source: str = ""  # the label (会议时间, 培训时间, …), 成文日期, 文件名 or 正文
    dates: tuple[dt.date, ...] = ()
    doc_number: str = ""  # 文号
    issuer: str = ""
    pages: int | None = None
    scanned: bool = False  # a PDF without a text layer
    encrypted: bool = False
    error: str | None = None  # plain-Chinese reason when unusable
    page_texts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str:
        return "\n".join(self.page_texts)


@dataclass(frozen=True)
class Assignment:
    """``path`` proves ``indicator``. Manifest columns override what the file says."""

    path: str
    indicator: str
    source: str  # manifest | name | register
    row: int | None = None  # spreadsheet row for manifest rows
    manifest: str | None = None  # which manifest file
    title: str | None = None
    kind: str | None = None
    date: dt.date | None = None
    unit: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ManifestProblem:
    source: str  # 材料清单.xlsx, or the file name for a name-based problem
    row: int | None
    message: str


@dataclass(frozen=True)
class Suggestion:
    path: str
    indicator: str
    score: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    """One file as it counts for one standard: the file's facts merged with its assignment."""

    path: str
    indicator: str
    title: str
    kind: str
    date: dt.date | None
    unit: str | None
    source: str
    usable: bool
    doc_number: str = ""


@dataclass(frozen=True)
class TrainingRecord:
    """One row of 台账/培训台账.xlsx (CONTRACT.md §4)."""

    row: int
    name: str
    role: str
    unit: str
    appointed: dt.date | None
    trained: dt.date | None
    course: str
    total_hours: float | None
    child_hours: float | None


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class Problem:
    code: str  # stable, e.g. too-few-per-year
    message: str  # Chinese, with the numbers
    # The structured facts behind the message (period, count, need, units…): documents word
    # them as official prose (documents/problems.yaml); not part of a problem's identity.
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Finding:
    id: str
    status: str  # met | partial | missing | not_applicable | declared | undeclared | violated
    evidence: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()  # e.g. undated evidence: shown, never by itself partial


@dataclass(frozen=True)
class FileReport:
    path: str
    status: str  # ok | error
    message: str
    assigned: tuple[str, ...]


@dataclass(frozen=True)
class CheckReport:
    catalog: str
    eligible: bool
    findings: tuple[Finding, ...]
    files: tuple[FileReport, ...]
    manifest: tuple[ManifestProblem, ...]

    @property
    def summary(self) -> dict[str, int]:
        keys = ("met", "partial", "missing", "not_applicable", "declared", "undeclared", "violated")
        counts = dict.fromkeys(keys, 0)
        for f in self.findings:
            counts[f.status] += 1
        return counts

    @property
    def all_good(self) -> bool:
        s = self.summary
        return (self.eligible and s["partial"] == 0 and s["missing"] == 0
                and s["undeclared"] == 0 and not self.manifest
                and all(f.status == "ok" for f in self.files))

    def finding(self, item_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == item_id), None)
