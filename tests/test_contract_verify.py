"""CONTRACT.md §5 exit codes / BRIEF plain reasons: ``dossier verify`` on a damaged 证明材料汇编.pdf."""

from __future__ import annotations

import re

from dossier import verify


def test_damaged_dossier_pdf_is_reported_in_plain_chinese(tmp_path):
    """When 输出/证明材料汇编.pdf is damaged (a copy cut short, a file saved over it) verify reports one
    mismatch naming the file with a Chinese reason and what to do, not PDFium's English error text.
    This test ensures that a clerk reads why verify failed and how to fix it."""
    pdf = tmp_path / "证明材料汇编.pdf"
    pdf.write_bytes(b"%PDF-1.7\n this is not a whole PDF")
    result = verify._verify(None, pdf, None, None, None)
    assert len(result.mismatches) == 1
    problem = result.mismatches[0]
    text = f"{problem}"
    assert "证明材料汇编.pdf" in text and "文件已损坏" in text and "dossier build" in text
    assert not re.search(r"PDFium|Data format|Failed to load", text)
