"""``dossier index``, ``suggestions``, ``accept`` and ``search``: parse, call, print."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from dossier import index as index_lib
from dossier import manifest as manifest_lib
from dossier import project as project_lib
from dossier.cli.console import stderr, stdout
from dossier.errors import UsageError
from dossier.paths import is_inside, rel_posix

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word（.docx）", "doc": "Word（.doc）", "wps": "WPS 文字（.wps）",
                "xlsx": "Excel（.xlsx）", "xls": "Excel（.xls）", "et": "WPS 表格（.et）", "image": "图片",
                "unsupported": "不支持的类型"}
SEARCH_LIMIT = 200
SHOWN_SUGGESTIONS = 20  # files with suggestions printed by ``dossier index``; the rest via ``dossier suggestions``


_load = project_lib.open_project


class _LazyProgress:
    """A progress bar that appears only when indexing takes longer than a second. OCR runs for
    minutes on a pile of scans, so its line also shows pages per second and the time left."""

    LABELS = {"convert": "转换旧格式文件", "read": "读取证明材料", "ocr": "识别扫描件和照片中的文字"}

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.phase_started: dict[str, float] = {}
        self.enabled = sys.stderr.isatty()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        self.phase_started.setdefault(phase, time.monotonic())
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or done >= total:
                return
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[unit]}"), TextColumn("{task.fields[rate]}"),
                                TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                                console=stderr(), transient=True)
            self.bar.start()
        unit = "页" if phase == "ocr" else "个文件"
        elapsed = time.monotonic() - self.phase_started[phase]
        rate = f"{done / elapsed:.2f} {unit}/秒" if done and elapsed > 0 else ""
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(self.LABELS.get(phase, phase), total=total, unit=unit, rate=rate)
        self.bar.update(self.tasks[phase], completed=done, total=total, rate=rate)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(result: index_lib.IndexResult) -> Table:
    s = result.stats
    by_format = Counter(f.format for f in result.files)
    assigned = result.assigned_paths
    table = Table(title="材料索引", show_header=True, header_style="bold")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("文件总数", str(len(result.files)))
    for fmt, n in sorted(by_format.items(), key=lambda t: (-t[1], t[0])):
        table.add_row(f"  {FORMAT_NAMES.get(fmt, fmt)}", str(n))
    table.add_row("页数", str(s.pages))
    table.add_row("已分配到指标的文件", str(sum(1 for f in result.files if f.path in assigned)))
    table.add_row("未分配的文件", str(sum(1 for f in result.files if f.path not in assigned)))
    table.add_row("分配（文件×指标）", str(len(result.assignments)))
    table.add_row("无法读取的文件", str(s.errors))
    ocr_files = [f for f in result.files if f.ocr_pages]
    if ocr_files or s.ocr_pages:
        table.add_row("文字识别（OCR）的文件 / 页", f"{len(ocr_files)} / {sum(f.ocr_pages for f in ocr_files)}")
    if s.ocr_pages:
        rate = s.ocr_pages / s.ocr_seconds if s.ocr_seconds else 0
        table.add_row("  本次识别（页，页/秒）", f"{s.ocr_pages}，{rate:.2f}")
    table.add_row("本次读取 / 沿用上次", f"{s.read} / {s.reused}")
    if s.removed:
        table.add_row("已从索引移除", str(s.removed))
    table.add_row("用时（秒）", f"{s.seconds:.2f}")
    return table


def _print_problems(out, result: index_lib.IndexResult) -> None:
    if result.manifest_problems:
        out.print(f"\n材料清单和文件名中的问题（{len(result.manifest_problems)} 处）：", markup=False)
        for p in result.manifest_problems:
            where = f"{p.source} 第 {p.row} 行" if p.row else p.source
            out.print(f"  {where}：{p.message}", markup=False)
    errors = result.errors
    if errors:
        out.print(f"\n无法读取的文件（{len(errors)} 个，不计入任何指标）：", markup=False)
        for f in errors:
            out.print(f"  {f.path}：{f.error}", markup=False)


def _accept_hint(project_root: Path) -> str:
    """``dossier accept`` needs ``-p`` unless the clerk is standing in the project folder."""
    try:
        here = Path.cwd().resolve() == project_root.resolve()
    except OSError:
        here = False
    return "" if here else f" -p {_quote(str(project_root))}"


def _quote(arg: str) -> str:
    """One argument as the clerk's shell reads it back verbatim when the line is pasted
    (a name may hold spaces, quotes, $ or backquotes)."""
    if os.name == "nt":
        import subprocess

        return subprocess.list2cmdline([arg])
    import shlex

    return shlex.quote(arg)


def _print_suggestions(out, result: index_lib.IndexResult, limit: int | None, project_root: Path) -> None:
    by_file: dict[str, list] = {}
    for s in result.suggestions:
        by_file.setdefault(s.path, []).append(s)
    if not by_file:
        return
    out.print(f"\n建议（{len(by_file)} 个未分配的文件；仅供参考，确认前不计入）：", markup=False)
    shown = list(by_file.items()) if limit is None else list(by_file.items())[:limit]
    for path, items in shown:
        proposals = "；".join(f"{s.indicator}（{s.score:g} 分，匹配：{'、'.join(s.words)}）" for s in items)
        out.print(f"  {path} → {proposals}", markup=False)
        out.print(f"      确认：dossier accept {_quote(path)} {_quote(items[0].indicator)}{_accept_hint(project_root)}",
                  markup=False)
    if limit is not None and len(by_file) > limit:
        out.print(f"  ……其余 {len(by_file) - limit} 个文件的建议请运行 dossier suggestions 查看", markup=False)


@click.command("index", options_metavar="[选项]")
@click.argument("project_dir", metavar="[项目文件夹]", required=False, default=".",
                type=click.Path(file_okay=True, path_type=Path))
@click.option("--jobs", "-j", type=int, default=None, metavar="N",
              help="同时读取文件（和识别文字）的进程数（默认：CPU 核数）。")
@click.option("--no-ocr", is_flag=True,
              help="本次不识别扫描件和照片中的文字（OCR）；也可在 dossier.yaml 中写 ocr: false。")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True,
              help="terminal：终端显示统计和问题；json：每个证明材料文件一条记录（路径、类型、标题、日期、文号、"
                   "发文机关、页数、识别页数、是否见公章、所属指标）。")
def index_command(project_dir: Path, jobs: int | None, no_ocr: bool, fmt: str) -> None:
    """读取证明材料，建立索引，并按材料清单和文件名分配到指标。

    没有文字层的页面（扫描件、照片）会识别其中的文字（OCR），识别结果按文件内容缓存，只识别一次。
    第二次运行只读取新增或改动过的文件。结束时列出文件统计、材料清单中的问题、无法读取的文件，以及对未分配文件的建议。有问题行或无法读取的文件时退出码为 1。
    """
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs 应为正整数，现为 {jobs}")
    project, cat = _load(project_dir)
    bar = _LazyProgress()
    try:
        result = index_lib.run_index(project, cat, jobs=jobs, progress=bar, ocr=False if no_ocr else None)
    finally:
        bar.close()
    registers = ()
    if fmt == "json":
        from dossier.reports import index_json

        registers = _register_reports(project, cat, result)
        click.echo(index_json.render(result, registers), nl=False)
        for warning in result.warnings:
            stderr().print(f"注意：{warning}", markup=False)
    else:
        out = stdout()
        for warning in result.warnings:
            out.print(f"注意：{warning}", markup=False)
        out.print(_summary(result))
        _print_problems(out, result)
        _print_suggestions(out, result, SHOWN_SUGGESTIONS, project.root)
    if result.manifest_problems or result.errors or any(r.status == "error" for r in registers):
        click.get_current_context().exit(1)


def _register_reports(project, cat, result: index_lib.IndexResult) -> list:
    """Registers that prove standards by their rows but are named by no manifest row: the check
    lists them among the evidence files, so the index's JSON does too (CONTRACT.md §4, §8)."""
    from dossier.check import evaluate
    from dossier.errors import ConfigError

    try:
        report = evaluate(cat, project, result.files, result.assignments, result.manifest_problems,
                          registers_root=project.root, duplicates=result.duplicates)
    except ConfigError:  # settings the check refuses are reported by dossier check, not here
        return []
    indexed = {f.path for f in result.files}
    return [r for r in report.files if r.path not in indexed]


@click.command("suggestions", options_metavar="[选项]")
@click.argument("project_dir", metavar="[项目文件夹]", required=False, default=".",
                type=click.Path(file_okay=True, path_type=Path))
def suggestions_command(project_dir: Path) -> None:
    """列出未分配文件的建议指标（按内容中的关键词打分）。

    建议不计入检查结果；确认后用 dossier accept 文件 指标编号 写入材料清单。
    """
    project, cat = _load(project_dir)
    result = index_lib.load_index(project, cat)
    out = stdout()
    if not result.suggestions:
        unassigned = len(result.unassigned)
        out.print("没有建议：所有文件都已分配到指标。" if not unassigned
                  else f"有 {unassigned} 个未分配的文件，但内容中没有找到足以判断指标的关键词；请在材料清单中填写。")
        return
    _print_suggestions(out, result, None, project.root)


@click.command("accept", options_metavar="[选项]")
@click.argument("file", metavar="文件")
@click.argument("ids", metavar="指标编号...", nargs=-1, required=True)
@click.option("--project", "-p", "project_dir", default=".", metavar="文件夹",
              type=click.Path(file_okay=True, path_type=Path), help="申报项目文件夹（默认：当前文件夹）。")
def accept_command(file: str, ids: tuple[str, ...], project_dir: Path) -> None:
    """确认一条建议：在材料清单.xlsx 末尾添加一行（文件 → 指标编号），保留原有格式和下拉列表。

    文件可以写相对于当前文件夹、项目文件夹或材料文件夹的路径；可写多个指标编号。
    """
    project, cat = _load(project_dir)
    written = file
    here = Path(file)
    in_project = (project.root / file).exists() or (project.root / project.evidence_dir / file).exists()
    # Otherwise a path the clerk tab-completed from the current folder: make it project-relative.
    if not in_project and here.exists():
        if not is_inside(project.root, here.absolute()):
            raise UsageError(f"文件 {file} 不在项目文件夹 {project.root} 之内")
        written = rel_posix(here.absolute(), project.root)
    result = manifest_lib.accept(project, cat, written, list(ids))
    ids_text = "、".join(result.ids)
    if not result.added:
        click.echo(f"{result.manifest} 中已有这一行：{result.path} → {ids_text}，未重复添加。")
        return
    created = "（新建）" if result.created else ""
    click.echo(f"已在 {result.manifest}{created} 第 {result.row} 行添加：{result.path} → {ids_text}")
    click.echo("下次运行 dossier index 或 dossier check 时生效。")


@click.command("search", options_metavar="[选项]")
@click.argument("terms", metavar="词语...", nargs=-1, required=True)
@click.option("--project", "-p", "project_dir", default=".", metavar="文件夹",
              type=click.Path(file_okay=True, path_type=Path), help="申报项目文件夹（默认：当前文件夹）。")
def search_command(terms: tuple[str, ...], project_dir: Path) -> None:
    """在全部证明材料的文字中查找词语，列出文件、页码和上下文。

    多个词语须同时出现在同一页；找到时退出码为 0，找不到为 1。
    """
    project, cat = _load(project_dir)
    index_lib.load_index(project, cat)
    hits = index_lib.search(project, list(terms), limit=SEARCH_LIMIT)
    out = stdout()
    if not hits:
        out.print(f"没有找到“{' '.join(terms)}”。", markup=False)
        click.get_current_context().exit(1)
    styled = out.is_terminal
    for hit in hits:
        line = Text(f"{hit.path}  第 {hit.page} 页：")
        pos = 0
        for start, end in hit.marks:
            line.append(hit.snippet[pos:start])
            word = hit.snippet[start:end]
            line.append(word, style="bold red") if styled else line.append(f"【{word}】")
            pos = end
        line.append(hit.snippet[pos:])
        out.print(line)
    if len(hits) >= SEARCH_LIMIT:
        out.print(f"仅显示前 {SEARCH_LIMIT} 处（按页计）；请加词语缩小范围。", markup=False)
    else:
        out.print(f"共 {len(hits)} 处（按页计）。", markup=False)


def register(main: click.Group) -> None:
    for command in (index_command, suggestions_command, accept_command, search_command):
        main.add_command(command)
