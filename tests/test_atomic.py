"""Outputs replace the previous file only when complete (CONTRACT §6)."""

from __future__ import annotations

import pytest

from dossier.atomic import atomic_path


def test_interrupted_write_keeps_previous(tmp_path):
    """This test ensures that a write interrupted by an error leaves the previous output intact and no temp file."""
    target = tmp_path / "输出" / "申报表.docx"
    target.parent.mkdir()
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("power cut")
    assert target.read_bytes() == b"old"
    assert list(target.parent.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and list(target.parent.iterdir()) == [target]
