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
    cat = catalog_lib.load(name, base=Path.cwd())
    if fmt == "json":
        click.echo(json.dumps(export.to_dict(cat), ensure_ascii=False, indent=2))
    elif fmt == "yaml":
        click.echo(yaml.safe_dump(export.to_dict(cat), allow_unicode=True, sort_keys=False, width=200), nl=False)
    else:
        stdout().print(export.tree(cat))


@catalog_group.command("show")
@click.argument("item_id")
@click.pass_context
def show(ctx: click.Context, item_id: str) -> None:
    """显示一条工作标准（或负面清单项）的全文、材料类型、责任部门和检查规则。

    ITEM_ID 是指标编号，如 2.1.3 或 N1。
    """
    cat = catalog_lib.load(ctx.obj["catalog"], base=Path.cwd())
    stdout().print(export.explain(cat, item_id))


@catalog_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """检查一个指标体系 YAML 文件是否符合格式要求；逐条列出每个错误的文件、行号和键。

    没有错误时退出码为 0，有错误时为 2。
    """
    from dossier import yamlio
    from dossier.catalog.validate import issues

    path = catalog_lib.resolve(str(file), base=Path.cwd())
    data, located = yamlio.read_yaml(path, what="指标体系")
    found = issues(data, located) if isinstance(data, dict) else []
    if not isinstance(data, dict):
        click.echo(f"{file}:1：指标体系文件应为键值表（YAML mapping）", err=True)
        raise click.exceptions.Exit(2)
    if found:
        for i in found:
            key = f"（键 {i.key}）" if i.key else ""
            click.echo(f"{i.where(file)}：{i.message}{key}", err=True)
        click.echo(f"{file}：共 {len(found)} 处错误，请逐条修改后再检查。", err=True)
        raise click.exceptions.Exit(2)
    cat = catalog_lib.load(str(file), base=Path.cwd(), validate=False)
    n_rules = sum(len(s.rules) for s in cat.items())
    scored = f"，总分 {cat.total_score:g} 分" if cat.scored else ""
    click.echo(f"{file}：格式正确。{len(cat.categories)} 个项目、{len(cat.subitems)} 项内容、"
               f"{len(cat.standards)} 条工作标准、{len(cat.negative_items)} 项负面清单，{n_rules} 条检查规则"
               f"（编号 {cat.levels} 级{scored}）。")


def register(main: click.Group) -> None:
    main.add_command(catalog_group)
