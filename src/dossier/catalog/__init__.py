"""The indicator catalog: load a built-in or a clerk's YAML, validate it, number it.

IDs are not stored: they follow from order (CONTRACT.md §1), so a clerk writing another
catalog only lists categories, sub-items and standards (2–4 levels, ``numbering``).
Everything else a scheme needs — its material kinds, rosters, project facts, registers,
what-to-supply wording, document wording, scores — is data in the same file
(docs/CATALOG.md), checked by :mod:`dossier.catalog.validate`.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from dossier import yamlio
from dossier.errors import CatalogNotFound, ConfigError
from dossier.records import (Catalog, Category, Condition, FactSpec, KindSpec, RegisterSpec, RosterSpec,
                             Rule, Standard, SubItem)

DEFAULT = "minor-protection-2021"


def builtin_names() -> list[str]:
    root = resources.files("dossier").joinpath("catalog")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml") and not p.name.startswith("_"))


def resolve(name_or_path: str, base: Path | None = None) -> Path:
    """A built-in name, or a path (relative to ``base``, usually the project folder)."""
    if name_or_path in builtin_names():
        return Path(str(resources.files("dossier").joinpath("catalog", name_or_path + ".yaml")))
    looks_like_path = name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path or "\\" in name_or_path
    candidate = Path(name_or_path)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if candidate.is_file():
        return candidate
    if looks_like_path:
        raise CatalogNotFound(f"找不到指标体系文件 {name_or_path}")
    raise CatalogNotFound(
        f"未知的指标体系 {name_or_path}；内置的有：{'、'.join(builtin_names())}，也可以写指标体系 YAML 文件的路径")


def load(name_or_path: str = DEFAULT, base: Path | None = None, *, validate: bool | None = None) -> Catalog:
    """Load and number a catalog. A clerk's file is always validated; the shipped catalogs are
    validated by the test suite, so by default not again on every run (``validate=True`` forces it)."""
    path = resolve(name_or_path, base)
    data, located = yamlio.read_yaml(path, what="指标体系")
    if not isinstance(data, dict):
        raise ConfigError("指标体系文件应为键值表（YAML mapping）", path=str(path), line=1)
    if validate or (validate is None and not _is_builtin(path)):
        from dossier.catalog.validate import first_error

        first_error(data, path=path, located=located)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return build(data, source=str(path), sha256=digest)


def _is_builtin(path: Path) -> bool:
    shipped = Path(str(resources.files("dossier").joinpath("catalog")))
    return path.resolve().parent == shipped.resolve()


def _condition(cond: dict | None) -> Condition | None:
    return Condition(cond["key"], cond["op"], cond["value"]) if cond else None


def _item(raw: dict, item_id: str, category_id: str = "", subitem_id: str = "",
          negative: bool = False) -> Standard:
    return Standard(
        id=item_id,
        text=raw["text"].strip(),
        short=raw["short"].strip(),
        kinds=tuple(raw.get("kinds") or ()),
        departments=tuple(raw.get("departments") or ()),
        keywords=tuple(raw.get("keywords") or ()),
        rules=tuple(Rule(r["type"], {k: v for k, v in r.items() if k != "type"}) for r in raw.get("rules") or ()),
        applies_when=_condition(raw.get("applies_when")),
        category_id=category_id,
        subitem_id=subitem_id,
        negative=negative,
        score=raw.get("score"),
        supply=(raw.get("supply") or "").strip(),
    )


def levels_of(data: dict) -> int:
    """The ID levels the structure has: standards straight under a category → 2; a sub-item
    holding sub-items → 4; else 3 (the first catalogs)."""
    cats = data.get("categories") or []
    if any(isinstance(c, dict) and "standards" in c for c in cats):
        return 2
    if any(isinstance(sub, dict) and "subitems" in sub
           for c in cats if isinstance(c, dict) for sub in c.get("subitems") or ()):
        return 4
    return 3


def _subitems(cat: dict, cid: str) -> list[SubItem]:
    if "standards" in cat:  # two levels: the category is its own (unnamed) sub-item
        return [SubItem(cid, "", tuple(_item(s, f"{cid}.{n}", cid, cid) for n, s in enumerate(cat["standards"], 1)))]
    subs = []
    for si, sub in enumerate(cat["subitems"], 1):
        sid = f"{cid}.{si}"
        if "subitems" in sub:  # four levels: one record per third-level group
            for gi, group in enumerate(sub["subitems"], 1):
                gid = f"{sid}.{gi}"
                subs.append(SubItem(gid, group["name"], tuple(
                    _item(s, f"{gid}.{n}", cid, gid) for n, s in enumerate(group["standards"], 1)), section=sub["name"]))
        else:
            subs.append(SubItem(sid, sub["name"], tuple(
                _item(s, f"{sid}.{n}", cid, sid) for n, s in enumerate(sub["standards"], 1))))
    return subs


def _kind_specs(data: dict) -> tuple[tuple[str, ...], tuple[KindSpec, ...]]:
    names, specs = [], []
    for k in data.get("kinds") or ():
        if isinstance(k, str):
            names.append(k)
            specs.append(KindSpec(k))
        else:
            names.append(k["name"])
            specs.append(KindSpec(k["name"], tuple(k.get("match") or ()), tuple(k.get("formats") or ()),
                                  k.get("note", "")))
    return tuple(names), tuple(specs)


def _rosters(data: dict) -> dict[str, RosterSpec]:
    out = {}
    for key, spec in (data.get("units") or {}).items():
        if isinstance(spec, str):
            out[key] = RosterSpec(key, spec)
        else:
            out[key] = RosterSpec(key, spec["label"], spec.get("note", ""), tuple(spec.get("example") or ()))
    return out


def _facts(data: dict) -> dict[str, FactSpec]:
    return {key: FactSpec(key, spec["label"], spec.get("type", "number"), spec.get("example"), spec.get("note", ""))
            for key, spec in (data.get("facts") or {}).items()}


def _registers(data: dict) -> dict[str, RegisterSpec]:
    out = {}
    for file, spec in (data.get("registers") or {}).items():
        cols = {k: ((v,) if isinstance(v, str) else tuple(v)) for k, v in (spec.get("columns") or {}).items()}
        out[file] = RegisterSpec(file, spec.get("label", ""), cols, spec.get("hours_column"))
    return out


def build(data: dict, *, source: str = "", sha256: str = "") -> Catalog:
    """Number an already validated catalog mapping (CONTRACT.md §1)."""
    categories = []
    for ci, cat in enumerate(data["categories"], 1):
        categories.append(Category(str(ci), cat["name"], tuple(_subitems(cat, str(ci)))))
    neg = data.get("negative_list") or {}
    negatives = tuple(_item(s, f"N{n}", negative=True) for n, s in enumerate(neg.get("items") or (), 1))
    kind_names, kind_specs = _kind_specs(data)
    numbering = data.get("numbering") or {}
    return Catalog(
        id=data["id"], name=data["name"], scheme=data.get("scheme", data["name"]),
        kinds=kind_names, categories=tuple(categories),
        negative_name=neg.get("name", "负面工作清单项"), negative_items=negatives,
        notice=data.get("notice") or {}, form=data.get("form") or {}, source=source, sha256=sha256,
        kind_specs=kind_specs, units=_rosters(data), facts=_facts(data), registers=_registers(data),
        supply=dict(data.get("supply") or {}), levels=numbering.get("levels") or levels_of(data),
        numbering=numbering.get("note", ""), documents=dict(data.get("documents") or {}),
        init=dict(data.get("init") or {}), raw=data,
        sealed_kinds=tuple(data["sealed_kinds"]) if data.get("sealed_kinds") is not None else ("承诺书",),
    )
