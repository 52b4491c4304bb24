"""The benchmark corpus generator (bench/corpus.py) at its tiny scale: it must produce what
it says, because every figure in BENCHMARKS.md is measured on what it produces."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.office import soffice

REPO = Path(__file__).resolve().parents[1]


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


corpus_mod = _load_corpus_module()
pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice makes the embedded-font PDFs")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-out")
    return out, corpus_mod.ensure("tiny", out)


def _fonts(pdf: pikepdf.Pdf) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font on every page, descendant fonts included."""
    found = []
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            for f in [font, *font.get("/DescendantFonts", [])]:
                desc = f.get("/FontDescriptor")
                if desc is None:
                    continue
                embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.append((str(f.get("/BaseFont")), embedded))
    return found


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-l", "1", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def test_plan_is_deterministic_and_mixed_as_documented():
    """The same seed plans the same corpus, file for file, and the mix of types and the
    page budget are the ones the module documents. This test ensures that two benchmark
    runs (or two machines) measure the same corpus."""
    a, b = corpus_mod.plan("tiny"), corpus_mod.plan("tiny")
    assert [asdict(f) for f in a.files] == [asdict(f) for f in b.files]
    assert a.params_hash == b.params_hash
    assert corpus_mod.plan("tiny", seed=7).params_hash != a.params_hash
    scale = corpus_mod.SCALES["tiny"]
    assert len(a.files) == scale.files
    assert sum(f.pages for f in a.files) == scale.pages
    counts = Counter(f.type for f in a.files)
    assert set(counts) == set(corpus_mod.TYPES)
    for t, share in corpus_mod.MIX.items():
        assert abs(counts[t] - scale.files * share) <= 1, t
    assert len({f.path for f in a.files}) == len(a.files)
    county = corpus_mod.plan("county")
    assert len(county.files) == 300 and sum(f.pages for f in county.files) == 2000


def test_every_planned_file_exists_with_its_pages_and_fonts(tiny):
    """Each PDF has the planned number of pages; Word exports carry embedded fonts and the
    reportlab ones a non-embedded CJK font; page 1 shows the file's Chinese title. This
    test ensures that the text-library and pdftotext comparisons are about what they claim."""
    _, corpus = tiny
    assert not corpus.cached
    for f in corpus.files:
        path = corpus.root / f["path"]
        assert path.is_file() and path.stat().st_size > 0, f["path"]
        if not f["type"].startswith("pdf"):
            continue
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == f["pages"], f["path"]
            fonts = _fonts(pdf)
        assert fonts, f["path"]
        if f["type"] == "pdf-embedded":
            assert all(embedded for _, embedded in fonts), f["path"]
        else:
            assert not any(embedded for _, embedded in fonts) and any("STSong" in n for n, _ in fonts)
        assert f["title"][:10] in _text(path), f["path"]


def test_office_files_and_photos_are_real(tiny):
    """Word and Excel files open and show their title; photos carry the EXIF date and some
    are stored sideways with orientation 6. This test ensures that the corpus exercises the
    docx/xlsx readers, LibreOffice conversion and EXIF rotation like a real folder does."""
    from docx import Document
    from openpyxl import load_workbook

    _, corpus = tiny
    rotated = 0
    for f in corpus.files:
        path = corpus.root / f["path"]
        if f["type"] == "docx":
            assert Document(str(path)).paragraphs[0].text == f["title"]
        elif f["type"] == "xlsx":
            assert load_workbook(path, read_only=True).active["A1"].value == f["title"]
        elif f["type"] == "jpg":
            with Image.open(path) as img:
                exif = img.getexif()
                assert exif.get_ifd(0x8769)[0x9003].startswith(f["date"].replace("-", ":"))
                assert (exif.get(0x0112) == 6) == f["exif_rotated"]
                rotated += f["exif_rotated"]
    planned = sum(f["exif_rotated"] for f in corpus.files)
    assert rotated == planned
    assert corpus_mod.plan("county").by_type()["jpg"] and any(
        f.exif_rotated for f in corpus_mod.plan("county").files)


def test_project_settings_manifest_and_names_are_valid(tiny):
    """dossier.yaml loads, the community roster is read from its file, every manifest row
    names an existing file and valid IDs, and every folder- or name-assigned file sits under
    a name starting with its ID (CONTRACT.md §3). This test ensures that the stages measured
    on the corpus do real assignment work instead of reporting errors."""
    from openpyxl import load_workbook

    _, corpus = tiny
    project = project_lib.load(corpus.root)
    plan = corpus_mod.plan("tiny")
    assert project.units["communities"] == plan.communities
    assert project.period_start.isoformat() == "2020-01-01"
    valid = set(catalog_lib.load().ids())

    sheet = load_workbook(corpus.root / "材料清单.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["指标编号", "文件"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(plan.manifest_rows) > 0
    for ids, written, *_ in rows:
        for one in ids.split("、"):
            assert one in valid
        rel = written.replace("\\", "/")
        assert (corpus.root / rel).is_file() or (corpus.root / "材料" / rel).is_file(), written

    for f in corpus.files:
        if f["assigned_by"] in ("folder", "name"):
            parts = Path(f["path"]).parts
            assert any(part.startswith(f["standard"] + (" " if f["assigned_by"] == "folder" else "_"))
                       for part in parts), f["path"]
        assert f["standard"] is None or f["standard"] in valid

    register = load_workbook(corpus.root / "台账" / "培训台账.xlsx").active
    assert [c.value for c in register[1]] == ["姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称",
                                              "总课时", "儿童社会工作课时"]
    assert register.max_row - 1 == len(plan.trainees)


def test_second_ensure_reuses_the_cached_corpus(tiny):
    """Asking again for the same scale and seed returns the corpus already on disk without
    writing a file. This test ensures that a second `make bench` does not regenerate."""
    out, first = tiny
    pdf = first.root / first.files[0]["path"]
    before = pdf.stat().st_mtime_ns
    again = corpus_mod.ensure("tiny", out)
    assert again.cached and again.root == first.root
    assert pdf.stat().st_mtime_ns == before


def test_project_settings_hold_no_placeholder_a_build_would_refuse(tiny):
    """``dossier build`` refuses 某某/张三-style values (issue 11); the bench county is built by
    ``make bench``, so its dossier.yaml must carry real-looking ones. This test ensures that the
    benchmark's build stages measure a build, not the refusal message."""
    from dossier.documents.placeholders import refuse_placeholders
    from dossier.project import load

    _, corpus = tiny
    refuse_placeholders(load(corpus.root))
