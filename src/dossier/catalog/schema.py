"""The catalog schema: ``schemas/catalog.schema.json`` with its rule part assembled from
the registered rule types (:mod:`dossier.rules`), so a rule type added in code is valid in
a catalog at once. ``python -m dossier.catalog.schema`` rewrites the committed file (a test
keeps it equal to the assembly, for editors and tools that read the file alone)."""

from __future__ import annotations

import copy
import json
import sys
from importlib import resources
from pathlib import Path

from dossier import rules

_cache: dict[tuple, dict] = {}


def _committed() -> dict:
    text = resources.files("dossier").joinpath("schemas", "catalog.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def assembled() -> dict:
    """The full catalog schema for the rule types registered now."""
    key = tuple((name, id(rt)) for name, rt in rules.TYPES.items())
    if key not in _cache:
        schema = copy.deepcopy(_committed())
        defs = {k: v for k, v in schema["$defs"].items() if not k.startswith("rule")}
        defs.update(rules.schema_defs())
        schema["$defs"] = defs
        _cache.clear()
        _cache[key] = schema
    return _cache[key]


def render() -> str:
    return json.dumps(assembled(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path(str(resources.files("dossier").joinpath("schemas", "catalog.schema.json")))
    text = render()
    if target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"已更新 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
