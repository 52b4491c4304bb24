"""材料清单: the clerk's spreadsheet saying which file proves which standard (CONTRACT.md §3).

This module only reads the sheets into rows (and appends rows for ``dossier accept``);
what a row means — IDs, paths, dates, kinds — is decided in :mod:`dossier.assign`.
``材料清单.xlsx`` and ``材料清单.csv`` at the project root are both read when both exist.
Row numbers are the spreadsheet's own: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier import ids as ids_lib
from dossier.atomic import atomic_path
from dossier.errors import DossierError, UsageError
from dossier.paths import OutsideProject, inside, rel_posix
from dossier.records import Catalog, ManifestProblem, Project

XLSX_NAME = "材料清单.xlsx"
CSV_NAME = "材料清单.csv"
NAMES = (XLSX_NAME, CSV_NAME)
SHEET_NAME = "材料清单"

# Column → field; Chinese headers and their English aliases (CONTRACT.md §3).
HEADERS = {
    "指标编号": "indicator", "indicator": "indicator",
    "文件": "file", "file": "file",
    "材料名称": "title", "title": "title",
    "材料类型": "kind", "kind": "kind",
    "日期": "date", "date": "date",
    "主体": "unit", "unit": "unit",
    "备注": "note", "note": "note",
}
FIELD_HEADER = {"indicator": "指标编号", "file": "文件", "title": "材料名称", "kind": "材料类型",
                "date": "日期", "unit": "主体", "note": "备注"}
REQUIRED = ("indicator", "file")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
ACCEPT_NOTE = "由 dossier accept 确认"


@dataclass(frozen=True)
class ManifestRow:
    """One non-blank row as written: cells are raw (a date cell may be a date, a str or a number)."""

    source: str  # 材料清单.xlsx / 材料清单.csv
    row: int  # spreadsheet row number, header = 1
    indicator: str
    file: str
    title: str = ""
    kind: str = ""
    date: Any = None
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class AcceptResult:
    manifest: str  # file name written
    row: int | None  # the new row's number; None when the row was already there
    path: str  # project-relative path written into the row
    ids: tuple[str, ...]
    created: bool  # the manifest did not exist and was created from the template

    @property
    def added(self) -> bool:
        return self.row is not None


def manifest_paths(root: Path) -> list[Path]:
    return [root / n for n in NAMES if (root / n).is_file()]


def signature(root: Path) -> str:
    """Changes whenever a manifest is added, removed or saved."""
    parts = []
    for p in manifest_paths(root):
        st = p.stat()
        parts.append(f"{p.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _header_key(cell: Any) -> str | None:
    """``指标编号`` / ``Indicator`` / ``指标编号（必填）`` / ``*文件`` → field name."""
    text = unicodedata.normalize("NFKC", str(cell or "")).strip()
    text = re.sub(r"[（(].*?[)）]", "", text).replace("*", "").strip().lower()
    return HEADERS.get(text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_table(source: str, table: list[list[Any]]) -> tuple[list[ManifestRow], list[ManifestProblem]]:
    if not table or not any(_cell_text(c) for c in table[0]):
        return [], [ManifestProblem(source, 1, "第 1 行应为表头（指标编号、文件、材料名称、材料类型、日期、主体、备注），"
                                               "此清单未读取")]
    columns: dict[str, int] = {}
    for i, cell in enumerate(table[0]):
        key = _header_key(cell)
        if key and key not in columns:
            columns[key] = i
    missing = [FIELD_HEADER[k] for k in REQUIRED if k not in columns]
    if missing:
        return [], [ManifestProblem(source, 1, f"表头缺少“{'”“'.join(missing)}”列，此清单未读取"
                                               "（第 1 行应为表头：指标编号、文件、材料名称、材料类型、日期、主体、备注）")]
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        def get(field: str) -> Any:
            i = columns.get(field)
            return raw[i] if i is not None and i < len(raw) else None

        if not any(_cell_text(c) for c in raw):
            continue
        date = get("date")
        rows.append(ManifestRow(
            source=source, row=number, indicator=_cell_text(get("indicator")), file=_cell_text(get("file")),
            title=_cell_text(get("title")), kind=_cell_text(get("kind")),
            date=date if isinstance(date, (dt.date, int, float)) else _cell_text(date),
            unit=_cell_text(get("unit")), note=_cell_text(get("note"))))
    return rows, []


def _read_xlsx(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheet = SHEET_NAME if SHEET_NAME in book.sheet_names else book.sheet_names[0]
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), else GB18030 (which Excel writes as ANSI on Chinese Windows)."""
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "not UTF-8 or GB18030")


def _read_csv(path: Path) -> list[list[Any]]:
    text, _ = decode_csv(path.read_bytes())
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]


def _delimiter(text: str) -> str:
    """Comma, unless the header line is tab-separated (Excel's "Unicode text" export)."""
    header = text.split("\n", 1)[0]
    return "\t" if "\t" in header and "," not in header else ","


def read_manifests(root: Path) -> tuple[list[ManifestRow], list[ManifestProblem]]:
    """Every non-blank data row of every manifest at ``root``; a manifest that cannot be read
    at all is one problem (row None or 1) and contributes no rows."""
    rows: list[ManifestRow] = []
    problems: list[ManifestProblem] = []
    for path in manifest_paths(root):
        try:
            table = _read_xlsx(path) if path.suffix == ".xlsx" else _read_csv(path)
        except UnicodeDecodeError:
            problems.append(ManifestProblem(path.name, None, "无法识别文件编码（应为 UTF-8 或 GB18030），此清单未读取"))
            continue
        except PermissionError:
            problems.append(ManifestProblem(path.name, None, "没有读取权限，此清单未读取"))
            continue
        except Exception:  # calamine raises its own types for damaged workbooks
            problems.append(ManifestProblem(path.name, None, "文件已损坏或不是有效的 Excel 表格，此清单未读取"))
            continue
        r, p = _rows_from_table(path.name, table)
        rows += r
        problems += p
    return rows, problems


# --------------------------------------------------------------------------- accept


def accept(project: Project, catalog: Catalog, rel_path: str, ids: list[str]) -> AcceptResult:
    """Append ``rel_path → ids`` to the manifest, keeping its formatting and dropdowns.

    ``rel_path`` is relative to the project folder or to the evidence folder. The xlsx is
    preferred; with only a CSV the row goes there, in the CSV's own encoding; with neither,
    a manifest is created from the ``dossier init`` template."""
    root = project.root
    wanted = []
    for raw in ids:
        for one in ids_lib.split_ids(raw):
            if catalog.get(one) is None:
                raise UsageError(ids_lib.unknown_id_message(one, catalog.ids()))
            if one not in wanted:
                wanted.append(one)
    if not wanted:
        raise UsageError("请至少写一个指标编号，例如 dossier accept 材料/纪要.pdf 2.1.3")
    try:
        target = inside(root, rel_path, also_under=project.evidence_dir)
    except OutsideProject as e:
        raise UsageError(f"文件 {rel_path} 无效：{e}") from None
    if not target.is_file():
        raise UsageError(f"找不到文件 {rel_path}（已在项目文件夹和 {project.evidence_dir}/ 中查找）")
    rel = rel_posix(target, root)
    cells = {"indicator": "、".join(wanted), "file": rel, "note": ACCEPT_NOTE}

    xlsx, csv_path = root / XLSX_NAME, root / CSV_NAME
    if xlsx.is_file() or not csv_path.is_file():
        created = not xlsx.is_file()
        row = _append_xlsx(xlsx, catalog, cells, wanted, created)
        return AcceptResult(XLSX_NAME, row, rel, tuple(wanted), created)
    row = _append_csv(csv_path, cells, wanted)
    return AcceptResult(CSV_NAME, row, rel, tuple(wanted), False)


def _already_there(table: list[list[Any]], columns: dict[str, int], rel: str, wanted: list[str]) -> bool:
    target = unicodedata.normalize("NFC", rel).replace("\\", "/").casefold()
    for raw in table[1:]:
        def get(field):
            i = columns.get(field)
            return _cell_text(raw[i]) if i is not None and i < len(raw) else ""
        written = unicodedata.normalize("NFC", get("file")).replace("\\", "/").strip("/").casefold()
        if written in (target, target.split("/", 1)[-1]) and set(wanted) <= set(ids_lib.split_ids(get("indicator"))):
            return True
    return False


def _append_xlsx(path: Path, catalog: Catalog, cells: dict[str, str], wanted: list[str], create: bool) -> int | None:
    import openpyxl

    if create:
        from dossier.scaffold import manifest_workbook

        wb = manifest_workbook(catalog)
    else:
        try:
            wb = openpyxl.load_workbook(path)
        except Exception:  # openpyxl raises zipfile/KeyError/InvalidFileException variants
            raise DossierError(f"{path.name} 已损坏或不是有效的 Excel 表格，无法添加行；请先修复或改名后重试") from None
    ws = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
    columns: dict[str, int] = {}
    for cell in ws[1]:
        key = _header_key(cell.value)
        if key and key not in columns:
            columns[key] = cell.column
    missing = [FIELD_HEADER[k] for k in REQUIRED if k not in columns]
    if missing:
        raise DossierError(f"{path.name} 第 1 行缺少“{'”“'.join(missing)}”列，无法添加行")
    table = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    zero_based = {k: v - 1 for k, v in columns.items()}
    if _already_there(table, zero_based, cells["file"], wanted):
        return None
    # The template pre-formats 500 empty rows, so ws.max_row is not the last filled row.
    last = 1
    for number, raw in enumerate(table, start=1):
        if any(_cell_text(c) for c in raw):
            last = number
    row = last + 1
    for field, value in cells.items():
        if field in columns:
            ws.cell(row, columns[field]).value = value
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return row


def _append_csv(path: Path, cells: dict[str, str], wanted: list[str]) -> int | None:
    data = path.read_bytes()
    try:
        text, encoding = decode_csv(data)
    except UnicodeDecodeError:
        raise DossierError(f"{path.name} 的编码无法识别（应为 UTF-8 或 GB18030），无法添加行") from None
    delimiter = _delimiter(text)
    table = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    columns: dict[str, int] = {}
    for i, cell in enumerate(table[0] if table else []):
        key = _header_key(cell)
        if key and key not in columns:
            columns[key] = i
    missing = [FIELD_HEADER[k] for k in REQUIRED if k not in columns]
    if missing:
        raise DossierError(f"{path.name} 第 1 行缺少“{'”“'.join(missing)}”列，无法添加行")
    if _already_there(table, columns, cells["file"], wanted):
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    line = [""] * (max(columns.values()) + 1)
    for field, value in cells.items():
        if field in columns:
            line[columns[field]] = value
    out = io.StringIO()
    csv.writer(out, lineterminator=newline, delimiter=delimiter).writerow(line)
    body = text if text.endswith(("\n", "\r")) or not text else text + newline
    # Keep a BOM the file already had; never add one it did not.
    encoded = (body + out.getvalue()).encode("utf-8" if encoding.startswith("utf-8") else encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        encoded = b"\xef\xbb\xbf" + encoded
    with atomic_path(path) as tmp:
        tmp.write_bytes(encoded)
    # csv.reader yields a (blank) record for every line, so the new line's number follows them all.
    return len(table) + 1
