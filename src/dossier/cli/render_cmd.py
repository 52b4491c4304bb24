"""``dossier render`` and ``dossier render-notice``: the official documents."""

from __future__ import annotations

from pathlib import Path

import click

from dossier import catalog as catalog_lib


@click.command("render")
@click.argument("project_dir", metavar="[项目文件夹]", required=False, default=".",
                type=click.Path(file_okay=True, path_type=Path))
@click.option("--draft", is_flag=True, help="生成草稿：每页标“草稿”，写明检查发现的问题，允许占位内容（某某、待填等）。")
def render(project_dir: Path, draft: bool) -> None:
    """生成申报表、请示和自评报告（GB/T 9704-2012 公文格式）到项目的 输出/ 文件夹。

    项目文件夹即申报项目文件夹（默认为当前文件夹）。会先检查材料，以便在自评报告中写明每条工作标准的自评情况和证明材料；汇编页码在运行 dossier build 后填入。dossier.yaml 中仍有占位内容（某某、待填、init 的示例值）时拒绝生成（退出码 2），--draft 除外。
    """
    from dossier.documents.render import render_project

    written = render_project(project_dir, draft=draft)
    click.echo("已生成：")
    for path in written:
        click.echo(f"  {path}")


@click.command("render-notice")
@click.argument("catalog_name", metavar="指标体系")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件路径（默认为当前文件夹下的 输出/通知.docx）。")
def render_notice(catalog_name: str, output: Path | None) -> None:
    """根据指标体系生成发布通知（含附件1 指标体系表和附件2 申报表），GB/T 9704-2012 公文格式。

    指标体系写内置指标体系名称（如 minor-protection-2021）或指标体系 YAML 文件路径。
    """
    from dossier.documents.render import notice_warnings
    from dossier.documents.render import render_notice as render

    cat = catalog_lib.load(catalog_name, base=Path.cwd())
    for warning in notice_warnings(cat):
        click.echo(f"警告：{warning}", err=True)
    # Like every output, by default under 输出/ (CONTRACT §6); inside a project that is its 输出/.
    target = render(cat, output or Path.cwd() / "输出" / "通知.docx")
    click.echo(f"已生成：{target}")


def register(main: click.Group) -> None:
    main.add_command(render)
    main.add_command(render_notice)
