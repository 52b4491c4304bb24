"""Where things go on a bound page: A4, a footer band kept free for the page number, and
the matrices that fit any page (any size, any /Rotate) into the rest.

Every body page is shrunk slightly so that its own content, including a page number the
original document printed itself, stays above the band: the dossier's number never covers
anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier import gbt9704 as G

MM = G.pt(1)
# A4 in points, to the thousandth (595.276 × 841.89) as the bound PDFs have always carried it.
A4 = (round(G.pt(G.PAGE_W_MM), 3), round(G.pt(G.PAGE_H_MM), 3))
FOOTER_BAND = 15 * MM  # kept free at the bottom of every body page
NUMBER_BASELINE = 7 * MM  # the page number's baseline above the page's bottom edge
NUMBER_SIZE = float(G.PAGE_NUMBER_PT)  # 4号
# GB/T 9704: odd numbers right, even left, one character in from the text area's edge.
NUMBER_OUTER_MARGIN = G.pt(G.MARGIN_RIGHT_MM) + NUMBER_SIZE
NUMBER_INNER_MARGIN = G.pt(G.MARGIN_LEFT_MM) + NUMBER_SIZE

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def target_size(width: float, height: float) -> tuple[float, float]:
    """A4 in the page's own orientation: landscape pages stay landscape."""
    return (A4[1], A4[0]) if width > height * 1.02 else A4


def rotation_matrix(box: Box, rotate: int) -> tuple[Matrix, float, float]:
    """The matrix taking the page's visible box to displayed coordinates with the origin at the
    bottom-left of what a reader shows, and the displayed width and height."""
    w, h = box.width, box.height
    rotate %= 360
    if rotate == 90:
        return (0, -1, 1, 0, -box.y0, box.x1), h, w
    if rotate == 180:
        return (-1, 0, 0, -1, box.x1, box.y1), w, h
    if rotate == 270:
        return (0, 1, -1, 0, box.y1, -box.x0), h, w
    return (1, 0, 0, 1, -box.x0, -box.y0), w, h


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF convention: a point p maps to p·m·n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def fit_matrix(box: Box, rotate: int) -> tuple[Matrix, tuple[float, float]]:
    """The matrix placing a page's visible content on A4 (same orientation) above the footer
    band, scaled to fit without cropping and centred; and the A4 size chosen."""
    rot, dw, dh = rotation_matrix(box, rotate)
    tw, th = target_size(dw, dh)
    avail_w, avail_h = tw, th - FOOTER_BAND
    scale = min(avail_w / dw, avail_h / dh) if dw > 0 and dh > 0 else 1.0
    tx = (avail_w - dw * scale) / 2
    ty = FOOTER_BAND + (avail_h - dh * scale) / 2
    return multiply(rot, (scale, 0, 0, scale, tx, ty)), (tw, th)


def transform_rect(m: Matrix, rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = rect
    pts = [apply(m, x, y) for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def number_x(page_width: float, text_width: float, odd: bool) -> float:
    return page_width - NUMBER_OUTER_MARGIN - text_width if odd else NUMBER_INNER_MARGIN


def fmt_matrix(m: Matrix) -> str:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") if v else "0" for v in m)
