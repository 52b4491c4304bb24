"""The 任务分解表: one row per gap (standard, problem, what to supply, departments), a
first sheet with every gap and one sheet per responsible department, ready to send out."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dossier import cells
from dossier.records import Catalog, CheckReport
from dossier.reports import UNASSIGNED_HINT, Gap, departments, gaps, label, need, unassigned

HEADERS = ("指标编号", "工作标准", "存在问题", "需补充材料", "责任部门")
WIDTHS = (10, 40, 50, 34, 20)
ALL_SHEET = "全部任务"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _problems(gap: Gap) -> str:
    head = f"【{label(gap.finding.status)}】"
    return head + "\n".join(p.message for p in gap.finding.problems)


def _sheet(wb: Workbook, title: str, rows: list[Gap], first: bool = False, catalog: Catalog | None = None) -> None:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="4F6D8F")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for g in rows:
        std = g.standard
        cells.append(ws, (std.id, std.text, _problems(g), need(g, catalog), "、".join(std.departments)))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(ws.max_row, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel allows 31 characters and forbids []:*?/\\ in sheet names."""
    base = _BAD_SHEET_CHARS.sub("_", name)[:31] or "部门"
    title, n = base, 2
    while title in taken:
        title = f"{base[:28]}_{n}"
        n += 1
    taken.add(title)
    return title


FILES_SHEET = "未分配的文件"
FILES_HEADERS = ("文件", "情况", "处理建议")


def _files_sheet(wb: Workbook, report: CheckReport, title: str) -> None:
    """Every file that proves nothing yet, and every identical copy, by name."""
    loose, copies = unassigned(report), report.duplicates
    if not loose and not copies:
        return
    ws = wb.create_sheet()
    ws.title = title
    cells.append(ws, FILES_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="4F6D8F")
    for f in loose:
        state = "未分配到任何指标" + (f"；无法读取：{f.message}" if f.status != "ok" else "")
        cells.append(ws, (f.path, state, UNASSIGNED_HINT))
    for f in copies:
        cells.append(ws, (f.path, f"与 {f.duplicate_of} 内容完全相同", f"只按 {f.duplicate_of} 计（不重复计入、不重复装订）；副本可移出材料文件夹"))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate((60, 40, 60), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def render(report: CheckReport, catalog: Catalog) -> bytes:
    found = gaps(report, catalog)
    wb = Workbook()
    taken = {ALL_SHEET}
    _sheet(wb, ALL_SHEET, found, first=True, catalog=catalog)
    for dept in departments(catalog):
        mine = [g for g in found if dept in g.standard.departments]
        if mine:
            _sheet(wb, sheet_name(dept, taken), mine, catalog=catalog)
    _files_sheet(wb, report, sheet_name(FILES_SHEET, taken))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
