"""The template tool (tools/templates.py) outside the runtime package, the root templates/ and
schemas/ links into the package, and the GB/T 9704 geometry defined once (dossier.gbt9704)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx

from dossier import gbt9704 as G

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "dossier"
SHIPPED = PACKAGE / "templates"


def test_tool_rebuilds_the_committed_templates(tmp_path):
    """``python tools/templates.py OUT`` writes the six templates, and every part of each
    (document.xml, styles.xml, headers, footers, fontTable.xml …) equals the committed
    template's, with the same zip entries in the same order.
    This test ensures that the committed .docx templates are what the committed tool makes."""
    r = subprocess.run([sys.executable, str(REPO / "tools" / "templates.py"), str(tmp_path)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    built = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert built == sorted(p.name for p in SHIPPED.glob("*.docx"))
    assert len(built) == 6
    for name in built:
        with zipfile.ZipFile(tmp_path / name) as new, zipfile.ZipFile(SHIPPED / name) as old:
            assert new.namelist() == old.namelist(), name
            for part in old.namelist():
                assert new.read(part) == old.read(part), f"{name}:{part} — run python tools/templates.py"


def test_runtime_package_holds_no_template_builder():
    """No module under src/dossier builds templates or imports the tool: dossier renders from
    the shipped .docx files only.
    This test ensures that the builders stay out of the runtime package."""
    assert not list(PACKAGE.rglob("template_builder.py"))
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "template_builder" not in text and "tools.templates" not in text, path


def test_root_links_resolve_to_the_package_copies():
    """The repository's templates/ and schemas/ are links to src/dossier/templates and
    src/dossier/schemas, so the files a reader finds at the root are the ones installed.
    This test ensures that the root copies cannot drift from the package's."""
    for name in ("templates", "schemas"):
        root = REPO / name
        assert root.is_symlink(), name
        assert root.resolve() == (PACKAGE / name).resolve()
        assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in (PACKAGE / name).iterdir())


def test_gbt9704_numbers_and_converters():
    """The standard's figures: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 × 28, and the
    converters to points, twips and EMU.
    This test ensures that the one definition of the geometry says what GB/T 9704-2012 says."""
    assert (G.PAGE_W_MM, G.PAGE_H_MM) == (210, 297)
    assert (G.MARGIN_TOP_MM, G.MARGIN_LEFT_MM) == (37, 28)
    assert (G.TEXT_W_MM, G.TEXT_H_MM) == (156, 225)
    assert (G.LINES_PER_PAGE, G.CHARS_PER_LINE) == (22, 28)
    assert abs(G.pt(25.4) - 72) < 1e-9 and G.twips(25.4) == 1440 and G.emu(10) == 360000


def test_geometry_users_take_it_from_gbt9704(tmp_path):
    """The document layout, the binder's page geometry, the 目录 typesetter, the draft mark
    and the template tool spell no page size or margin of their own: no 25.4, 21.0/29.7 cm,
    595/841 pt or 26/28/35/37 mm literal; the shipped templates and the binder agree with
    gbt9704 (page size and margins of 请示.docx and 目录.docx; A4 and number margins in pt).
    This test ensures that the GB/T 9704 geometry is defined once."""
    from dossier.binder import geometry

    users = [PACKAGE / "documents" / "layout.py", PACKAGE / "binder" / "geometry.py",
             PACKAGE / "binder" / "frontmatter.py", PACKAGE / "binder" / "draftmark.py", REPO / "tools" / "templates.py"]
    literal = re.compile(r"25\.4|\b2[19]\.7?\b|Cm\(|595\.|841\.|\b(?:26|28|35|37) \* MM|mm\((?:26|28|35|37|210|297)\)")
    for path in users:
        code = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        assert not literal.search(code), (path, literal.search(code).group())
        assert "gbt9704" in path.read_text(encoding="utf-8") or path.name == "draftmark.py", path
    ast.parse((REPO / "tools" / "templates.py").read_text(encoding="utf-8"))

    assert geometry.A4 == (round(G.pt(210), 3), round(G.pt(297), 3))
    assert abs(geometry.NUMBER_OUTER_MARGIN - (G.pt(G.MARGIN_RIGHT_MM) + G.PAGE_NUMBER_PT)) < 1e-9
    for name in ("请示.docx", "目录.docx"):
        section = docx.Document(str(SHIPPED / name)).sections[0]
        got = [round(x.mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                         section.bottom_margin, section.left_margin, section.right_margin)]
        assert got == [G.PAGE_W_MM, G.PAGE_H_MM, G.MARGIN_TOP_MM, G.MARGIN_BOTTOM_MM, G.MARGIN_LEFT_MM,
                       G.MARGIN_RIGHT_MM], name


def test_status_labels_and_page_refs_have_one_source():
    """The status words of check's reports, build's gap lines and the documents are
    wording.yaml's; no module spells a table of them or a 见汇编第…页 format again.
    This test ensures that the printed words of issue 11 §9 are defined once."""
    from dossier import build, reports, wording
    from dossier.documents import context

    assert reports.STATUS_LABELS == wording.status_labels() == build.STATUS_CN
    assert context.STATUS_CN == wording.status_labels(official=True)
    table = re.compile(r"[\"']partial[\"']\s*:\s*[\"'][\u4e00-\u9fff]")
    ref = re.compile(r"见(?:汇编)?第\{")
    for path in PACKAGE.rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not table.search(code), path
        assert not ref.search(code) or path.name == "wording.py", path
