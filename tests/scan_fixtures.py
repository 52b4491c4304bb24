"""Scanned pages for the OCR tests, drawn by the committed generator bench/scans.py (seeded,
so every run sees the same pixels) and one OCR engine per test session."""

from __future__ import annotations

import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import scans  # noqa: E402  (bench/ is not a package)


def page(seed: int, **kw) -> tuple[bytes, "scans.PageTruth"]:
    data, truth, _ = scans.make_page(seed, random.Random(1400 + seed), **kw)
    return data, truth


def as_pdf(jpeg: bytes) -> bytes:
    """The JPEG as a scanner's one-page PDF (an image, no text layer)."""
    import img2pdf

    return img2pdf.convert(jpeg)
