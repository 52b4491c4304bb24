"""Evidence that used to stop a whole build: PDFs with indirect integers (as "Microsoft: Print
To PDF" writes them), images of 3 px or less on a side, and a file whose pages fail while
being bound."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dossier import build as build_lib
from dossier import office
from dossier.verify import verify

from makers import CONFIG, text_pdf

bind_lib = importlib.import_module("dossier.binder.bind")  # the package exports the function bind

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")

FOLDER = "材料/2.1.3 县级会议"


def indirect_integers_pdf(path: Path, text: str) -> Path:
    """A one-page PDF whose /Count, /Rotate, /StructParents and stream /Length are indirect
    integers, written by hand (no library writes them that way on purpose)."""
    body = b"BT /F1 24 Tf 72 700 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 5 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Rotate 6 0 R /StructParents 7 0 R"
        b" /UserUnit 10 0 R /Contents 4 0 R /Resources << /Font << /F1 8 0 R >> >> >>",
        b"<< /Length 9 0 R >>\nstream\n" + body + b"\nendstream",
        b"1", b"0", b"0",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        str(len(body)).encode(),
        b"1.0",
    ]
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def _image(path: Path, size: tuple[int, int], fmt: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 30, 30)).save(path, fmt)
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd") / "县"
    root.mkdir()
    (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
    text_pdf(root / FOLDER / "会议纪要.pdf", ["县未成年人保护工作领导小组会议纪要（2021年3月15日）"])
    indirect_integers_pdf(root / FOLDER / "打印的会议纪要.pdf", "Printed to PDF meeting minutes")
    _image(root / "材料/4.1.2 活动/三像素.jpg", (3, 3), "JPEG")
    _image(root / "材料/4.1.2 活动/两像素.png", (2, 2), "PNG")
    _image(root / "材料/4.1.2 活动/细长条.png", (1, 100000), "PNG")
    return root


def test_indirect_integers_and_tiny_images_are_bound(county):
    """This test ensures that a PDF whose objects include indirect integers and images of 3 px or less
    on a side (3×3 jpg, 2×2 png, 1×100000 png) are bound like any other evidence, that the dossier
    passes qpdf --check and that verify finds every page reference true."""
    result = build_lib.build(county)
    bound = set(result.page_map.placements)
    assert {f"{FOLDER}/打印的会议纪要.pdf", "材料/4.1.2 活动/三像素.jpg", "材料/4.1.2 活动/两像素.png",
            "材料/4.1.2 活动/细长条.png"} <= bound, result.left_out
    pdf = county / "输出" / "证明材料汇编.pdf"
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    checked = verify(county)
    assert checked.ok, checked.mismatches


def test_a_file_failing_while_bound_is_left_out_by_name(county, tmp_path, monkeypatch, cli):
    """This test ensures that when one file's pages fail while being bound, that file is left out and
    named with the reason (in the result, the 目录's notes and the CLI summary), every other file is
    bound, the build exits 0 and the dossier verifies."""
    import shutil

    root = tmp_path / "县"
    shutil.copytree(county, root)
    shutil.rmtree(root / "输出")  # bind afresh, not reuse the first test's dossier
    real = bind_lib._add_run
    bad = f"{FOLDER}/打印的会议纪要.pdf"

    def fail_on_printed(part, src, run, font, number):
        if bind_lib._label(run) == bad:
            raise RuntimeError("unsupported object in page tree")
        return real(part, src, run, font, number)

    monkeypatch.setattr(bind_lib, "_add_run", fail_on_printed)
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    assert bad in result.stdout and "无法装订此文件" in result.stdout
    pm = build_lib._previous_page_map(build_lib.project_lib.load(root))
    assert bad not in pm.placements and "unsupported object" in pm.problems[bad]
    assert f"{FOLDER}/会议纪要.pdf" in pm.placements and "材料/4.1.2 活动/三像素.jpg" in pm.placements
    checked = verify(root)
    assert checked.ok, checked.mismatches
