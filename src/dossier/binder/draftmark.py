"""The 草稿 mark on every page of a draft 汇编 (``dossier build --draft``), so a draft is
never mistaken for the packet: one Form XObject drawn once, placed on every page."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from dossier.binder import fonts
from dossier.binder.geometry import A4

MARK = "草稿"
NOTE = "未经审定 不得报送"
KEY = pikepdf.Name("/DossierDraft")


def _form(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The mark as a Form XObject: large red outline-free text across the page, translucent
    enough to read the evidence under it."""
    from reportlab.lib.colors import Color
    from reportlab.pdfgen import canvas

    name = fonts.register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setFillColor(Color(0.85, 0.1, 0.1, alpha=0.22))
    c.saveState()
    c.translate(A4[0] / 2, A4[1] / 2)
    c.rotate(35)
    c.setFont(name, 150)
    c.drawCentredString(0, -20, MARK)
    c.setFont(name, 30)
    c.drawCentredString(0, -80, NOTE)
    c.restoreState()
    c.showPage()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as src:
        fonts.retag(src, "DRF")
        page = src.pages[0]
        form = page.as_form_xobject()
        return pdf.copy_foreign(form)


def mark_every_page(path: Path) -> None:
    """Add the mark to every page of ``path`` in place, centred on each page's own size."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        form = pdf.make_indirect(_form(pdf))
        for page in pdf.pages:
            box = [float(v) for v in page.obj.get("/MediaBox", [0, 0, *A4])]
            w, h = box[2] - box[0], box[3] - box[1]
            dx, dy = box[0] + (w - A4[0]) / 2, box[1] + (h - A4[1]) / 2
            resources = page.obj.get("/Resources")
            if resources is None:
                page.obj["/Resources"] = resources = pikepdf.Dictionary()
            if "/XObject" not in resources:
                resources["/XObject"] = pikepdf.Dictionary()
            resources["/XObject"][KEY] = form
            page.contents_add(pikepdf.Stream(pdf, f"q 1 0 0 1 {dx:.2f} {dy:.2f} cm {KEY} Do Q\n".encode()))
        pdf.save(path)
