"""The one text-cell helper every xlsx writer uses (cells.py)."""

from __future__ import annotations

import io

import openpyxl

from dossier import cells


def test_text_that_looks_like_a_formula_stays_text():
    """A cell starting with = + - @ would be a live formula in the workbook reviewers open, and
    control characters stop openpyxl from saving. This test ensures that the saved workbook holds
    every text exactly as written (minus what XML cannot hold), as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    written = ["=cmd|' /C calc'!A0", "+1+2", "-3", "@SUM(A1)", "纪要\x01\x07标题", 12]
    cells.append(sheet, written)
    cells.put(sheet["A2"], "=1+1")
    buf = io.BytesIO()
    book.save(buf)
    again = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert [c.value for c in again[1]] == ["=cmd|' /C calc'!A0", "+1+2", "-3", "@SUM(A1)", "纪要标题", 12]
    assert again["A2"].value == "=1+1"
    assert all(c.data_type != "f" for row in again.iter_rows() for c in row)
