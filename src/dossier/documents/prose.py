"""Official prose for the 自评报告's closing section, generated from check problems.

The county writes to the province in its own voice: each problem's structured facts
(``Problem.facts``) are worded by ``problems.yaml`` (keyed by problem code), never by the
checker's message, which carries paths and notation meant for the clerk. A scheme rewords
any entry in its catalog's ``documents.problems``."""

from __future__ import annotations

import datetime as dt
import functools
import string
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping

import yaml

from dossier.dates import fmt_cn
from dossier.records import Catalog, Problem


@functools.lru_cache(maxsize=1)
def wording() -> dict:
    text = resources.files("dossier").joinpath("documents", "problems.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if "default" not in data:
        raise ValueError("documents/problems.yaml needs a default entry")
    return data


class _Facts(dict):
    """A missing fact prints as nothing rather than failing the document."""

    def __missing__(self, key: str) -> str:
        return ""


def _value(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return fmt_cn(value if isinstance(value, dt.date) else value.date())
    if value is None:
        return ""
    return str(value)


def _fill(template: str, facts: Mapping) -> str:
    text = string.Formatter().vformat(template, (), _Facts({k: _value(v) for k, v in facts.items()}))
    return text.strip().rstrip("。；，,;") + "。"


@dataclass(frozen=True)
class Sentence:
    problem: str
    measure: str


def _entries(catalog: Catalog | None) -> dict:
    """problems.yaml with the catalog's ``documents.problems`` laid over it, entry by entry
    and key by key (a scheme may reword only a measure)."""
    table = dict(wording())
    own = ((catalog.documents if catalog is not None else None) or {}).get("problems") or {}
    for code, entry in own.items():
        table[code] = {**(table.get(code) or {}), **entry}
    return table


def sentence(problem: Problem, standard: str, catalog: Catalog | None = None) -> Sentence:
    """One problem as a sentence ending in 。 and the measure that answers it. The scheme's
    words ({catalog_short}, {negative_short}, {work_name}) come from the catalog."""
    from dossier.documents.context import doc_words

    table = _entries(catalog)
    entry = table.get(problem.code) or table["default"]
    words = doc_words(catalog) if catalog is not None else {}
    facts = {**words, **problem.facts, "standard": standard}
    if "zero" in entry and facts.get("count") == 0:
        template = entry["zero"]
    else:
        template = entry["problem"]
    measure = entry.get("measure") or table["default"]["measure"]
    return Sentence(_fill(template, facts), _fill(measure, facts))


def closing(problems: Iterable[tuple[str, Problem]], catalog: Catalog | None = None) -> tuple[list[str], list[str]]:
    """(problem sentences, measure sentences) for ``(standard short name, problem)`` pairs,
    in order, each sentence once."""
    found, measures = [], []
    for standard, problem in problems:
        s = sentence(problem, standard, catalog)
        if s.problem not in found:
            found.append(s.problem)
        if s.measure not in measures:
            measures.append(s.measure)
    return found, measures
