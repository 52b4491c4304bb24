"""The red-seal detector (dossier.readers.seal) on generated pages: a seal over the date is
found; a 红头 with its red rule and no seal is not."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scan_fixtures import scans  # noqa: E402

from dossier.readers.seal import has_seal, seals  # noqa: E402


def _clean(kind: str, seal: bool, seed: int) -> Image.Image:
    rng = random.Random(seed)
    content = scans.page_content(kind, rng)
    img, _ = scans.draw_page(content, 150, seal, rng)
    return scans.degrade_scan(img, rng)


def test_seal_over_the_date_is_found():
    """A 承诺书 and a 红头通知 stamped over their date each show one seal near the bottom right.
    This test ensures that sealed pages are recognised as sealed."""
    for kind, seed in (("承诺书", 1), ("红头通知", 2), ("会议纪要", 3)):
        found = seals(_clean(kind, True, seed))
        assert len(found) == 1, kind
        x, y, d = found[0]
        assert x > 0.5 and 0.1 < d < 0.4


def test_red_header_and_rule_are_not_a_seal():
    """A 红头通知 without a seal has large red characters and a red rule: no seal.
    This test ensures that red 版头 are not mistaken for seals."""
    for seed in range(4, 8):
        assert not has_seal(_clean("红头通知", False, seed))
    assert not has_seal(Image.new("RGB", (800, 1100), (255, 255, 255)))
