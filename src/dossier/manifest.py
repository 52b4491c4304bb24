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
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from dossier import cells as cells_lib
from dossier import ids as ids_lib
from dossier.atomic import atomic_path
from dossier.errors import DossierError, EvidenceError, UsageError
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

    from dossier.readers.guard import check_workbook_file

    check_workbook_file(path)  # calamine unzips on its own: a zip bomb must not reach it
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))  # from_path cannot take every file name
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
        except EvidenceError as e:
            problems.append(ManifestProblem(path.name, None, f"{e.reason.removesuffix('，未读取')}，此清单未读取"))
            continue
        except csv.Error as e:
            problems.append(ManifestProblem(path.name, None, f"CSV 格式错误（{e}），此清单未读取"))
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


def key_of(rel: str) -> str:
    """How two spellings of one path are compared: NFC, '/', case-folded (clerks type on Windows)."""
    return unicodedata.normalize("NFC", rel).replace("\\", "/").strip("/").casefold()


def _already_there(table: list[list[Any]], columns: dict[str, int], rel: str, wanted: list[str]) -> bool:
    target = key_of(rel)
    for raw in table[1:]:
        def get(field):
            i = columns.get(field)
            return _cell_text(raw[i]) if i is not None and i < len(raw) else ""
        written = key_of(get("file"))
        if written in (target, target.split("/", 1)[-1]) and set(wanted) <= set(ids_lib.split_ids(get("indicator"))):
            return True
    return False


def _append_xlsx(path: Path, catalog: Catalog, cells: dict[str, str], wanted: list[str], create: bool) -> int | None:
    if create:
        from dossier.scaffold import manifest_workbook

        with atomic_path(path) as tmp:
            manifest_workbook(catalog).save(tmp)
    try:
        table = _read_xlsx(path)
    except Exception:  # calamine raises its own types for damaged workbooks
        raise DossierError(f"{path.name} 已损坏或不是有效的 Excel 表格，无法添加行；请先修复或改名后重试") from None
    columns = _append_columns(path, table)
    if _already_there(table, columns, cells["file"], wanted):
        return None
    # Pre-formatted empty rows (the template has 500) do not count as filled.
    last = max((n for n, raw in enumerate(table, start=1) if any(_cell_text(c) for c in raw)), default=1)
    row = last + 1
    values = {columns[f] + 1: v for f, v in cells.items() if f in columns}
    try:
        data = _sheet_with_row(path, row, values)
    except Exception:  # any surprise in a hand-edited package: refuse rather than write a broken workbook
        raise DossierError(f"{path.name} 的结构无法识别，无法添加行；请用 Excel 另存为 .xlsx 后重试") from None
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return row


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_index(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_with_row(path: Path, row: int, values: dict[int, str]) -> bytes:
    """The workbook's bytes with ``values`` (1-based column → text) written into ``row`` of the
    manifest sheet. Only that sheet's XML changes: styles, dropdowns (including the Excel 2010
    extension lists openpyxl would drop), other sheets and every other part stay byte for byte."""
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        sheets = book.findall(f"{{{_MAIN}}}sheets/{{{_MAIN}}}sheet")
        chosen = next((sh for sh in sheets if sh.get("name") == SHEET_NAME), sheets[0])
        rel_id = chosen.get(f"{{{_REL}}}id")
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.findall(f"{{{_PKG_REL}}}Relationship") if r.get("Id") == rel_id)
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheet = etree.fromstring(z.read(part))
        data = sheet.find(f"{{{_MAIN}}}sheetData")
        row_el = next((r for r in data.findall(f"{{{_MAIN}}}row") if int(r.get("r", "0")) == row), None)
        if row_el is None:
            row_el = etree.Element(f"{{{_MAIN}}}row", r=str(row))
            later = next((r for r in data.findall(f"{{{_MAIN}}}row") if int(r.get("r", "0")) > row), None)
            if later is None:
                data.append(row_el)
            else:
                later.addprevious(row_el)
        for col, text in sorted(values.items()):
            ref = f"{_col_letter(col)}{row}"
            cell = next((c for c in row_el.findall(f"{{{_MAIN}}}c") if c.get("r") == ref), None)
            if cell is None:
                cell = etree.Element(f"{{{_MAIN}}}c", r=ref)
                later = next((c for c in row_el.findall(f"{{{_MAIN}}}c") if _col_index(c.get("r", "A")) > col), None)
                if later is None:
                    row_el.append(cell)
                else:
                    later.addprevious(cell)
            for child in list(cell):
                cell.remove(child)
            cell.set("t", "inlineStr")
            inline = etree.SubElement(cell, f"{{{_MAIN}}}is")
            # An inline string is never a formula; clean() drops what XML cannot hold.
            etree.SubElement(inline, f"{{{_MAIN}}}t").text = cells_lib.clean(text)
        if row_el.get("spans"):
            del row_el.attrib["spans"]  # an optimisation hint Excel recomputes
        dim = sheet.find(f"{{{_MAIN}}}dimension")
        if dim is not None:
            m = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", dim.get("ref", ""))
            if m:
                last_col = max(_col_index(m.group(3) or m.group(1)), max(values))
                last_row = max(int(m.group(4) or m.group(2)), row)
                dim.set("ref", f"{m.group(1)}{m.group(2)}:{_col_letter(last_col)}{last_row}")
        new_sheet = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in z.infolist():
                dst.writestr(info, new_sheet if info.filename == part else z.read(info.filename))
    return out.getvalue()


def _append_columns(path: Path, table: list) -> dict[str, int]:
    """Field → column index from the header row; refuses a manifest without the required columns."""
    columns: dict[str, int] = {}
    for i, cell in enumerate(table[0] if table else []):
        key = _header_key(cell)
        if key and key not in columns:
            columns[key] = i
    missing = [FIELD_HEADER[k] for k in REQUIRED if k not in columns]
    if missing:
        raise DossierError(f"{path.name} 第 1 行缺少“{'”“'.join(missing)}”列，无法添加行")
    return columns


def _append_csv(path: Path, cells: dict[str, str], wanted: list[str]) -> int | None:
    data = path.read_bytes()
    try:
        text, encoding = decode_csv(data)
    except UnicodeDecodeError:
        raise DossierError(f"{path.name} 的编码无法识别（应为 UTF-8 或 GB18030），无法添加行") from None
    delimiter = _delimiter(text)
    table = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    columns = _append_columns(path, table)
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


# --------------------------------------------------------------------------- workbench writes
# Added for ``dossier serve``: the same byte-preserving writer as ``accept``, with a note of the
# workbench's choosing, in-place cell edits and row clearing, and a token that tells whether the
# manifest changed on disk since a page showed it.


def manifest_token(root: Path) -> str:
    """Size and mtime of every manifest at ``root``: changes whenever Excel, WPS or dossier saves one."""
    parts = []
    for name in NAMES:
        try:
            st = (root / name).stat()
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    import hashlib

    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def add_row(project: Project, catalog: Catalog, rel_path: str, ids: list[str], *, note: str) -> AcceptResult:
    """What :func:`accept` does, with ``note`` in 备注 (who added the row, and when)."""
    root = project.root
    wanted = []
    for raw in ids:
        for one in ids_lib.split_ids(raw):
            if catalog.get(one) is None:
                raise UsageError(ids_lib.unknown_id_message(one, catalog.ids()))
            if one not in wanted:
                wanted.append(one)
    if not wanted:
        raise UsageError("请至少选择一个指标编号")
    try:
        target = inside(root, rel_path, also_under=project.evidence_dir)
    except OutsideProject as e:
        raise UsageError(f"文件 {rel_path} 无效：{e}") from None
    if not target.is_file():
        raise UsageError(f"找不到文件 {rel_path}")
    rel = rel_posix(target, root)
    cells = {"indicator": "、".join(wanted), "file": rel, "note": note}
    xlsx, csv_path = root / XLSX_NAME, root / CSV_NAME
    if xlsx.is_file() or not csv_path.is_file():
        created = not xlsx.is_file()
        row = _append_xlsx(xlsx, catalog, cells, wanted, created)
        return AcceptResult(XLSX_NAME, row, rel, tuple(wanted), created)
    return AcceptResult(CSV_NAME, _append_csv(csv_path, cells, wanted), rel, tuple(wanted), False)


def _xlsx_for_edit(root: Path, source: str) -> tuple[Path, list[list[Any]], dict[str, int]]:
    if source != XLSX_NAME:
        raise UsageError(f"只能在工作台中修改 {XLSX_NAME}；{source} 请用 Excel 或 WPS 修改")
    path = root / XLSX_NAME
    if not path.is_file():
        raise UsageError(f"{XLSX_NAME} 不存在")
    try:
        table = _read_xlsx(path)
    except Exception:  # calamine raises its own types for damaged workbooks
        raise DossierError(f"{XLSX_NAME} 已损坏或不是有效的 Excel 表格，无法修改") from None
    return path, table, _append_columns(path, table)


def row_values(root: Path, source: str, row: int) -> dict[str, str]:
    """The text of every known column of one manifest row (``row`` as the spreadsheet numbers it)."""
    path, table, columns = _xlsx_for_edit(root, source)
    if row < 2 or row > len(table):
        raise UsageError(f"{source} 没有第 {row} 行")
    raw = table[row - 1]
    out = {}
    for field, i in columns.items():
        value = raw[i] if i < len(raw) else None
        out[field] = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else _cell_text(value)
    return out


def update_row(root: Path, source: str, row: int, values: dict[str, str]) -> None:
    """Write ``values`` (field → text) into one existing row of 材料清单.xlsx, keeping everything else."""
    path, table, columns = _xlsx_for_edit(root, source)
    if row < 2 or row > len(table) or not any(_cell_text(c) for c in table[row - 1]):
        raise UsageError(f"{source} 第 {row} 行不存在或为空")
    missing = [FIELD_HEADER[f] for f in values if f not in columns]
    if missing:
        raise UsageError(f"{source} 没有“{'”“'.join(missing)}”列，请先在 Excel 中添加该列")
    cells = {columns[f] + 1: v for f, v in values.items()}
    try:
        data = _sheet_with_row(path, row, cells)
    except Exception:  # a hand-edited package we do not understand: refuse rather than break it
        raise DossierError(f"{path.name} 的结构无法识别，无法修改；请用 Excel 另存为 .xlsx 后重试") from None
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def clear_row(root: Path, source: str, row: int) -> dict[str, str]:
    """Blank one row of 材料清单.xlsx (a blank row is skipped when read); returns what it held."""
    before = row_values(root, source, row)
    path, table, columns = _xlsx_for_edit(root, source)
    try:
        data = _sheet_with_row(path, row, {i + 1: "" for i in columns.values()})
    except Exception:
        raise DossierError(f"{path.name} 的结构无法识别，无法修改；请用 Excel 另存为 .xlsx 后重试") from None
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return before


def restore_row(project: Project, catalog: Catalog, values: dict[str, str]) -> int | None:
    """Append a row cleared by :func:`clear_row` again (after the file came back from the 回收站)."""
    xlsx = project.root / XLSX_NAME
    wanted = [i for i in ids_lib.split_ids(values.get("indicator", "")) if catalog.get(i) is not None]
    cells = {k: v for k, v in values.items() if v}
    return _append_xlsx(xlsx, catalog, cells, wanted, not xlsx.is_file())
