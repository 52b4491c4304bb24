"""Every text dossier writes into a spreadsheet is text: one helper for every xlsx writer.

A cell whose text starts with ``=`` ``+`` ``-`` or ``@`` (a 备注 a clerk typed, the first
line of a hostile PDF: ``=cmd|' /C calc'!A0``) would become a live formula in the
workbook reviewers open; control characters make openpyxl refuse to save at all. A text
cell written through :func:`put` or :func:`append` keeps exactly what was written,
minus the characters XML cannot hold, and is always stored as a string.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from dossier.paths import readable, undecodable

# What XML 1.0 cannot carry (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, plus U+FFFE/U+FFFF).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters a spreadsheet (XML) cannot hold; undecodable file-name
    bytes shown readably."""
    if undecodable(text):
        text = readable(text)
    return _ILLEGAL.sub("", text)


def put(cell, value: Any) -> None:
    """Set an openpyxl cell; text is stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"  # openpyxl would otherwise make "=…" a formula
    else:
        cell.value = value


def append(sheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every text value a text cell (see :func:`put`)."""
    values = list(values)
    sheet.append([clean(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, 1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = "s"
