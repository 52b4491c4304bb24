"""Proposals for files neither the manifest nor a name assigns (CONTRACT.md §3, item 3).

A standard scores by its catalog keywords found in the file: a keyword in the title or
file name weighs three times one in the text, repeated mentions count up to three times,
and a keyword shared by many standards weighs less (1 / number of standards using it),
so ``承诺书`` alone does not pick one of seven N-items; one- and two-character keywords
(研究, 村) count once and little in body text, fully in a title. A matching 材料类型 adds a little
when some keyword matched. Scores are plain arithmetic over the text: the same file and
catalog always give the same proposals. Suggestions are shown, never counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from dossier.records import Catalog, EvidenceFile, Suggestion

TOP = 3
THRESHOLD = 1.5
TITLE_WEIGHT = 3.0
MAX_MENTIONS = 3
KIND_BONUS = 0.5
TEXT_LIMIT = 60_000  # characters of text looked at: the opening pages say what a file is


def _weights(catalog: Catalog) -> dict[str, float]:
    cached = catalog.__dict__.get("_keyword_weights")
    if cached is None:
        df = Counter(k for item in catalog.items() for k in set(item.keywords))
        cached = {k: 1.0 / n for k, n in df.items()}
        object.__setattr__(catalog, "_keyword_weights", cached)
    return cached


def suggest(catalog: Catalog, ef: EvidenceFile, *, top: int = TOP, threshold: float = THRESHOLD) -> list[Suggestion]:
    """The best ``top`` standards for ``ef`` scoring at least ``threshold``, best first
    (ties in catalog order)."""
    if not ef.ok:
        return []
    weights = _weights(catalog)
    name = PurePosixPath(ef.path).stem
    heading = f"{ef.title}\n{name}"
    text = ef.text[:TEXT_LIMIT]
    scored = []
    for order, item in enumerate(catalog.items()):
        score, words = 0.0, []
        for word in item.keywords:
            in_heading = word in heading
            mentions = min(text.count(word), MAX_MENTIONS)
            if not in_heading and not mentions:
                continue
            if len(word) < 3:
                # 研究, 教育, 村: in a title they tell, in body text every document has them.
                mentions = min(mentions, 1) * (0.5 if len(word) == 2 else 0.2)
            score += weights[word] * (TITLE_WEIGHT * in_heading + mentions)
            words.append(word)
        if not words:
            continue
        if ef.kind and ef.kind in item.kinds:
            score += KIND_BONUS
        score = round(score, 2)
        if score >= threshold:
            scored.append((-score, order, Suggestion(ef.path, item.id, score, tuple(words))))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [s for _, _, s in scored[:top]]
