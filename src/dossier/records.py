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

# The nine kinds dossier infers by itself (readers/vocabulary.yaml, CONTRACT.md §3); a
# catalog may declare more (``kinds:`` with ``match`` words), see :class:`KindSpec`.
MATERIAL_KINDS = ("制度文件", "会议纪要", "培训记录", "经费文件", "工作台账", "活动记录", "照片", "承诺书", "其他")


@dataclass(frozen=True)
class KindSpec:
    """A material kind as a catalog declares it: ``match`` are words (regular expressions)
    that, found in a file's title, make it this kind; ``formats`` are file formats (image,
    pdf, docx, xlsx …) that are this kind unless their title says otherwise."""

    name: str
    match: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class RosterSpec:
    """A roster (``units.<key>`` of dossier.yaml) as a catalog describes it."""

    key: str
    label: str  # what a member is called: 乡镇（街道）
    note: str = ""
    example: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactSpec:
    """A project fact ``applies_when`` may test (``population``, ``facts.<key>``)."""

    key: str
    label: str
    type: str = "number"  # number | boolean
    example: Any = None
    note: str = ""


@dataclass(frozen=True)
class RegisterSpec:
    """A register (台账) a catalog's rules read: its file, name and header spellings."""

    file: str
    label: str = ""
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hours_column: str | None = None


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
    score: float | None = None  # 分值, when the scheme scores its standards
    supply: str = ""  # what to supply when it has no evidence (default: its kinds)

    def rules_of(self, type_: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.type == type_)


@dataclass(frozen=True)
class SubItem:
    id: str  # "2.1" ("2.1.3" in a four-level catalog; "2" in a two-level one, unnamed)
    name: str  # 组织协调
    standards: tuple[Standard, ...]
    section: str = ""  # four levels: the second-level name this third-level group sits in


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
    sealed_kinds: tuple[str, ...] = ("承诺书",)  # kinds that must bear a 公章 (warning ``unsealed``)
    kind_specs: tuple[KindSpec, ...] = ()
    units: Mapping[str, RosterSpec] = field(default_factory=dict)
    facts: Mapping[str, FactSpec] = field(default_factory=dict)
    registers: Mapping[str, RegisterSpec] = field(default_factory=dict)
    supply: Mapping[str, str] = field(default_factory=dict)  # problem code → what to supply
    levels: int = 3  # ID levels: 2 (C.N), 3 (C.S.N) or 4 (C.S.G.N)
    numbering: str = ""  # the numbering rule in words, as the file states it
    documents: Mapping[str, Any] = field(default_factory=dict)  # wording of the generated documents
    init: Mapping[str, Any] = field(default_factory=dict)  # dossier init's defaults
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind_names(self) -> tuple[str, ...]:
        """Every kind valid in this scheme: dossier's nine, then the catalog's own."""
        extra = [k for k in self.kinds if k not in MATERIAL_KINDS]
        return MATERIAL_KINDS + tuple(dict.fromkeys(extra))

    @property
    def scored(self) -> bool:
        return any(s.score is not None for s in self.standards)

    @property
    def total_score(self) -> float:
        return sum(s.score or 0 for s in self.standards)

    @property
    def title_words(self) -> tuple[str, ...]:
        """Words a document title line must not split (``documents.keep_together``)."""
        return tuple(self.documents.get("keep_together") or ())

    @property
    def custom_kinds(self) -> tuple[KindSpec, ...]:
        """Declared kinds that change inference (with ``match`` words or ``formats``)."""
        cached = self.__dict__.get("_custom_kinds")
        if cached is None:
            cached = tuple(k for k in self.kind_specs if k.match or k.formats)
            object.__setattr__(self, "_custom_kinds", cached)
        return cached

    def kind_of(self, title: str, inferred: str, format: str = "", text: str = "") -> str:
        """The kind of a file in this scheme: the first declared kind whose ``match`` words
        appear in the title; else the kind dossier inferred, if this scheme has it; else a
        declared kind for the file's format, a declared kind whose words the text shows, or
        其他. A catalog without ``match`` words keeps dossier's inference unchanged."""
        specs = self.custom_kinds
        if not specs:
            return inferred
        import re

        for k in specs:
            if k.match and any(re.search(w, title or "") for w in k.match):
                return k.name
        for k in specs:
            if format and format.lower() in k.formats:
                return k.name
        if inferred and inferred != "其他":
            return inferred
        head = (text or "")[:4000]
        for k in specs:
            if k.match and any(re.search(w, head) for w in k.match):
                return k.name
        return inferred or "其他"

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
        index = self._index()
        if item_id in index:
            return index[item_id]
        # As clerks type them: ``２．１．３`` or `` n4 `` (CONTRACT.md §1), e.g. in a workbench URL.
        from dossier.ids import normalize
        return index.get(normalize(item_id)) if item_id else None

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
    facts: Mapping[str, Any] = field(default_factory=dict)  # dossier.yaml ``facts:`` for applies_when
    ocr: bool = True  # dossier.yaml ``ocr: false`` turns OCR of scans and photos off

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
    scanned_pages: tuple[int, ...] = ()  # 1-based pages without a usable text layer (to OCR)
    ocr_pages: int = 0  # pages whose text came from OCR
    seal: bool | None = None  # a red seal on an OCR'd page; None: not looked for

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
    # Set when the clerk assigned an identical copy (same sha256) of ``path``: the copy's
    # own path. Identical content counts, and is bound, once (as ``path``).
    copy: str | None = None


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
    duplicate_of: str | None = None  # an identical copy of that file: counted and bound as it
    used_as: str | None = None  # what a file proving no standard is used for instead (基本情况)


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

    @property
    def unassigned(self) -> tuple[FileReport, ...]:
        """Evidence files assigned to no standard (identical copies of another file excluded:
        they are listed as duplicates), in path order."""
        return tuple(f for f in self.files if not f.assigned and not f.duplicate_of and not f.used_as)

    @property
    def duplicates(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.duplicate_of)
