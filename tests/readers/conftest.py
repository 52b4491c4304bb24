"""Fixtures for the reader tests; the files themselves come from reader_makers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from reader_makers import NOTICE_LINES, make_docx, make_xlsx


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "某县"
    (root / "材料").mkdir(parents=True)
    return root


@pytest.fixture(scope="session")
def office_made(tmp_path_factory) -> dict[str, Path]:
    """One LibreOffice run per target: an embedded-font PDF, a .doc and a .xls."""
    from dossier import office

    if office.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    base = tmp_path_factory.mktemp("office")
    src_docx = make_docx(base / "通知.docx", NOTICE_LINES, table=[["培训时间", "2021年5月20日"]],
                         header="示范县人民政府办公室")
    src_xlsx = make_xlsx(base / "台账.xlsx", {"培训台账": [["姓名", "培训日期", "总课时"],
                                                      ["张三", dt.date(2021, 5, 20), 8]]})
    cache = base / "cache"
    pdf = office.convert([src_docx], "pdf", cache)[src_docx].output
    doc = office.convert([src_docx], "doc", cache)[src_docx].output
    xls = office.convert([src_xlsx], "xls", cache)[src_xlsx].output
    assert pdf and doc and xls, "LibreOffice failed to produce the test files"
    out = {}
    for name, made in (("pdf", pdf), ("doc", doc), ("xls", xls)):
        target = base / f"made.{name}"
        shutil.copyfile(made, target)
        out[name] = target
    return out
