"""Which file proves which standard: manifest rows and folder/file names (CONTRACT.md §3).

Both sources may be mixed; a file assigned to the same standard twice counts once, and
the manifest row wins because it carries title, kind, date and unit. Every bad row is a
:class:`ManifestProblem` with the spreadsheet's row number and is skipped; an unknown ID
in an otherwise good row is reported while the row's other IDs still count.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from dossier import ids as ids_lib
from dossier.dates import cell_date, parse_date
from dossier.manifest import NAMES as manifest_names
from dossier.manifest import ManifestRow, key_of
from dossier.paths import OutsideProject, inside, is_inside, rel_posix, undecodable
from dossier.records import MATERIAL_KINDS, Assignment, Catalog, EvidenceFile, ManifestProblem, Project

_DATE_SHAPED = re.compile(r"\d{4}\.\d{1,2}\.\d{1,2}")

OUTPUT_DIR = "输出"
STATE_DIR = ".dossier"  # the workbench's accounts and audit log (CONTRACT.md §7)
RECYCLE_DIR = ".回收站"  # where the workbench moves removed files, under the evidence folder


def _fold(rel: str) -> str:
    """How reserved names are compared: every Unicode form, width and case of one spelling
    is the same name (clerks type on Windows, copy from macOS, paste full-width slashes)."""
    text = unicodedata.normalize("NFKC", rel).replace("\\", "/").casefold()
    parts = [p for p in text.split("/") if p not in ("", ".")]
    return "/".join(parts)


def not_evidence(project: Project, rel: str) -> str | None:
    """Why the project-relative ``rel`` can never be evidence, however it is spelled, or None.

    dossier's own outputs (输出/), the workbench state (.dossier/), the recycle bin, the
    manifests, the settings and the unit rosters they name are the project's machinery:
    binding them would put last build's dossier into the next one."""
    key = _fold(rel)
    if not key:
        return "这是整个项目文件夹；请写出具体的文件或材料子文件夹"
    first = key.split("/", 1)[0]
    if first == _fold(OUTPUT_DIR):
        return "输出/ 中是 dossier 生成的申报材料"
    if first == STATE_DIR:
        return ".dossier/ 中是工作台的账号和日志"
    if any(part == _fold(RECYCLE_DIR) for part in key.split("/")):
        return "回收站中是已移除的材料"
    if key in {_fold(n) for n in manifest_names}:
        return "这是材料清单本身"
    config = _fold(project.config_path.name) if project.config_path else "dossier.yaml"
    if key in (config, "dossier.yaml"):
        return "这是项目设置文件 dossier.yaml"
    for spec in (project.raw.get("units") or {}).values() if isinstance(project.raw, dict) else ():
        if isinstance(spec, dict) and isinstance(spec.get("file"), str) and key == _fold(spec["file"]):
            return "这是 dossier.yaml 中 units 引用的单位名册"
    return None


@dataclass(frozen=True)
class ResolvedManifest:
    assignments: tuple[Assignment, ...]
    problems: tuple[ManifestProblem, ...]
    # Files the rows name, project-relative (NFC) → as spelled on disk; those outside the
    # evidence folder must be indexed too.
    paths: Mapping[str, str] = field(default_factory=dict)


def resolve_manifest(project: Project, catalog: Catalog, rows: Iterable[ManifestRow],
                     known: Mapping[str, str] | None = None) -> ResolvedManifest:
    """Turn rows into assignments. ``known`` maps paths already found in the evidence folder
    (NFC rel → on-disk rel) so a row may differ from the disk in case or Unicode form.

    A row naming a folder assigns every file ``known`` under it."""
    known = dict(known or {})
    by_key = {key_of(k): k for k in known}
    valid_ids = catalog.ids()
    problems: list[ManifestProblem] = []
    assignments: list[Assignment] = []
    paths: dict[str, str] = {}
    seen: dict[tuple[str, frozenset[str]], ManifestRow] = {}

    for row in rows:
        def bad(message: str) -> None:
            problems.append(ManifestProblem(row.source, row.row, message))

        fatal = False
        ids = ids_lib.split_ids(row.indicator) if row.indicator else []
        good_ids = list(dict.fromkeys(one for one in ids if catalog.get(one) is not None))
        unknown = [one for one in ids if catalog.get(one) is None]
        first_message = len(problems)
        if not ids:
            bad("缺少指标编号，此行已跳过")
            fatal = True
        if not row.file:
            bad("缺少文件路径，此行已跳过")
            fatal = True
        kind = unicodedata.normalize("NFKC", row.kind).strip() if row.kind else ""
        valid_kinds = getattr(catalog, "kind_names", MATERIAL_KINDS)
        if kind and kind not in valid_kinds:
            bad(f"材料类型“{row.kind}”无效，应为：{'、'.join(valid_kinds)}；此行已跳过")
            fatal = True
        date = None
        if row.date not in (None, ""):
            date = cell_date(row.date)
            if date is None:
                bad(f"日期“{_show(row.date)}”无法识别（可写 2021-03-15、2021/3/15、2021.3.15 或 2021年3月15日），此行已跳过")
                fatal = True
        targets: list[str] = []
        if row.file:
            found = _resolve_path(project, row.file, by_key, known)
            if isinstance(found, str):
                bad(found)
                fatal = True
            else:
                for rel, disk in found:
                    targets.append(rel)
                    paths[rel] = disk
        # Unknown IDs first; whether the row's other IDs still count depends on everything else.
        for n, one in enumerate(unknown):
            if good_ids and not fatal:
                rest = f"；本行的 {'、'.join(good_ids)} 仍然有效"
            else:
                rest = "，此行已跳过" if not good_ids else ""
            problems.insert(first_message + n, ManifestProblem(
                row.source, row.row, ids_lib.unknown_id_message(one, valid_ids) + rest))
        if fatal or not good_ids:
            continue
        for target in targets:
            dup_key = (target, frozenset(good_ids))
            first = seen.get(dup_key)
            if first is not None:
                where = f"第 {first.row} 行" if first.source == row.source else f"{first.source} 第 {first.row} 行"
                bad(f"与{where}重复（同一文件、同一指标编号），此行已跳过")
                continue
            seen[dup_key] = row
            for one in good_ids:
                assignments.append(Assignment(
                    path=target, indicator=one, source="manifest", row=row.row, manifest=row.source,
                    title=row.title or None, kind=kind or None, date=date, unit=row.unit or None,
                    note=row.note or None))
    return ResolvedManifest(tuple(assignments), tuple(problems), paths)


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _resolve_path(project: Project, written: str, by_key: Mapping[str, str],
                  known: Mapping[str, str]) -> list[tuple[str, str]] | str:
    """[(rel, on-disk rel)] for a written path, or the Chinese reason it cannot be used."""
    root, evidence = project.root, project.evidence_dir
    cleaned = written.strip().replace("\\", "/").strip()
    for candidate in (cleaned, f"{evidence}/{cleaned}"):
        hit = by_key.get(key_of(candidate))
        if hit is not None:
            return [(hit, known[hit])]
    try:
        target = inside(root, cleaned, also_under=evidence)
    except OutsideProject as e:
        return f"文件 {written} 不能使用：{e}，此行已跳过"
    if not target.exists() and not target.is_symlink():
        return f"找不到文件 {written}（已在项目文件夹和 {evidence}/ 中查找），此行已跳过"
    # Judge the real place, not the spelling: ./输出/x, 输出\x and a link into 输出/ are one place.
    real_root = root.resolve()
    real = target.resolve()
    real_rel = rel_posix(real, real_root)
    why = not_evidence(project, real_rel) or not_evidence(project, rel_posix(target, root))
    if why:
        return f"文件 {written} 不能作为证明材料（{why}），此行已跳过"
    if target.is_dir():
        prefix = key_of(real_rel) + "/"
        under = [(k, known[k]) for k in sorted(k for k in known if key_of(k).startswith(prefix))]
        if not under:
            under = _files_under(project, real)  # a folder outside the evidence folder
        if not under:
            return f"文件夹 {written} 中没有证明材料，此行已跳过"
        return under
    hit = by_key.get(key_of(real_rel))
    if hit is not None:  # a link or another spelling of a file the evidence folder already has
        return [(hit, known[hit])]
    if undecodable(real_rel):
        return f"文件 {written} 的名称编码无法识别，此行已跳过"
    if target.is_symlink() or real != target.absolute():
        # A link elsewhere in the project: the real file is the evidence, read under its own name.
        return [(real_rel, real.relative_to(real_root).as_posix())]
    disk = Path(target).relative_to(root).as_posix()
    return [(rel_posix(target, root), disk)]


def _files_under(project: Project, folder: Path) -> list[tuple[str, str]]:
    """Regular files under ``folder`` (a real path inside the project), each once: links,
    hidden and Office lock files, names no encoding can show and the project's own files skipped."""
    root = project.root.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not undecodable(d)
                             and not (Path(dirpath) / d).is_symlink()
                             and not not_evidence(project, rel_posix(Path(dirpath) / d, root)))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith((".", "~$")) or undecodable(name) or path.is_symlink() or not path.is_file():
                continue
            rel = rel_posix(path, root)
            if not is_inside(root, path) or not_evidence(project, rel):
                continue
            found.append((rel, path.relative_to(root).as_posix()))
    return sorted(found)


def name_assignments(catalog: Catalog, paths: Iterable[str]) -> tuple[list[Assignment], list[ManifestProblem]]:
    """A folder or file name starting with an ID and a separator assigns the file to it.

    A name that looks like an ID but is none (``2.1.9 会议``) assigns nothing and is reported
    once, under that folder's or file's path. Names starting with a date (``2021.3.15 纪要``)
    are dates, not IDs."""
    assignments: list[Assignment] = []
    problems: dict[str, ManifestProblem] = {}
    valid = catalog.ids()
    prefix = ids_lib.name_prefix(getattr(catalog, "levels", 3))
    for path in paths:
        parts = path.split("/")
        for depth, part in enumerate(parts, 1):
            m = prefix.match(unicodedata.normalize("NFKC", part))
            if not m:
                continue
            found = ids_lib.normalize(m.group(1))
            if _DATE_SHAPED.fullmatch(found) and parse_date(found):
                continue
            if re.match(r"(?:19|20)\d{2}\.", found) and catalog.get(found) is None:
                continue  # 2021.10 …: a year and month in a two-level catalog, not an ID
            if catalog.get(found) is not None:
                if not any(a.indicator == found for a in assignments if a.path == path):
                    assignments.append(Assignment(path=path, indicator=found, source="name"))
            else:
                where = "/".join(parts[:depth])
                what = "文件夹" if depth < len(parts) else "文件"
                near = ids_lib.nearest(found, valid)
                hint = f"（相近的有效编号：{'、'.join(near)}）" if near else ""
                problems.setdefault(where, ManifestProblem(
                    where, None, f"{what}名以 {found} 开头，但 {found} 不是有效的指标编号{hint}；其中的文件未按名称分配"
                    if what == "文件夹" else f"{what}名以 {found} 开头，但 {found} 不是有效的指标编号{hint}；未按名称分配"))
    return assignments, list(problems.values())


def combine(*groups: Iterable[Assignment]) -> tuple[Assignment, ...]:
    """One assignment per (file, standard); earlier groups win (pass the manifest first)."""
    chosen: dict[tuple[str, str], Assignment] = {}
    for group in groups:
        for a in group:
            chosen.setdefault((a.path, a.indicator), a)
    return tuple(sorted(chosen.values(), key=lambda a: (ids_lib.sort_key(a.indicator), a.path)))


def collapse_copies(assignments: Iterable[Assignment], files: Iterable[EvidenceFile]
                    ) -> tuple[tuple[Assignment, ...], dict[str, str]]:
    """Identical content counts once: within each standard, the assignments of identical
    copies (same sha256, readable) move onto one canonical copy, remembering the copy's path
    in ``Assignment.copy``. Returns the assignments and {copy: canonical} for every copy left
    with no assignment of its own (moved, or never assigned while another copy is).

    Copies under different standards keep their own assignments: each standard counts its
    proof once, and a file's own name may carry its date. The canonical copy is the one the
    clerk pointed at most explicitly: a manifest row, then a name; then the shallowest path,
    then the first in path order."""
    assignments = tuple(assignments)
    sha_of = {f.path: f.sha256 for f in files if f.ok and f.sha256}
    rank: dict[str, int] = {}
    for a in assignments:
        rank[a.path] = min(rank.get(a.path, 9), _SOURCE_RANK.get(a.source, 8))

    def best(paths: Iterable[str]) -> str:
        return min(paths, key=lambda p: (rank.get(p, 9), p.count("/"), p))

    by_standard: dict[tuple[str, str], set[str]] = {}
    for a in assignments:
        if a.path in sha_of:
            by_standard.setdefault((a.indicator, sha_of[a.path]), set()).add(a.path)
    moved_to: dict[tuple[str, str], str] = {}  # (indicator, copy) → canonical
    for (indicator, _), paths in by_standard.items():
        if len(paths) > 1:
            keep = best(paths)
            moved_to.update(((indicator, p), keep) for p in paths if p != keep)
    out = tuple(replace(a, path=moved_to[(a.indicator, a.path)], copy=a.path)
                if (a.indicator, a.path) in moved_to else a for a in assignments)

    still = {a.path for a in out}
    groups: dict[str, list[str]] = {}
    for path, sha in sha_of.items():
        groups.setdefault(sha, []).append(path)
    duplicates: dict[str, str] = {}
    for paths in groups.values():
        assigned = [p for p in paths if p in still]
        if len(paths) < 2:
            continue
        keep = best(assigned or paths)
        for p in paths:
            if p != keep and p not in still:
                duplicates[p] = keep
    if moved_to:
        out = tuple(sorted(out, key=lambda a: (ids_lib.sort_key(a.indicator), a.path, a.copy or "")))
    return out, duplicates


_SOURCE_RANK = {"manifest": 0, "name": 1, "register": 2}
