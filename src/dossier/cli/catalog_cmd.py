"""``dossier catalog``: show, explain and validate indicator catalogs."""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from dossier import catalog as catalog_lib
from dossier.catalog import export
from dossier.cli.console import stdout


@click.group("catalog", invoke_without_command=True)
@click.option("--catalog", "-c", "name", default=catalog_lib.DEFAULT, show_default=True,
              help="内置指标体系名称，或指标体系 YAML 文件路径。")
@click.option("--format", "fmt", type=click.Choice(["tree", "json", "yaml"]), default="tree",
              show_default=True, help="输出格式：树形列表、JSON 或 YAML（含编号）。")
@click.pass_context
def catalog_group(ctx: click.Context, name: str, fmt: str) -> None:
    """查看指标体系：类别 → 内容 → 工作标准，带编号和简称。"""
    ctx.obj["catalog"] = name
    if ctx.invoked_subcommand:
        return
    from dossier import api

    cat = api.load_catalog(name)
    if fmt == "json":
        click.echo(json.dumps(export.to_dict(cat), ensure_ascii=False, indent=2))
    elif fmt == "yaml":
        click.echo(yaml.safe_dump(export.to_dict(cat), allow_unicode=True, sort_keys=False, width=200), nl=False)
    else:
        stdout().print(export.tree(cat))


@catalog_group.command("show")
@click.argument("item_id", metavar="指标编号")
@click.pass_context
def show(ctx: click.Context, item_id: str) -> None:
    """显示一条工作标准（或负面清单项）的全文、材料类型、责任部门和检查规则。

    指标编号如 2.1.3 或 N1。
    """
    from dossier import api

    cat = api.load_catalog(ctx.obj["catalog"])
    stdout().print(export.explain(cat, item_id))


@catalog_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """检查一个指标体系 YAML 文件是否符合格式要求；逐条列出每个错误的文件、行号和键。

    没有错误时退出码为 0，有错误时为 2。
    """
    from dossier import api

    _, found = api.validate_catalog(file)
    if found:
        for i in found:
            key = f"（键 {i.key}）" if i.key else ""
            click.echo(f"{i.where(file)}：{i.message}{key}", err=True)
        click.echo(f"{file}：共 {len(found)} 处错误，请逐条修改后再检查。", err=True)
        raise click.exceptions.Exit(2)
    cat = api.load_catalog(str(file))
    n_rules = sum(len(s.rules) for s in cat.items())
    scored = f"，总分 {cat.total_score:g} 分" if cat.scored else ""
    click.echo(f"{file}：格式正确。{len(cat.categories)} 个项目、{len(cat.subitems)} 项内容、"
               f"{len(cat.standards)} 条工作标准、{len(cat.negative_items)} 项负面清单，{n_rules} 条检查规则"
               f"（编号 {cat.levels} 级{scored}）。")


@catalog_group.command("import")
@click.argument("notice", metavar="通知文件", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="草稿写入的文件（默认为通知同名的 .yaml，放在当前文件夹）。")
@click.option("--id", "catalog_id", default="new-scheme", show_default=True,
              help="指标体系的英文代号（字母、数字、点、横线）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def import_cmd(notice: Path, output: Path | None, catalog_id: str, force: bool) -> None:
    """从上级通知（.docx、有文字层的 .pdf 或 .txt）读取指标体系表，写成指标体系草稿（YAML）。

    项目、内容、工作标准和负面清单照抄原文，按顺序编号；材料类型、责任部门和简称按关键词猜测并标注；
    检查规则留给您补写；读不准的单元格列在草稿末尾。之后用 dossier catalog validate 检查草稿。
    """
    import re

    from dossier import api
    from dossier.errors import UsageError

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", catalog_id):
        raise UsageError(f"--id {catalog_id} 无效：只能用英文字母、数字、点和横线，且以字母或数字开头")
    target = output or Path.cwd() / (notice.stem + ".yaml")
    if target.exists() and not force:
        raise UsageError(f"{target} 已存在，没有改动；要覆盖请加 --force，或用 -o 指定其他文件")
    if notice.suffix.lower() == ".pdf":
        from rich.progress import Progress

        with Progress(transient=True, console=stdout()) as bar:
            task = bar.add_task("读取 PDF 页面", total=None)
            draft = api.import_notice(notice, target, catalog_id=catalog_id,
                                      progress=lambda done, total: bar.update(task, completed=done, total=total))
    else:
        draft = api.import_notice(notice, target, catalog_id=catalog_id)
    subs = sum(len(c.get("subitems") or []) for c in draft.categories)
    click.echo(f"已写入指标体系草稿 {target}：{len(draft.categories)} 个项目、{subs} 项内容、"
               f"{len(draft.standards())} 条工作标准、{len(draft.negatives)} 项负面清单（编号 {draft.levels} 级）。")
    if draft.joined:
        click.echo(f"跨页断开后拼接的单元格 {len(draft.joined)} 处：{'、'.join(draft.joined)}（请核对）")
    if draft.unplaced:
        click.echo(f"未能放置的单元格 {len(draft.unplaced)} 个（已列在草稿末尾）：")
        for where, text, why in draft.unplaced[:20]:
            click.echo(f"  {where}：{text[:40]}（{why}）")
    click.echo("下一步：核对标有“猜测”的内容，补写检查规则，然后运行 dossier catalog validate " + str(target))


def register(main: click.Group) -> None:
    main.add_command(catalog_group)
