"""Registers (台账): spreadsheets the rules read row by row (CONTRACT.md §4).

A register is read once into a :class:`Sheet` (header → cell per row, with the
spreadsheet's own row numbers); typed views such as :func:`training_records` turn rows
into records and every row they cannot use into a :class:`ManifestProblem` naming the
row, so one bad row is reported and skipped instead of stopping the check.
"""

from __future__ import annotations

import io
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from dossier import dates as dates_lib
from dossier.paths import OutsideProject, inside
from dossier.records import ManifestProblem, TrainingRecord

TRAINING_REGISTER = "台账/培训台账.xlsx"

# Clerks' spreadsheets drift from the contract's header words; these are the spellings
# seen in county registers for the same column.
TRAINING_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "role": ("岗位", "职务", "岗位类别"),
    "unit": ("所属单位", "单位", "工作单位"),
    "appointed": ("任职日期", "任职时间"),
    "trained": ("培训日期", "培训时间"),
    "course": ("培训名称", "培训内容", "培训班名称"),
    "total_hours": ("总课时", "课时"),
    "child_hours": ("儿童社会工作课时", "儿童社会工作相关课时", "儿童社会工作课程课时"),
}
TRAINING_REQUIRED = ("name", "role", "trained")
# The column a training rule weighs against 总课时 (``min_child_hours_ratio``); a catalog
# names another with the rule's ``hours_column`` or its register's ``columns.topic_hours``.
TOPIC_HOURS = "child_hours"


def training_columns(columns: Mapping[str, Any] | None = None,
                     hours_column: str | None = None) -> dict[str, tuple[str, ...]]:
    """The header spellings per field: the contract's defaults, overridden by a catalog's
    register definition (``topic_hours`` is the catalog's name for the subject-hours field)."""
    cols = dict(TRAINING_COLUMNS)
    for key, aliases in (columns or {}).items():
        key = TOPIC_HOURS if key == "topic_hours" else key
        cols[key] = (aliases,) if isinstance(aliases, str) else tuple(aliases)
    if hours_column and hours_column not in cols[TOPIC_HOURS]:
        cols[TOPIC_HOURS] = (hours_column,)
    return cols

@dataclass(frozen=True)
class Sheet:
    """The first worksheet of a register: header names and the rows under them."""

    path: str  # project-relative, as the rule names it
    found: bool
    error: str | None = None
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[int, Mapping[str, Any]], ...] = ()  # (spreadsheet row number, header → value)

    @property
    def usable(self) -> bool:
        return self.found and self.error is None


@dataclass(frozen=True)
class TrainingRegister:
    sheet: Sheet
    records: tuple[TrainingRecord, ...] = ()
    problems: tuple[ManifestProblem, ...] = field(default_factory=tuple)

    def of_roles(self, roles: tuple[str, ...] | list[str]) -> tuple[TrainingRecord, ...]:
        wanted = {norm(r) for r in roles}
        return tuple(r for r in self.records if norm(r.role) in wanted)


def norm(text: Any) -> str:
    """Names as compared: full-width folded, trimmed, inner spaces removed."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def read_sheet(root: Path, rel: str) -> Sheet:
    """Read the first worksheet of ``root/rel``; a missing or unreadable file is a Sheet
    with ``found`` false or ``error`` set, never an exception."""
    try:
        path = inside(root, rel)
    except OutsideProject as e:
        return Sheet(rel, False, f"台账路径 {rel} 无效：{e}")
    if not path.is_file():
        return Sheet(rel, False)
    try:
        from python_calamine import CalamineWorkbook

        from dossier.readers.guard import check_workbook_file

        check_workbook_file(path)  # zip-bomb limits, as for evidence workbooks
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))  # from_path cannot take every file name
        if not book.sheet_names:
            return Sheet(rel, True, "台账中没有工作表")
        raw = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises several unrelated types for broken files
        return Sheet(rel, True, f"无法读取（文件损坏或不是 Excel 表格）：{e}")
    header_at = next((i for i, row in enumerate(raw) if any(_blank(c) is False for c in row)), None)
    if header_at is None:
        return Sheet(rel, True, "台账是空表，没有表头")
    headers = tuple(norm(c) for c in raw[header_at])
    rows = []
    for i, row in enumerate(raw[header_at + 1:], start=header_at + 2):
        if all(_blank(c) for c in row):
            continue
        rows.append((i, {h: (row[j] if j < len(row) else None) for j, h in enumerate(headers) if h}))
    return Sheet(rel, True, None, headers, tuple(rows))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_date(value: Any) -> dt.date | None | str:
    """A date cell as a date; None when blank; the original text when it is not a date."""
    if _blank(value):
        return None
    parsed = dates_lib.cell_date(value)
    if parsed is not None:
        return parsed
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def cell_number(value: Any) -> float | None | str:
    if _blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("课时").removesuffix("学时").strip()
    try:
        return float(text)
    except ValueError:
        return str(value).strip()


def column(sheet: Sheet, aliases: tuple[str, ...]) -> str | None:
    """The header of ``sheet`` matching one of ``aliases`` (compared after folding)."""
    present = set(sheet.headers)
    return next((norm(a) for a in aliases if norm(a) in present), None)


def load_training_register(root: Path, rel: str = TRAINING_REGISTER, *, columns: Mapping[str, Any] | None = None,
                           hours_column: str | None = None) -> TrainingRegister:
    """Read the training register into records; bad rows become problems with row numbers."""
    sheet = read_sheet(root, rel)
    if not sheet.found:
        return TrainingRegister(sheet)
    if sheet.error:
        return TrainingRegister(sheet, (), (ManifestProblem(rel, None, sheet.error),))
    records, problems = training_records(sheet, training_columns(columns, hours_column))
    return TrainingRegister(sheet, records, problems)


def training_records(sheet: Sheet, spellings: Mapping[str, tuple[str, ...]] | None = None
                     ) -> tuple[tuple[TrainingRecord, ...], tuple[ManifestProblem, ...]]:
    spellings = spellings or TRAINING_COLUMNS
    cols = {key: column(sheet, aliases) for key, aliases in spellings.items()}
    absent = [spellings[k][0] for k in TRAINING_REQUIRED if cols[k] is None]
    if absent:
        found = "、".join(h for h in sheet.headers if h) or "无"
        return (), (ManifestProblem(sheet.path, 1, f"缺少表头“{'、'.join(absent)}”（现有表头：{found}），整张台账无法使用"),)
    records, problems = [], []
    for row_no, cells in sheet.rows:
        get = lambda key: cells.get(cols[key]) if cols[key] else None  # noqa: E731
        reasons = []
        name = norm(get("name"))
        role = norm(get("role"))
        if not name:
            reasons.append("姓名为空")
        if not role:
            reasons.append("岗位为空")
        dates = {}
        for key in ("appointed", "trained"):
            value = cell_date(get(key))
            if isinstance(value, str):
                reasons.append(f"{cols[key]}“{value}”不是有效日期")
                value = None
            dates[key] = value
        hours = {}
        for key in ("total_hours", "child_hours"):
            value = cell_number(get(key))
            if isinstance(value, str):
                reasons.append(f"{cols[key]}“{value}”不是数字")
                value = None
            elif value is not None and value < 0:
                reasons.append(f"{cols[key]}为负数")
                value = None
            hours[key] = value
        if (hours["total_hours"] is not None and hours["child_hours"] is not None
                and hours["child_hours"] > hours["total_hours"]):
            reasons.append(f"{spellings[TOPIC_HOURS][0]} {hours['child_hours']:g} 大于总课时 {hours['total_hours']:g}")
        if reasons:
            problems.append(ManifestProblem(sheet.path, row_no, "；".join(reasons) + "，已跳过该行"))
            continue
        records.append(TrainingRecord(
            row=row_no, name=name, role=role, unit=norm(get("unit")),
            appointed=dates["appointed"], trained=dates["trained"],
            course=str(get("course") or "").strip(),
            total_hours=hours["total_hours"], child_hours=hours["child_hours"]))
    return tuple(records), tuple(problems)
