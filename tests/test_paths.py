"""Names no encoding can show, and names Windows cannot hold (paths.py)."""

from __future__ import annotations

import os

import pytest

from dossier.errors import OutsideProject
from dossier.paths import escaped, inside, odd, readable, undecodable, visible


def test_gbk_bytes_are_shown_as_the_clerk_reads_them():
    """A name unzipped from a Windows zip holds GBK bytes. This test ensures that it is shown
    in Chinese where the bytes are GBK, with %NN escapes where they are nothing at all."""
    name = os.fsdecode("材料/".encode() + "会议纪要.pdf".encode("gbk"))
    assert undecodable(name) and readable(name) == "材料/会议纪要.pdf"
    junk = os.fsdecode(b"\xff\xfe.pdf")
    assert readable(junk) == escaped(junk) == "%FF%FE.pdf"
    assert readable("材料/纪要.pdf") == "材料/纪要.pdf"


def test_odd_names_are_made_visible():
    """A newline or backslash in a name would break a report line or read as a folder. This
    test ensures that such names are recognised and shown on one line."""
    assert odd("换行\n文件.pdf") and odd("a\\b.pdf") and not odd("材料/正常 文件.pdf")
    assert visible("换行\n文件\\x.pdf") == "换行?文件＼x.pdf"


def test_written_paths_with_control_characters_are_refused(tmp_path):
    """A NUL byte in a path a clerk wrote used to crash deep in the file system layer. This test
    ensures that it is refused with a plain reason."""
    with pytest.raises(OutsideProject, match="控制字符"):
        inside(tmp_path, "材料/a\x00b.pdf")
