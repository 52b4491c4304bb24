"""`dossier build --pdfa`: the 汇编 as PDF/A-2b, each clause read back from the file written.

Conformance is checked twice: by pikepdf.pdfa's validator (an allowlist built from veraPDF's
PDF/A-2b rules, which rejects anything it does not recognise) and, clause by clause, by reading
the file back here with pikepdf and poppler."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from pikepdf.models.metadata import decode_pdf_date
from reportlab.pdfgen import canvas

from dossier import office
from dossier.verify import verify

sys.path.insert(0, str(Path(__file__).parent / "binder"))
from makers import project, stsong_pdf  # noqa: E402

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")
THIRD_PARTY = Path(__file__).parent / "fixtures" / "third-party"
SCRIPTED = "材料/2.1.3 县级会议/2021-06-20 第三次会议纪要.pdf"


def _cmyk_pdf(path: Path) -> Path:
    """A CMYK print-shop page (DeviceCMYK fill) with a JavaScript link, as evidence brings along."""
    path.parent.mkdir(parents=True, exist_ok=True)
    from dossier.binder import fonts

    name = fonts.register()
    c = canvas.Canvas(str(path))
    c.setFillColorCMYK(0, 0.9, 0.9, 0)
    c.rect(60, 600, 200, 100, fill=1, stroke=0)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(name, 16)
    c.drawString(60, 760, "未成年人保护工作第三次会议纪要")
    c.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[60, 600, 260, 700], Border=[0, 0, 0],
            A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')"))))
        pdf.pages[0].obj.Annots = pikepdf.Array([link])
        pdf.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small county with STSong-Light/Helvetica evidence, a third-party PDF with unembedded
    Helvetica and a CMYK page with a JavaScript link, built with --pdfa through the real CLI."""
    from cli_runner import invoke

    root = tmp_path_factory.mktemp("pdfa") / "县"
    project(root)
    stsong_pdf(root / "材料/2.1.1 规划/2021-05-01 规划报告.pdf")
    shutil.copy(THIRD_PARTY / "qpdf" / "shared-images.pdf", root / "材料/2.1.1 规划/2021-05-02 规划附图.pdf")
    _cmyk_pdf(root / SCRIPTED)
    result = invoke("build", root, "--pdfa")
    return root, result


def test_pdfa_build_passes_the_validator_and_verify(built):
    """This test ensures that `dossier build --pdfa` exits 0, says the 汇编 is PDF/A-2b, writes a
    file pikepdf's PDF/A-2b validator approves when reading it back, and that `dossier verify`
    still checks every page reference of that file as consistent."""
    root, result = built
    assert result.exit_code == 0, result.output
    assert "已存为 PDF/A-2b" in result.stdout
    pdf_path = root / "输出" / "证明材料汇编.pdf"
    report = pikepdf.pdfa.validate_written(pdf_path, "2b")
    assert report.passed, report.findings[:10]
    assert verify(root).ok


def test_pdfa_clauses_read_back(built):
    """This test ensures that each PDF/A-2b clause dossier implements holds in the written file:
    XMP pdfaid part 2 / conformance B with dc:title and dates equal to the Info dictionary's, one
    GTS_PDFA1 OutputIntent with an RGB ICC profile, a trailer /ID, no encryption, no JavaScript or
    Launch action anywhere, every annotation printable and not hidden, no LZW stream, DeviceCMYK
    pages tied to an ICC profile by /DefaultCMYK, the bookmark panel still opening first, and every
    font (evidence STSong-Light and Helvetica included) embedded per pdffonts."""
    root, _ = built
    pdf_path = root / "输出" / "证明材料汇编.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert not pdf.is_encrypted
        ident = pdf.trailer.get("/ID")
        assert isinstance(ident, pikepdf.Array) and len(ident) == 2 and len(bytes(ident[0])) >= 16
        with pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] == str(pdf.docinfo["/Title"]) == "示例县人民政府证明材料汇编"
            for xmp_key, info_key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
                xmp_date = dt.datetime.fromisoformat(meta[xmp_key])
                info_date = decode_pdf_date(str(pdf.docinfo[info_key]))
                assert xmp_date == info_date, xmp_key
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        icc = intents[0].DestOutputProfile
        assert int(icc.N) == 3 and icc.read_bytes()[16:20] == b"RGB "
        assert pdf.Root.PageMode == "/UseOutlines"
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
        annotations = 0
        cmyk_pages = 0
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                annotations += 1
                flags = int(annot.get("/F", 0))
                assert flags & 4 and not flags & (1 | 2 | 32), annot.get("/Subtype")
                action = annot.get("/A")
                assert action is None or str(action.get("/S")) not in ("/JavaScript", "/Launch")
                assert "/AA" not in annot
            spaces = page.obj.get("/Resources", {}).get("/ColorSpace", {})
            if "/DefaultCMYK" in spaces:
                cmyk_pages += 1
                assert spaces.DefaultCMYK[0] == "/ICCBased" and int(spaces.DefaultCMYK[1].N) == 4
        assert annotations > 10  # the 目录's links, printable
        assert cmyk_pages >= 1
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                filters = obj.get("/Filter")
                names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
                assert pikepdf.Name.LZWDecode not in names
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") in (pikepdf.Name.JavaScript, pikepdf.Name.Launch):
                raise AssertionError(f"action left: {obj.S}")
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, check=True).stdout.decode("utf-8", "replace")
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)
    assert any(re.fullmatch(r"[A-Z]{6}\+STSong-Light", row[0]) for row in rows)
    assert any(re.fullmatch(r"[A-Z]{6}\+Helvetica", row[0]) for row in rows)


def test_plain_build_is_not_passed_off_as_pdfa(built, tmp_path):
    """This test ensures that the checks above can fail: the same project built without --pdfa
    declares no PDF/A conformance and the validator does not approve it."""
    root = tmp_path / "plain"
    shutil.copytree(built[0], root)
    from dossier import build as build_lib

    result = build_lib.build(root)
    assert result.pdfa is None and result.dossier == "bound"
    pdf_path = root / "输出" / "证明材料汇编.pdf"
    assert not pikepdf.pdfa.validate_written(pdf_path, "2b").passed
    with pikepdf.open(pdf_path) as pdf, pdf.open_metadata() as meta:
        assert "pdfaid:part" not in meta
