"""Real third-party PDFs with odd structure (tests/fixtures/third-party, see its README) and
generated odd page boxes, dropped into a copy of the sample county: index, build and verify
handle every one — bound, or reported by name with a reason — and the dossier is qpdf-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from dossier import build as build_lib
from dossier import office
from dossier.verify import verify

sys.path.insert(0, str(Path(__file__).parent / "binder"))
from makers import text_pdf  # noqa: E402

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fixtures" / "third-party"
SAMPLE = REPO / "samples" / "示范县"
FOLDER = "材料/3.1.1 受理处置程序/第三方"


def odd_boxes(folder: Path) -> list[Path]:
    """Pages with boxes real scanners and drawing programs write: huge and tiny MediaBoxes, a
    CropBox inside the MediaBox, a negative origin, /Rotate 270 with a CropBox, a UserUnit and
    an invalid /Rotate 45."""
    made = []

    def make(name: str, text: str, size, shift=None, **boxes) -> None:
        path = text_pdf(folder / name, [text], size=size)
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            page = pdf.pages[0]
            for key, value in boxes.items():
                page.obj[f"/{key}"] = pikepdf.Array(value) if isinstance(value, list) else value
            if shift:  # the drawing moved with the box, as a program drawing around (0, 0) writes it
                page.contents_add(pikepdf.Stream(pdf, b"1 0 0 1 %d %d cm\n" % shift), prepend=True)
            pdf.save(path)
        made.append(path)

    make("巨大页面.pdf", "巨大页面上的会议纪要正文内容", (14400, 14400))
    make("极小页面.pdf", "小", (10, 10))
    make("裁剪框.pdf", "裁剪框内的通知正文内容示例", (1000, 1000), CropBox=[0, 300, 700, 1000])
    make("负原点.pdf", "负原点页面的制度文件正文", (600, 800), shift=(-300, -400), MediaBox=[-300, -400, 300, 400])
    make("旋转270裁剪.pdf", "旋转二百七十度的签到表正文", (842, 595), Rotate=270, CropBox=[20, 20, 822, 575])
    make("用户单位.pdf", "用户单位放大的工作台账正文", (300, 400), UserUnit=2)
    make("旋转45.pdf", "无效旋转角度的活动记录正文", (595, 842), Rotate=45)
    return made


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("third-party") / "示范县"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("输出"))
    # OCR of the image-only PDFs is another stage's concern (and minutes of CPU): this test is
    # about structure.
    config = root / "dossier.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nocr: false\n", encoding="utf-8")
    dest = root / FOLDER
    dest.mkdir(parents=True)
    files = sorted(CORPUS.glob("*/*.pdf"))
    for f in files:
        shutil.copy(f, dest / f"{f.parent.name}-{f.name}")
    generated = odd_boxes(dest / "生成")
    return root, len(files), len(generated)


def test_every_third_party_pdf_is_bound_or_reported_and_the_dossier_verifies(county, cli):
    """This test ensures that index, build and verify handle each of the committed third-party PDFs
    (indirect lengths and integers, object streams, incremental updates, broken xref tables, forms,
    odd page boxes, Type3 and non-embedded fonts, encryption) and the generated odd page boxes: no
    command aborts or shows a traceback, every file is bound or named with a reason, the dossier passes
    qpdf --check, its page numbers sit on every page and verify finds every reference true."""
    root, fetched, generated = county
    assert fetched >= 120
    indexed = cli("index", root)
    assert indexed.exit_code in (0, 1) and "Traceback" not in indexed.output, indexed.output
    built = cli("build", root)
    assert built.exit_code == 0 and "Traceback" not in built.output, built.output
    page_map = build_lib._previous_page_map(build_lib.project_lib.load(root))
    ours = sorted(p.relative_to(root).as_posix() for p in (root / FOLDER).rglob("*.pdf"))
    assert len(ours) == fetched + generated
    bound = [p for p in ours if p in page_map.placements]
    reported = {p: page_map.problems[p] for p in ours if p in page_map.problems}
    assert len(bound) + len(reported) == len(ours), set(ours) - set(bound) - set(reported)
    assert all(reason.strip() for reason in reported.values())
    for path in reported:
        assert path in built.stdout  # named in the summary with its reason
    assert len(bound) >= 110, reported
    assert all(f"{FOLDER}/生成/" + n in bound for n in ("巨大页面.pdf", "极小页面.pdf", "裁剪框.pdf", "负原点.pdf",
                                                      "旋转270裁剪.pdf", "用户单位.pdf", "旋转45.pdf"))
    pdf = root / "输出" / "证明材料汇编.pdf"
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    checked = cli("verify", root)
    assert checked.exit_code == 0, checked.output[-3000:]


def test_page_number_is_clear_of_every_third_party_page(county, cli):
    """This test ensures that on every page bound from the real third-party PDFs (and the odd
    page boxes) our page number prints exactly — n — in dossier's own font, and that nothing of
    the evidence page shows in the footer band around it: the band, rendered, is blank apart
    from the number's own box (content beyond a page's visible area is clipped, not printed
    under the number)."""
    import pdfplumber
    import pypdfium2 as pdfium

    from dossier.binder.geometry import FOOTER_BAND

    root, fetched, generated = county
    pdf_path = root / "输出" / "证明材料汇编.pdf"
    if not pdf_path.is_file():
        built = cli("build", root)
        assert built.exit_code == 0, built.output
    page_map = build_lib._previous_page_map(build_lib.project_lib.load(root))
    numbers = sorted({n for path, placed in page_map.placements.items() if path.startswith(FOLDER)
                      for n in range(placed.first, placed.last + 1)})
    assert len(numbers) >= 150
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        with pdfplumber.open(pdf_path) as pdf:
            for n in numbers:
                index = page_map.pdf_index(n)
                page = pdf.pages[index]
                height = float(page.height)
                ours = [c for c in page.chars if c["fontname"].split("+")[0].startswith("DPN")]
                assert "".join(c["text"] for c in ours).replace(" ", "") == f"—{n}—", n
                x0 = min(c["x0"] for c in ours) - 2
                x1 = max(c["x1"] for c in ours) + 2
                top = min(c["top"] for c in ours) - 2
                bottom = max(c["bottom"] for c in ours) + 2
                assert top > height - FOOTER_BAND, n
                k = 1.5
                image = doc[index].render(scale=k).to_pil().convert("L")
                edge = height - FOOTER_BAND + 1  # a page fitted right down to the band may anti-alias its last row
                band = image.crop((0, int(edge * k), image.width, image.height))
                # Paint our number's box white: the rest of the band must then be blank paper.
                band.paste(255, (int(x0 * k), int((top - edge) * k), int(x1 * k) + 1, int((bottom - edge) * k) + 1))
                darkest = band.getextrema()[0]
                assert darkest > 200, (n, darkest, [xy for xy in ((x, y) for y in range(band.height)
                                                                  for x in range(band.width))
                                                    if band.getpixel(xy) == darkest][:3])
    finally:
        doc.close()
