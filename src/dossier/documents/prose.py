"""Official prose for the 自评报告's closing section, generated from check problems.

The county writes to the province in its own voice: each problem's structured facts
(``Problem.facts``) are worded by ``problems.yaml`` (keyed by problem code), never by the
checker's message, which carries paths and notation meant for the clerk."""

from __future__ import annotations

import datetime as dt
import functools
import string
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping

import yaml

from dossier.dates import fmt_cn
from dossier.records import Problem


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


def sentence(problem: Problem, standard: str) -> Sentence:
    """One problem as a sentence ending in 。 and the measure that answers it."""
    entry = wording().get(problem.code) or wording()["default"]
    facts = {**problem.facts, "standard": standard}
    if "zero" in entry and facts.get("count") == 0:
        template = entry["zero"]
    else:
        template = entry["problem"]
    measure = entry.get("measure") or wording()["default"]["measure"]
    return Sentence(_fill(template, facts), _fill(measure, facts))


def closing(problems: Iterable[tuple[str, Problem]]) -> tuple[list[str], list[str]]:
    """(problem sentences, measure sentences) for ``(standard short name, problem)`` pairs,
    in order, each sentence once."""
    found, measures = [], []
    for standard, problem in problems:
        s = sentence(problem, standard)
        if s.problem not in found:
            found.append(s.problem)
        if s.measure not in measures:
            measures.append(s.measure)
    return found, measures
