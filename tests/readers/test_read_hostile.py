"""Broken and hostile input: every case is a Chinese reason on the record, never an
exception, and the evidence file is never changed."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile

import pytest
from reader_makers import MINUTES_LINES, NOTICE_LINES, cid_pdf, make_docx, make_photo, make_xlsx, rezip

from dossier.readers import guard, read, read_file, sniff


def _lie_about_size(path, member: str, fake: int) -> None:
    """Patch a member's uncompressed size in both zip headers, as a zip bomb does."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        n = int.from_bytes(data[local + 26:local + 28], "little")
        if data[local + 30:local + 30 + n] == name:
            data[local + 22:local + 26] = fake.to_bytes(4, "little")
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = int.from_bytes(data[central + 28:central + 30], "little")
        if data[central + 46:central + 46 + n] == name:
            data[central + 24:central + 28] = fake.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_empty_and_unsupported_files(project):
    """A 0-byte PDF and a .txt file are listed with their reasons and hashes.
    This test ensures that CONTRACT §3's "unsupported" and empty files are reported."""
    (project / "材料" / "空.pdf").write_bytes(b"")
    (project / "材料" / "说明.txt").write_text("示范县", encoding="utf-8")
    empty = read_file(project, "材料/空.pdf")
    assert empty.error == "文件为空（0 字节）" and empty.size == 0 and empty.format == "pdf"
    txt = read_file(project, "材料/说明.txt")
    assert txt.error == "不支持的文件类型 .txt" and txt.format == "unsupported"
    assert txt.sha256 == hashlib.sha256("示范县".encode()).hexdigest()
    (project / "材料" / "无扩展名").write_bytes(b"x")
    assert read_file(project, "材料/无扩展名").error == "不支持的文件类型 （无扩展名）"


def test_extension_that_lies_is_reported_and_read_as_what_it_is(project):
    """A PDF named .docx: the record says so plainly, its format is the real one and its
    text is still read (for search and suggestions); a Word 97 file named .docx is refused.
    This test ensures that real types are sniffed from bytes, not trusted from names."""
    pdf = cid_pdf(project / "材料" / "纪要.docx", [MINUTES_LINES])
    ev = read_file(project, "材料/纪要.docx")
    assert ev.error == "扩展名为 .docx，但实际是 PDF 文件（请改正扩展名后重新提供）"
    assert ev.format == "pdf" and ev.pages == 1 and "县政府三楼会议室" in ev.text
    assert sniff(pdf) == "pdf"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 500
    (project / "材料" / "旧.docx").write_bytes(ole)
    old = read_file(project, "材料/旧.docx")
    assert old.error == "扩展名为 .docx，但实际是 Word 97-2003 文档（.doc），无法读取（请改正扩展名后重新提供）"
    make_photo(project / "材料" / "照片.pdf", fmt="JPEG")
    photo = read_file(project, "材料/照片.pdf")
    assert photo.error.startswith("扩展名为 .pdf，但实际是 JPEG 图片") and photo.format == "image"


def test_docx_that_is_not_a_zip_and_broken_xml(project):
    """A .docx of plain text, and a .docx whose document.xml is cut, are corrupt files.
    This test ensures that damaged Word files are reported, not raised."""
    (project / "材料" / "假.docx").write_text("这不是Word文档", encoding="utf-8")
    assert read_file(project, "材料/假.docx").error == "文件已损坏：不是有效的 Word 文档（.docx）"
    path = make_docx(project / "材料" / "坏.docx", NOTICE_LINES)
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml")
    rezip(path, {"word/document.xml": body[: len(body) // 2]})
    assert read_file(project, "材料/坏.docx").error == "文件已损坏：Word 文档内部的 word/document.xml 无法解析"
    (project / "材料" / "坏.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert read_file(project, "材料/坏.xlsx").error == "文件已损坏：不是有效的 Excel 表格（.xlsx）"


def test_zip_bomb_inside_docx_is_refused(project):
    """A .docx carrying a member that inflates a thousandfold is refused before reading.
    This test ensures that a zip bomb cannot exhaust memory through Word files."""
    path = make_docx(project / "材料" / "炸弹.docx", NOTICE_LINES)
    rezip(path, {"word/media/pad.bin": b"\x00" * (12 * 1024 * 1024)})
    ev = read_file(project, "材料/炸弹.docx")
    assert ev.error.startswith("文件内部压缩比异常（word/media/pad.bin") and "压缩炸弹" in ev.error


def test_zip_bomb_with_lying_sizes_inside_xlsx_is_refused(project, monkeypatch):
    """An .xlsx whose member claims 100 bytes but inflates past the cap is refused, because
    calamine unzips on its own and would trust the claim (cap lowered to keep the test fast).
    This test ensures that understated sizes do not slip past the guard."""
    monkeypatch.setattr(guard, "MAX_UNZIPPED", 4 * 1024 * 1024)
    path = make_xlsx(project / "材料" / "炸弹.xlsx", {"表": [["姓名"], ["张三"]]})
    rezip(path, {"xl/media/pad.bin": b"\x00" * (6 * 1024 * 1024)})
    _lie_about_size(path, "xl/media/pad.bin", 100)
    ev = read_file(project, "材料/炸弹.xlsx")
    assert ev.error == "文件解压后超过 4 MB，疑似“压缩炸弹”，未读取"


def test_unreadable_file_is_reported(project, monkeypatch):
    """A file the user may not read gets a permission reason (simulated: tests run as root).
    This test ensures that permission problems are named as such."""
    cid_pdf(project / "材料" / "锁定.pdf", [NOTICE_LINES])
    real_open = open

    def guarded(file, *args, **kwargs):
        if str(file).endswith("锁定.pdf"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("dossier.readers.open", guarded, raising=False)
    assert read_file(project, "材料/锁定.pdf").error == "无权限读取此文件（请检查文件权限）"


def test_file_over_the_memory_limit_is_refused_with_its_size(project, monkeypatch):
    """A file larger than the in-memory limit (lowered to 1 MB here) is refused before it is
    opened, naming its size; a smaller file beside it is still read.
    This test ensures that a huge scan gets a plain reason instead of exhausting memory."""
    import dossier.readers as readers_lib

    monkeypatch.setattr(readers_lib, "MAX_IN_MEMORY", 1024 * 1024)
    big = project / "材料" / "扫描件.pdf"
    cid_pdf(big, [NOTICE_LINES])
    with open(big, "ab") as f:
        f.write(b"%" + b"0" * (3 * 1024 * 1024))
    ev = read_file(project, "材料/扫描件.pdf")
    assert ev.error == "文件过大（3 MB），未读取"
    assert ev.size == big.stat().st_size and ev.format == "pdf" and ev.pages is None
    cid_pdf(project / "材料" / "通知.pdf", [NOTICE_LINES])
    assert read_file(project, "材料/通知.pdf").ok


def test_nfd_file_name_is_found_by_its_nfc_path(project):
    """A name stored decomposed (as macOS writes it) is read through its NFC spelling.
    This test ensures that odd Unicode normalisation never hides a file."""
    name = "第二次会议纪要（草案）.pdf"
    nfd = unicodedata.normalize("NFD", "材料/Café " + name)
    (project / nfd).parent.mkdir(exist_ok=True)
    cid_pdf(project / nfd, [MINUTES_LINES])
    rel = unicodedata.normalize("NFC", "材料/Café " + name)
    assert nfd != rel
    ev = read_file(project, rel)
    assert ev.ok and ev.path == rel and ev.kind == "会议纪要"


def test_links_out_of_the_project_and_odd_paths(project, tmp_path):
    """A symlink to a file outside the project is not followed; a missing file, a folder
    named like a PDF and a path climbing out with .. are reported.
    This test ensures that reading never leaves the project folder."""
    outside = cid_pdf(tmp_path / "外部.pdf", [NOTICE_LINES])
    os.symlink(outside, project / "材料" / "链接.pdf")
    assert read_file(project, "材料/链接.pdf").error == "链接指向项目文件夹之外，未读取"
    assert read_file(project, "材料/不存在.pdf").error == "文件不存在（可能已被移动或删除）"
    (project / "材料" / "目录.pdf").mkdir()
    assert read_file(project, "材料/目录.pdf").error == "不是普通文件，未读取"
    assert read_file(project, "../外部.pdf").error == "路径指向项目文件夹之外，未读取"


def test_evidence_files_are_never_modified(project):
    """Reading every kind of file leaves bytes and modification times exactly as they were.
    This test ensures that evidence files are opened read-only."""
    files = [cid_pdf(project / "材料" / "a.pdf", [NOTICE_LINES]),
             make_docx(project / "材料" / "b.docx", NOTICE_LINES),
             make_xlsx(project / "材料" / "c.xlsx", {"表": [["姓名"]]}),
             make_photo(project / "材料" / "d.jpg", taken="2021:06:01 10:00:00")]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    for p in files:
        assert read(project, f"材料/{p.name}").evidence.ok
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_unexpected_failure_becomes_a_reason(project, monkeypatch):
    """If a parser raises something unforeseen, the record names the failure in Chinese.
    This test ensures that no exception escapes read_file."""
    from dossier.readers import word

    make_docx(project / "材料" / "x.docx", NOTICE_LINES)
    monkeypatch.setattr(word, "read_docx", lambda data: (_ for _ in ()).throw(KeyError("boom")))
    ev = read_file(project, "材料/x.docx")
    assert ev.error == "文件无法读取（KeyError），可能已损坏" and len(ev.sha256) == 64


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\xff\xd8\xff\xe0", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"), (b"BM" + b"\x00" * 40, "bmp"), (b"{\\rtf1\\ansi", "rtf"),
    (b"<html><body>", "html"), (b"", "empty"),
])
def test_sniff_magic_bytes(tmp_path, data, kind):
    """sniff() names the real type from the first bytes.
    This test ensures that each magic number is recognised."""
    p = tmp_path / "x.bin"
    p.write_bytes(data)
    assert sniff(p) == kind


def test_sniff_tells_office_zip_and_ole2_apart(tmp_path):
    """Zip packages are told apart by their content types; OLE2 by stream names.
    This test ensures that docx/xlsx/doc/xls are recognised whatever their names."""
    d = make_docx(tmp_path / "a.bin", ["x"])
    x = make_xlsx(tmp_path / "b.bin", {"s": [["x"]]})
    assert sniff(d) == "docx" and sniff(x) == "xlsx"
    (tmp_path / "c.bin").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"))
    assert sniff(tmp_path / "c.bin") == "xls"
