"""Suggestions from content: scored by catalog keywords, deterministic, top 3 above a threshold."""

from __future__ import annotations

import pytest

from dossier import catalog as catalog_lib
from dossier.records import EvidenceFile
from dossier.suggest import THRESHOLD, suggest


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def ef(path, title, text, kind="", error=None):
    return EvidenceFile(path=path, sha256="", size=1, mtime=0, format="pdf", title=title, kind=kind,
                        page_texts=(text,), error=error)


def test_meeting_minutes_suggest_the_meeting_standard(cat):
    """County leading-group minutes suggest 2.1.3 first, with the matched words shown.
    This test ensures that the obvious standard is proposed for typical evidence."""
    f = ef("材料/纪要.pdf", "县未成年人保护工作领导小组会议纪要",
           "会议纪要\n领导小组会议研究解决重点个案。会议时间：2021年3月15日", kind="会议纪要")
    got = suggest(cat, f)
    assert got[0].indicator == "2.1.3"
    assert "领导小组会议" in got[0].words and "会议纪要" in got[0].words
    assert len(got) <= 3 and all(s.score >= THRESHOLD for s in got)
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)
    assert suggest(cat, f) == got


def test_title_outweighs_text_and_shared_words_weigh_less(cat):
    """A keyword in the file name counts more than the same keyword in the text, and 承诺书 alone
    (shared by all seven N-items) proposes nothing. This test ensures that scores reflect how telling a word is."""
    in_name = suggest(cat, ef("材料/家长学校.pdf", "", "无"))
    in_text = suggest(cat, ef("材料/x.pdf", "", "家长学校，家长学校"))
    assert in_name[0].indicator == "4.1.2" and in_name[0].score > in_text[0].score
    assert suggest(cat, ef("材料/承诺书.pdf", "", "本单位郑重承诺书")) == []
    pledge = suggest(cat, ef("材料/承诺书.pdf", "户籍登记承诺书", "户籍登记"))
    assert pledge[0].indicator == "N4"


def test_nothing_for_unreadable_or_unrelated_files(cat):
    """Files with errors or without catalog words get no suggestion.
    This test ensures that suggestions are never invented."""
    assert suggest(cat, ef("材料/a.pdf", "会议纪要", "会议纪要", error="文件已损坏")) == []
    assert suggest(cat, ef("材料/b.pdf", "今天天气", "晴")) == []


def test_generic_short_words_in_body_do_not_suggest(cat):
    """Everyday two-character words (研究, 教育, 考核) repeated in body text propose nothing, while the
    same word in the title still counts. This test ensures that ordinary documents are not flooded with proposals."""
    body = "会议研究了教育工作。研究决定加强考核。再次研究教育考核。" * 3
    assert suggest(cat, ef("材料/某某.pdf", "某某情况报送", body)) == []
    titled = suggest(cat, ef("材料/补课.pdf", "关于查处违规补课的通报", "节假日补课"))
    assert [(s.indicator, s.words) for s in titled] == [("6.4.1", ("补课", "节假日"))]
