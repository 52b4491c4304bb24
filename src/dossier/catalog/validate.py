"""Check a catalog file and explain every mistake with its line and key.

Two passes: the JSON schema (assembled with the registered rule types), then what a schema
cannot say — a kind a standard names must be one of dossier's nine or declared under
``kinds``; a condition's fact must be ``population`` or declared under ``facts`` with a
value of its type; ``numbering.levels`` must match the structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jsonschema

from dossier import yamlio
from dossier.catalog.schema import assembled
from dossier.errors import ConfigError
from dossier.records import MATERIAL_KINDS


@dataclass(frozen=True)
class Issue:
    line: int | None
    key: str
    message: str

    def where(self, path: Path | str) -> str:
        return f"{path}:{self.line}" if self.line else str(path)


def issues(data: Any, located: yamlio.Located) -> list[Issue]:
    """Every problem of a catalog mapping, in file order."""
    found = list(_schema_issues(data, located))
    try:
        found += [i for i in _semantic_issues(data, located) if i not in found]
    except (AttributeError, KeyError, TypeError):  # a shape the schema already complained about
        pass
    return sorted(found, key=lambda i: i.line or 0)  # stable: same-line issues keep the schema's order


def first_error(data: Any, *, path: Path, located: yamlio.Located) -> None:
    """Raise ConfigError for the first problem (how ``load`` reports a bad catalog)."""
    found = issues(data, located)
    if found:
        i = found[0]
        raise ConfigError(f"指标体系不符合格式要求：{i.message}", path=str(path), line=i.line, key=i.key or None)


def _schema_issues(data: Any, located: yamlio.Located) -> Iterator[Issue]:
    validator = jsonschema.Draft202012Validator(assembled())
    seen = set()
    for err in sorted(validator.iter_errors(data), key=lambda e: ([(isinstance(p, str), p) for p in e.absolute_path], e.validator)):
        err = yamlio._most_specific(err)
        loc = tuple(err.absolute_path)
        message, key = yamlio._explain(err, loc)
        where = key or loc
        issue = Issue(located.line(where), yamlio.key_path(where), message)
        if issue not in seen:
            seen.add(issue)
            yield issue


def _items(data: dict) -> Iterator[tuple[tuple, dict]]:
    for ci, cat in enumerate(data.get("categories") or ()):
        if "standards" in cat:
            for n, s in enumerate(cat["standards"]):
                yield ("categories", ci, "standards", n), s
        for si, sub in enumerate(cat.get("subitems") or ()):
            for n, s in enumerate(sub.get("standards") or ()):
                yield ("categories", ci, "subitems", si, "standards", n), s
            for gi, group in enumerate(sub.get("subitems") or ()):
                for n, s in enumerate(group.get("standards") or ()):
                    yield ("categories", ci, "subitems", si, "subitems", gi, "standards", n), s
    for n, s in enumerate((data.get("negative_list") or {}).get("items") or ()):
        yield ("negative_list", "items", n), s


def _semantic_issues(data: dict, located: yamlio.Located) -> Iterator[Issue]:
    def issue(loc: tuple, message: str) -> Issue:
        return Issue(located.line(loc), yamlio.key_path(loc), message)

    declared = [k if isinstance(k, str) else k["name"] for k in data.get("kinds") or ()]
    valid_kinds = list(MATERIAL_KINDS) + [k for k in declared if k not in MATERIAL_KINDS]
    kind_hint = "、".join(valid_kinds)
    facts = data.get("facts") or {}
    levels = (data.get("numbering") or {}).get("levels")
    from dossier.catalog import levels_of

    if levels and levels != levels_of(data):
        yield issue(("numbering", "levels"), f"numbering.levels 写的是 {levels} 级，但按内容的层次是 {levels_of(data)} 级"
                                             "（两级：项目下直接写 standards；四级：内容下再写 subitems）")
    for loc, s in _items(data):
        for j, k in enumerate(s.get("kinds") or ()):
            if k not in valid_kinds:
                yield issue(loc + ("kinds", j), f"材料类型“{k}”既不是内置类型，也没有在 kinds 中声明；可用的有：{kind_hint}")
        for r, rule in enumerate(s.get("rules") or ()):
            k = rule.get("kind")
            if k is not None and k not in valid_kinds:
                yield issue(loc + ("rules", r, "kind"), f"材料类型“{k}”既不是内置类型，也没有在 kinds 中声明；可用的有：{kind_hint}")
        cond = s.get("applies_when")
        if cond:
            key, value = cond["key"], cond["value"]
            spec = facts.get(key)
            if key != "population" and spec is None:
                names = "、".join(["population", *facts]) if facts else "population"
                yield issue(loc + ("applies_when", "key"),
                            f"适用条件用到的项目情况 {key} 没有在 facts 中声明（写明名称和类型）；已声明的有：{names}")
                continue
            want = (spec or {}).get("type", "number")
            if (want == "boolean") != isinstance(value, bool):
                yield issue(loc + ("applies_when", "value"),
                            f"{key} 是{'是/否 (true/false)' if want == 'boolean' else '数字'}，条件的 value 应为同一类型")
            elif want == "boolean" and cond["op"] not in ("eq", "ne"):
                yield issue(loc + ("applies_when", "op"), "是/否类的条件只能用 eq 或 ne")
