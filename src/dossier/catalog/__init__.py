"""The indicator catalog: load a built-in or a clerk's YAML, validate it, number it.

IDs are not stored: they follow from order (CONTRACT.md §1), so a clerk writing another
catalog only lists categories, sub-items and standards.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from dossier import yamlio
from dossier.errors import CatalogNotFound, ConfigError
from dossier.records import Catalog, Category, Condition, Rule, Standard, SubItem

DEFAULT = "minor-protection-2021"


def builtin_names() -> list[str]:
    root = resources.files("dossier").joinpath("catalog")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


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
        yamlio.validate(data, "catalog.schema.json", path=path, located=located, what="指标体系")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return build(data, source=str(path), sha256=digest)


def _is_builtin(path: Path) -> bool:
    shipped = Path(str(resources.files("dossier").joinpath("catalog")))
    return path.resolve().parent == shipped.resolve()


def _item(raw: dict, item_id: str, category_id: str = "", subitem_id: str = "",
          negative: bool = False) -> Standard:
    cond = raw.get("applies_when")
    return Standard(
        id=item_id,
        text=raw["text"].strip(),
        short=raw["short"].strip(),
        kinds=tuple(raw.get("kinds") or ()),
        departments=tuple(raw.get("departments") or ()),
        keywords=tuple(raw.get("keywords") or ()),
        rules=tuple(Rule(r["type"], {k: v for k, v in r.items() if k != "type"}) for r in raw.get("rules") or ()),
        applies_when=Condition(cond["key"], cond["op"], cond["value"]) if cond else None,
        category_id=category_id,
        subitem_id=subitem_id,
        negative=negative,
    )


def build(data: dict, *, source: str = "", sha256: str = "") -> Catalog:
    """Number an already validated catalog mapping (CONTRACT.md §1)."""
    categories = []
    for ci, cat in enumerate(data["categories"], 1):
        subs = []
        for si, sub in enumerate(cat["subitems"], 1):
            sid = f"{ci}.{si}"
            stds = tuple(_item(s, f"{sid}.{n}", str(ci), sid) for n, s in enumerate(sub["standards"], 1))
            subs.append(SubItem(sid, sub["name"], stds))
        categories.append(Category(str(ci), cat["name"], tuple(subs)))
    neg = data.get("negative_list") or {}
    negatives = tuple(_item(s, f"N{n}", negative=True) for n, s in enumerate(neg.get("items") or (), 1))
    return Catalog(
        id=data["id"], name=data["name"], scheme=data.get("scheme", data["name"]),
        kinds=tuple(data.get("kinds") or ()), categories=tuple(categories),
        negative_name=neg.get("name", "负面工作清单项"), negative_items=negatives,
        notice=data.get("notice") or {}, form=data.get("form") or {}, source=source, sha256=sha256,
        sealed_kinds=tuple(data["sealed_kinds"]) if data.get("sealed_kinds") is not None else ("承诺书",),
    )
