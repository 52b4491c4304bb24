"""Refuse placeholder values before a document goes to the province (issue 11 §2).

A value still holding 某某 / XX / 待填, or left exactly as ``dossier init`` wrote it (张三,
0771-1234567 …), would be printed in a document a 县人民政府 signs. ``--draft`` lets it
through (the clerk's own print-out)."""

from __future__ import annotations

import functools
import re

import yaml

from dossier import yamlio
from dossier.errors import ConfigError, DossierError
from dossier.records import Project

# The keys whose values are printed in 申报表 / 请示 / 自评报告, as dossier.yaml spells them.
PRINTED_KEYS = (
    ("applicant", "name"), ("applicant", "contact", "name"), ("applicant", "contact", "title"),
    ("applicant", "contact", "phone"), ("applicant", "contact", "mobile"),
    ("request", "issuer"), ("request", "doc_number"), ("request", "signer"), ("request", "to"),
)
# A scaffold default that is also a real value a county may keep (县民政局副局长, and the
# 主送机关 the scheme's channel names: 自治区民政厅).
REAL_DEFAULTS = {("applicant", "contact", "title"), ("request", "to")}
# 某某 / XX / 待填 …, or a value that is only a bracketed hint such as （主送机关）.
MARKERS = re.compile(r"某某|[Xx×]{2,}|待填|待定|请填写|TODO|^（[^）]{1,12}）$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def scaffold_defaults() -> dict[tuple[str, ...], str]:
    """The values ``dossier init`` writes, read from its own template (one source)."""
    from dossier import catalog as catalog_lib
    from dossier.scaffold import config_text

    data = yaml.safe_load(config_text(catalog_lib.load(), catalog_lib.DEFAULT, "某某县人民政府")) or {}
    out = {}
    for key in PRINTED_KEYS:
        node = data
        for part in key:
            node = node.get(part) if isinstance(node, dict) else None
        if key not in REAL_DEFAULTS and isinstance(node, (str, int)) and str(node).strip():
            out[key] = str(node).strip()
    return out


def _value(raw, key: tuple[str, ...]):
    node = raw
    for part in key:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def problems(project: Project) -> list[tuple[str, int | None, str]]:
    """(key, line, value) of every printed value that is a placeholder or a scaffold default."""
    defaults = scaffold_defaults()
    try:
        raw, located = yamlio.read_yaml(project.config_path, what="项目设置")
    except DossierError:
        raw, located = project.raw or {}, None
    found = []
    for key in PRINTED_KEYS:
        value = _value(raw, key)
        if value is None or not str(value).strip():
            continue
        text = str(value).strip()
        if MARKERS.search(text) or defaults.get(key) == text:
            line = None
            if located is not None:
                try:
                    line = located.line(key)
                except Exception:  # a key the locator cannot place: name it without a line
                    line = None
            found.append((".".join(key), line, text))
    return found


def refuse_placeholders(project: Project) -> None:
    """Raise ConfigError (exit 2) naming the first placeholder's key and line, listing all."""
    found = problems(project)
    if not found:
        return
    key, line, value = found[0]
    listed = "；".join(f"{k}（第{ln}行）“{v}”" if ln else f"{k}“{v}”" for k, ln, v in found)
    raise ConfigError(f"{key} 仍是占位内容“{value}”，不能印入报送的申报材料。请在 dossier.yaml 中填写真实内容"
                      f"（共{len(found)}处：{listed}）；只想先看草稿可加 --draft",
                      path=str(project.config_path), line=line, key=key)
