"""The SQLite index: round trips, trigram search, the project lock, damaged databases."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from dossier.records import EvidenceFile, Suggestion
from dossier.store import SCHEMA_VERSION, BUSY_MESSAGE, ProjectBusy, db_path, open_store, project_lock


def ef(path, texts, **kw):
    kw.setdefault("pages", len(texts))
    base = dict(sha256="ab" * 32, size=10, mtime=1.5, format="pdf", title="会议纪要", kind="会议纪要",
                date=dt.date(2021, 3, 15), date_source="会议时间", dates=(dt.date(2021, 3, 15), dt.date(2021, 4, 1)),
                doc_number="某政办发〔2021〕12号", issuer="某某县人民政府", page_texts=tuple(texts))
    base.update(kw)
    return EvidenceFile(path=path, **base)


def test_round_trip_keeps_every_field(tmp_path):
    """A stored file comes back field for field, page texts in order, across reopening.
    This test ensures that reused files look exactly like freshly read ones."""
    original = ef("材料/纪要.pdf", ["第一页 会议时间：2021年3月15日", "第二页"], scanned=True, encrypted=False)
    broken = ef("材料/坏.pdf", [], error="文件已损坏：不是有效的 PDF", pages=None, date=None, dates=())
    with open_store(tmp_path) as store:
        store.put_file(original, disk_path="材料/纪要.pdf", mtime_ns=1_500_000_000)
        store.put_file(broken, disk_path="材料/坏.pdf", mtime_ns=7)
    with open_store(tmp_path) as store:
        assert store.files() == [broken, original]
        stamp = store.stamps()["材料/纪要.pdf"]
        assert (stamp.size, stamp.mtime_ns, stamp.sha256) == (10, 1_500_000_000, "ab" * 32)
        store.remove(["材料/纪要.pdf"])
        assert [f.path for f in store.files()] == ["材料/坏.pdf"]
        assert store.search(["第一页"]) == []


def test_search_chinese_substrings_with_pages(tmp_path):
    """Chinese substrings of 3+ characters are found through FTS5 trigram, 1–2 characters through
    LIKE, several terms must share a page, and each hit names file and page with the term marked.
    This test ensures that dossier search finds what a clerk remembers of a document."""
    with open_store(tmp_path) as store:
        store.put_file(ef("材料/a.pdf", ["县未成年人保护工作领导小组", "研究困境儿童保障资金的落实"]),
                       disk_path="材料/a.pdf", mtime_ns=1)
        store.put_file(ef("材料/b.docx", ["家长学校开展困境儿童家访"], format="docx"), disk_path="材料/b.docx", mtime_ns=1)
        hits = store.search(["困境儿童"])
        assert [(h.path, h.page) for h in hits] == [("材料/a.pdf", 2), ("材料/b.docx", 1)]
        first = hits[0]
        start, end = first.marks[0]
        assert first.snippet[start:end] == "困境儿童"
        assert [(h.path, h.page) for h in store.search(["资金"])] == [("材料/a.pdf", 2)]
        assert [(h.path, h.page) for h in store.search(["困境儿童", "家访"])] == [("材料/b.docx", 1)]
        assert store.search(["领导小组", "资金"]) == []  # on different pages
        assert store.search(['"引号%_']) == []


def test_suggestions_are_stored_per_catalog(tmp_path):
    """Suggestions are remembered per catalog fingerprint and dropped with their file.
    This test ensures that a changed catalog recomputes suggestions."""
    with open_store(tmp_path) as store:
        store.put_file(ef("材料/a.pdf", ["x"]), disk_path="材料/a.pdf", mtime_ns=1)
        assert store.suggestions_needed("cat1", ["材料/a.pdf"]) == ["材料/a.pdf"]
        store.put_suggestions("cat1", {"材料/a.pdf": [Suggestion("材料/a.pdf", "2.1.3", 4.5, ("会议纪要",))]})
        assert store.suggestions_needed("cat1", ["材料/a.pdf"]) == []
        assert store.suggestions_needed("cat2", ["材料/a.pdf"]) == ["材料/a.pdf"]
        assert store.suggestions(["材料/a.pdf"]) == [Suggestion("材料/a.pdf", "2.1.3", 4.5, ("会议纪要",))]
        store.remove(["材料/a.pdf"])
        assert store.suggestions(["材料/a.pdf"]) == []


def test_damaged_database_is_rebuilt(tmp_path):
    """A database file overwritten with junk is replaced by an empty index, not an error.
    This test ensures that a crash-damaged cache never blocks the clerk."""
    db_path(tmp_path).write_bytes(b"this is not sqlite" * 100)
    with open_store(tmp_path) as store:
        assert store.files() == []
        assert store.meta("schema") == SCHEMA_VERSION
    assert sqlite3.connect(db_path(tmp_path)).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_second_holder_of_the_lock_is_told_clearly(tmp_path):
    """While one run holds the project lock, a second is refused with the Chinese busy message,
    and the lock is free again afterwards. This test ensures that two runs never write the index at once."""
    with project_lock(tmp_path):
        with pytest.raises(ProjectBusy) as info:
            with project_lock(tmp_path):
                pass
        assert str(info.value) == BUSY_MESSAGE == "另一个 dossier 正在处理此项目，请稍候再试"
    with project_lock(tmp_path):
        pass


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    """When 输出/.dossier cannot be created (a file stands in its way), opening the index fails
    with a Chinese OutputError naming the folder, not a traceback.
    This test ensures that a read-only or blocked project folder is explained to the clerk."""
    from dossier.errors import OutputError

    blocker = tmp_path / "输出"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="无法在 .*输出/.dossier 中建立索引"):
        with project_lock(blocker / ".dossier"):
            pass
    with pytest.raises(OutputError, match="无法打开索引"):
        with open_store(blocker / ".dossier"):
            pass
