"""The streaming joiner (concat) on evidence whose object syntax trips naive renumbering."""

from __future__ import annotations

import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest

from dossier.binder import concat
from dossier.binder.bind import _bind_part, _PartJob

from makers import text_pdf

# Literal strings that look like references or carry escaped / unbalanced parentheses and a
# trailing backslash; a UTF-16 string qpdf writes as hex; each must come out byte for byte.
TRICKY = [b"a \\( 12 0 R ) b", b"(5 0 R", b"end\\", b"x)y 3 0 R", "中文批注（1 0 R）".encode("utf-16-be")]
ODD_KEY = "/Odd#Name 1 0 R"
ODD_NAME = "/A 2 0 R(x)<3>"


def _evidence(path, texts, *, tricky: bool):
    """A real Chinese text PDF, re-saved with object streams, optionally with annotations and
    entries whose strings, hex strings and names contain reference-like text."""
    text_pdf(path, texts)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if tricky:
            first, second = pdf.pages[0].obj, pdf.pages[1].obj
            first.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[20, 20 + 30 * i, 40, 40 + 30 * i],
                Contents=pikepdf.String(t), NM=pikepdf.String(f"{i} 0 R"), P=first)) for i, t in enumerate(TRICKY)])
            first[ODD_KEY] = pikepdf.Name(ODD_NAME)
            first.DossierHex = pikepdf.String(b"\x00\x01 7 0 R \xff")
            first.DossierArr = pikepdf.Array([1, 2, second, pikepdf.Dictionary(), 0.5, second])
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return path


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    w = tmp_path_factory.mktemp("concat")
    tricky = _evidence(w / "tricky.pdf", ["带批注的第一页", "带批注的第二页"], tricky=True)
    plain = _evidence(w / "plain.pdf", ["普通文件第一页"], tricky=False)
    # One part as bind writes it; one still in object streams, as a part never should be.
    _bind_part(_PartJob(((tricky, 0, 2, True),), 1, w / "part-0.pdf"))
    with pikepdf.open(plain) as pdf:
        pdf.save(w / "part-1.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    skeleton = pikepdf.new()
    tree = skeleton.Root.Pages
    slots = [skeleton.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=tree, MediaBox=[0, 0, 595, 842],
                                                       DossierPlaceholder=True)) for _ in range(3)]
    tree.Kids = pikepdf.Array(slots)
    tree.Count = 3
    with skeleton.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("第三页（附件）", pikepdf.Array([slots[2], pikepdf.Name.Fit])))
    skeleton.docinfo["/Title"] = pikepdf.String("示例县（测试）\\ 1 0 R")
    skeleton.save(w / "skeleton.pdf", object_stream_mode=pikepdf.ObjectStreamMode.disable)
    target = w / "out.pdf"
    concat.concatenate(w / "skeleton.pdf", [w / "part-0.pdf", w / "part-1.pdf"], target)
    return target


def test_joined_pdf_passes_qpdf_check(joined):
    """This test ensures that joining parts whose objects hold reference-like strings, hex
    strings, odd names and object streams gives a PDF qpdf finds no fault in, with no copied
    object-stream or xref-stream containers left in it."""
    checked = subprocess.run(["qpdf", "--check", str(joined)], capture_output=True, text=True)
    assert checked.returncode == 0 and "WARNING" not in checked.stdout + checked.stderr, checked.stdout
    assert b"/ObjStm" not in joined.read_bytes() and b"/XRef" not in joined.read_bytes()


def test_strings_names_and_references_survive_renumbering(joined):
    """This test ensures that renumbering rewrites only real references: every string, hex
    string and name is kept byte for byte, and references inside arrays and annotations still
    point at the right pages of the joined PDF."""
    with pikepdf.open(joined) as pdf:
        first, second = pdf.pages[0].obj, pdf.pages[1].obj
        assert [bytes(a.Contents) for a in first.Annots] == TRICKY
        assert [str(a.NM) for a in first.Annots] == [f"{i} 0 R" for i in range(len(TRICKY))]
        assert all(a.P.objgen == first.objgen for a in first.Annots)
        assert first[ODD_KEY] == pikepdf.Name(ODD_NAME)
        assert bytes(first.DossierHex) == b"\x00\x01 7 0 R \xff"
        arr = first.DossierArr
        assert [arr[0], arr[1], arr[4]] == [1, 2, 0.5] and arr[3] == pikepdf.Dictionary()
        assert arr[2].objgen == arr[5].objgen == second.objgen
        assert str(pdf.docinfo.Title) == "示例县（测试）\\ 1 0 R"
        with pdf.open_outline() as outline:
            assert outline.root[0].destination[0].objgen == pdf.pages[2].objgen
    doc = pdfium.PdfDocument(str(joined))
    texts = ["".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    assert "带批注的第一页" in texts[0] and "带批注的第二页" in texts[1] and "普通文件第一页" in texts[2]
