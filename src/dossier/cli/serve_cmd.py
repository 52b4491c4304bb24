"""``dossier serve``: start the county's shared web workbench."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.errors import UsageError


@click.command("serve", options_metavar="[选项]")
@click.argument("project_dir", metavar="[项目文件夹]", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听的地址。默认只在本机可用；对局域网开放（如 0.0.0.0）前须先设置管理员密码。")
@click.option("--port", default=8765, show_default=True, type=int, metavar="端口", help="监听的端口。")
@click.option("--max-upload-mb", default=200, show_default=True, type=int, metavar="MB",
              help="每个上传文件的大小上限（MB）。")
def serve(project_dir: Path, host: str, port: int, max_upload_mb: int) -> None:
    """启动申报材料工作台（网页），供民政局和各部门在局域网内协同整理证明材料。

    第一次启动（还没有管理员账号）时，会创建管理员账号 admin 并显示一次性密码（只显示这一次）。
    账号用 dossier user add 管理。工作台的账号、登录和操作记录保存在项目文件夹的 .dossier/ 中。
    """
    from dossier.serve import server

    if not 1 <= port <= 65535:
        raise UsageError(f"--port 应在 1–65535 之间，现为 {port}")
    if max_upload_mb < 1:
        raise UsageError(f"--max-upload-mb 应为正整数，现为 {max_upload_mb}")
    server.check_port(host, port)  # a busy port is told before an admin account is made
    prepared = server.prepare(project_dir, host)
    if prepared.one_time_password:
        click.echo("已创建管理员账号（只显示这一次，请立即记下或用 dossier user passwd admin 改为自己的密码）：")
        click.echo(f"  用户名：admin")
        click.echo(f"  密码：{prepared.one_time_password}")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"工作台已启动：http://{shown}:{port}/  （项目：{prepared.root}；按 Ctrl+C 停止）")
    server.run(prepared, host, port, max_upload=max_upload_mb * 1024 * 1024)


def register(main: click.Group) -> None:
    main.add_command(serve)
