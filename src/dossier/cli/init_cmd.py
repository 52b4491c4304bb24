"""``dossier init``: create a project folder."""

from __future__ import annotations

from pathlib import Path

import click

from dossier import catalog as catalog_lib
from dossier.scaffold import init_project


@click.command("init")
@click.argument("directory", type=str)
@click.option("--catalog", "-c", "catalog_name", default=catalog_lib.DEFAULT, show_default=True,
              help="使用的指标体系：内置名称或 YAML 文件路径。")
@click.option("--name", default="某某县人民政府", show_default=True, help="申报单位名称。")
def init(directory: Path, catalog_name: str, name: str) -> None:
    """创建申报项目文件夹：dossier.yaml（带说明）、材料/、台账/、材料清单.xlsx（指标编号可下拉选择）。"""
    created = init_project(directory, catalog_name=catalog_name, name=name)
    directory = Path(directory)
    click.echo(f"已创建申报项目 {directory}：")
    for path in created:
        click.echo(f"  {path.relative_to(directory)}{'/' if path.is_dir() else ''}")
    click.echo("下一步：编辑 dossier.yaml，把证明材料放进 材料/，在 材料清单.xlsx 中填写指标编号，然后运行 dossier check。")


def register(main: click.Group) -> None:
    main.add_command(init)
