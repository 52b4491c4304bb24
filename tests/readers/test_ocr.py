"""OCR of single pages (dossier.readers.ocr): text, orientation, seal, normalisation.

The engine is loaded once for the session; each page costs a few seconds of CPU."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scan_fixtures import page  # noqa: E402

from dossier import extract  # noqa: E402
from dossier.readers import ocr  # noqa: E402


@pytest.fixture(scope="session")
def engine():
    # The same engine the index uses in-process for a page or two: loaded once per session.
    return ocr.engine(ocr.configure_threads(1))


def _recognise(data: bytes, engine) -> ocr.OcrPage:
    img = ocr.ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    return ocr.recognise(img, ocr=engine)


@pytest.mark.parametrize("rotation", [90, 180])
def test_sideways_and_upside_down_pages_are_turned_upright(engine, rotation):
    """A 红头通知 fed into the scanner turned by 90° or 180° is read upright: the title, the
    文号 and the sign-off date under the seal all come out.
    This test ensures that orientation is detected and the text recovered."""
    data, truth = page(3, kind="红头通知", rotation=rotation, photo=False, seal=True)
    result = _recognise(data, engine)
    assert result.rotation == rotation  # turned counter-clockwise when scanned: clockwise to undo
    assert extract.title_of(result.text) == truth.title
    assert extract.find_doc_number(result.text) == truth.doc_number
    assert [d.isoformat() for d in extract.all_dates(result.text)] == truth.dates
    assert result.seal is True
    # Boxes are fractions of the upright page and read top to bottom.
    tops = [ln.box[1] for ln in result.lines]
    assert tops == sorted(tops) or len(tops) < 2
    assert all(0 <= v <= 1 for ln in result.lines for v in ln.box)


def test_phone_photo_of_an_unsealed_pledge(engine):
    """A phone photo (perspective, uneven light) of a 承诺书 with no seal: title and 〇 date read,
    no seal reported.
    This test ensures that photos are read and that a missing seal is noticed."""
    data, truth = page(5, kind="承诺书", seal=False, photo=True, rotation=0)
    result = _recognise(data, engine)
    assert result.rotation == 0
    assert extract.title_of(result.text) == truth.title
    assert [d.isoformat() for d in extract.all_dates(result.text)] == truth.dates
    assert result.seal is False


@pytest.mark.parametrize("raw, expected", [
    ("會議時間：2021年3月15日", "会议时间：2021年3月15日"),
    ("二〇二一年三月十五", "二〇二一年三月十五日"),
    ("示范县民政局  2021年3月15", "示范县民政局  2021年3月15日"),
    ("示政办发[2021]12号", "示政办发〔2021〕12号"),
    ("示政办发（2021）12 号", "示政办发〔2021〕12号"),
    ("2021年3月15日召开", "2021年3月15日召开"),
])
def test_recognised_lines_are_normalised(raw, expected):
    """Traditional forms, a 日 lost under a seal and odd 文号 brackets are put right.
    This test ensures that OCR quirks do not cost a date or a 文号."""
    assert ocr.normalise_line(raw) == expected
