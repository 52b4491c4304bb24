"""Legacy Office files (.doc .wps .xls .et): converted once by LibreOffice to .docx/.xlsx,
cached by content hash, then read like their modern forms."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dossier import atomic, office

# Which modern format each legacy extension becomes.
TARGETS = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}


def target_for(suffix: str) -> str | None:
    return TARGETS.get(suffix.lower())


def convert_paths(paths: dict[str, Path], cache: Path | None, hashes: dict[Path, str] | None = None
                  ) -> dict[str, Path | str]:
    """Convert many files in as few LibreOffice runs as possible: {key: converted path or
    Chinese error}. Without a cache the results live in a scratch folder for the process.

    A file LibreOffice could not convert is remembered in the cache (``<sha256>.<fmt>.failed``)
    so that the per-file read after a batch does not start LibreOffice a second time."""
    cache_dir = Path(cache) if cache is not None else _scratch_cache()
    hashes = dict(hashes or {})
    by_target: dict[str, list[tuple[str, Path]]] = {}
    out: dict[str, Path | str] = {}
    for key, path in paths.items():
        target = target_for(path.suffix)
        if not target:
            continue
        digest = hashes.get(path) or office.sha256_file(path)
        hashes[path] = digest
        failed = _failure_marker(cache_dir, digest, target)
        if failed.is_file():
            out[key] = failed.read_text(encoding="utf-8").strip() or _GENERIC
            continue
        by_target.setdefault(target, []).append((key, path))
    for target, items in by_target.items():
        results = office.convert([p for _, p in items], target, cache_dir, hashes=hashes)
        for key, path in items:
            done = results.get(path)
            if done is not None and done.output is not None:
                out[key] = done.output
                continue
            error = (done.error if done else None) or _GENERIC
            out[key] = error
            if office.soffice() is not None and "超时" not in error:
                # Only a verdict on the file itself is remembered, not a missing or slow tool.
                atomic.write_text(_failure_marker(cache_dir, hashes[path], target), error)
    return out


_GENERIC = "LibreOffice 无法转换此文件（文件可能已损坏或格式不受支持）"


def _failure_marker(cache_dir: Path, digest: str, target: str) -> Path:
    return cache_dir / f"{digest}.{target}.failed"


_SCRATCH: tempfile.TemporaryDirectory | None = None


def _scratch_cache() -> Path:
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = tempfile.TemporaryDirectory(prefix="dossier-legacy-")
    return Path(_SCRATCH.name)
