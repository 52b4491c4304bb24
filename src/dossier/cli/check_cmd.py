"""``dossier check``: which proof is still missing, and who must supply it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dossier import api, atomic
from dossier.cli.console import stdout
from dossier.reports import json_report, terminal

DEFAULT_OUTPUTS = {"html": "检查报告.html", "xlsx": "任务分解表.xlsx"}


@click.command("check")
@click.argument("project", metavar="[项目文件夹]", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "html", "xlsx"]), default="terminal",
              show_default=True,
              help="输出格式：terminal 终端显示；json 输出到屏幕（或 --output 指定的文件）；"
                   "html 检查报告网页；xlsx 任务分解表（按责任部门分表）。")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="写入的文件。html 默认为 输出/检查报告.html，xlsx 默认为 输出/任务分解表.xlsx。")
@click.option("--by-department", is_flag=True, help="终端显示时按责任部门（而不是按项目）列出缺项。")
def check(project: Path, fmt: str, output: Path | None, by_department: bool) -> int:
    """逐条检查工作标准和负面清单项：哪些已达标、哪些缺材料、由哪个部门补充。

    项目文件夹即申报项目文件夹（含 dossier.yaml），默认为当前文件夹。
    全部达标且没有问题时退出码为 0；有缺项、不予推荐、无法读取的文件或材料清单错误行时为 1；
    设置文件无法使用时为 2。
    """
    session = api.checked(project)
    report, catalog, proj = session.report, session.catalog, session.project
    if output is not None:
        _refuse_project_inputs(output, proj)
    con = stdout()
    if fmt == "terminal":
        color = con.is_terminal and not os.environ.get("NO_COLOR") and output is None
        text = terminal.render(report, catalog, by_department=by_department, color=color, width=con.width)
        if output:
            atomic.write_text(output, text)
            click.echo(f"检查结果已写入 {output}")
        else:
            click.echo(text, nl=False)
    elif fmt == "json":
        text = json_report.render(report, catalog)
        if output:
            atomic.write_text(output, text)
            click.echo(f"检查结果（JSON）已写入 {output}")
        else:
            click.echo(text, nl=False)
    else:
        target = output or proj.output_dir / DEFAULT_OUTPUTS[fmt]
        if fmt == "html":
            from dossier.reports import html_report

            atomic.write_text(target, html_report.render(report, catalog))
            what = "检查报告"
        else:
            from dossier.reports import xlsx_report  # openpyxl: 0.5 s of import, only for this format

            atomic.write_bytes(target, xlsx_report.render(report, catalog))
            what = "任务分解表"
        s = report.summary
        click.echo(f"{what}已写入 {target}")
        click.echo(f"达标 {s['met']}，部分达标 {s['partial']}，缺材料 {s['missing']}，不适用 {s['not_applicable']}；"
                   f"{'符合申报条件' if report.eligible else '不予推荐'}")
    raise click.exceptions.Exit(0 if report.all_good else 1)


def _refuse_project_inputs(output: Path, proj) -> None:
    """``-o`` may point anywhere except at what the clerk gave dossier: evidence, registers, the
    settings and the manifests are never modified (CONTRACT.md §6)."""
    from dossier.errors import UsageError

    target = Path(output).resolve()
    root = Path(proj.root).resolve()
    files = {Path(proj.config_path).resolve(): "项目设置文件",
             root / "材料清单.xlsx": "材料清单", root / "材料清单.csv": "材料清单"}
    folders = {root / proj.evidence_dir: "材料文件夹", root / "台账": "台账文件夹"}
    what = files.get(target) or next((name for folder, name in folders.items()
                                      if target == folder or folder in target.parents), None)
    if what:
        raise UsageError(f"不能把检查结果写到 {output}：那里是申报项目的{what}，dossier 不改动、不添加证明材料和设置；"
                         f"请写到 输出/ 或项目之外（如 -o 输出/检查结果.json）")


def register(main: click.Group) -> None:
    main.add_command(check)
