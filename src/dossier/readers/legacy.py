"""Legacy Office files (.doc .wps .xls .et): converted once by LibreOffice to .docx/.xlsx,
cached by content hash, then read like their modern forms."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dossier import office

# Which modern format each legacy extension becomes.
TARGETS = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}


def target_for(suffix: str) -> str | None:
    return TARGETS.get(suffix.lower())


def convert_paths(paths: dict[str, Path], cache: Path | None, hashes: dict[Path, str] | None = None
                  ) -> dict[str, Path | str]:
    """Convert many files in as few LibreOffice runs as possible: {key: converted path or
    Chinese error}. Without a cache the results live in a scratch folder for the process."""
    cache_dir = Path(cache) if cache is not None else _scratch_cache()
    by_target: dict[str, list[tuple[str, Path]]] = {}
    for key, path in paths.items():
        target = target_for(path.suffix)
        if target:
            by_target.setdefault(target, []).append((key, path))
    out: dict[str, Path | str] = {}
    for target, items in by_target.items():
        results = office.convert([p for _, p in items], target, cache_dir, hashes=hashes)
        for key, path in items:
            done = results.get(path)
            if done is not None and done.output is not None:
                out[key] = done.output
            else:
                out[key] = (done.error if done else None) or "LibreOffice 无法转换此文件"
    return out


_SCRATCH: tempfile.TemporaryDirectory | None = None


def _scratch_cache() -> Path:
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = tempfile.TemporaryDirectory(prefix="dossier-legacy-")
    return Path(_SCRATCH.name)
