"""``dossier user add|list|passwd|remove``: workbench accounts (stored in the project's .dossier/)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier import project as project_lib
from dossier.errors import UsageError

PROJECT_OPTION = click.option("--project", "-p", "project_dir", default=".", metavar="文件夹",
                              type=click.Path(file_okay=False, path_type=Path),
                              help="申报项目文件夹（默认：当前文件夹）。")


def _accounts(project_dir: Path):
    from dossier.serve.accounts import Accounts

    return Accounts(project_lib.find_config(project_dir).parent.resolve())


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin：标准输入中没有密码")
        return password
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")


@click.group("user", options_metavar="[选项]")
def user() -> None:
    """管理工作台（dossier serve）的账号：管理员可做一切；部门用户只能为本部门负责的指标上传和修改材料。"""


@user.command("add", options_metavar="[选项]")
@click.argument("name", metavar="名称")
@click.option("--department", "-d", "departments", multiple=True, metavar="部门",
              help="所属部门（与指标体系中的“责任部门”一致，如 教育、公安、民政）；可重复填写多个。")
@click.option("--admin", is_flag=True, help="设为管理员（可做一切操作，包括生成申报材料和恢复回收站中的文件）。")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行），不提示输入。")
@PROJECT_OPTION
def add(name: str, departments: tuple[str, ...], admin: bool, password_stdin: bool, project_dir: Path) -> None:
    """添加账号。密码至少 8 个字符，默认提示输入两次。"""
    accounts = _accounts(project_dir)
    created = accounts.add_user(name, _password(password_stdin), departments=list(departments), admin=admin)
    accounts.log("命令行", "添加账号", created.name, created.label)
    click.echo(f"已添加账号：{created.label}")
    unknown = _unknown_departments(project_dir, departments)
    if unknown and not admin:
        # A typo (民証 for 民政) would leave an account that can upload nothing: say so, keep the account.
        click.echo(f"提醒：指标体系中没有负责部门 {'、'.join(unknown)}，该账号不能为这些部门上传材料；"
                   f"部门名称须与 dossier catalog show 中的“责任部门”一致", err=True)


def _unknown_departments(project_dir: Path, departments: tuple[str, ...]) -> list[str]:
    from dossier import api

    try:
        _, catalog = api.open_project(project_dir)
    except Exception:  # the account is made; a settings problem is reported by check, not here
        return []
    known = {d for s in (*catalog.standards, *catalog.negative_items) for d in s.departments}
    return [d for d in departments if d not in known]


@user.command("list", options_metavar="[选项]")
@PROJECT_OPTION
def list_users(project_dir: Path) -> None:
    """列出全部账号、角色和所属部门。"""
    users = _accounts(project_dir).users()
    if not users:
        click.echo("还没有账号；第一次运行 dossier serve 时会创建管理员账号 admin。")
        return
    for u in users:
        note = "" if u.user_set else "（仍为一次性密码）"
        click.echo(f"{u.name}\t{'管理员' if u.admin else '部门用户'}\t{'、'.join(u.departments) or '—'}{note}")


@user.command("passwd", options_metavar="[选项]")
@click.argument("name", metavar="名称")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行），不提示输入。")
@PROJECT_OPTION
def passwd(name: str, password_stdin: bool, project_dir: Path) -> None:
    """修改账号的密码；该账号已登录的会话随之失效。"""
    accounts = _accounts(project_dir)
    if accounts.user(name) is None:  # before the prompt: no password typed for nothing
        raise UsageError(f"没有用户 {name}；现有用户见 dossier user list")
    accounts.set_password(name, _password(password_stdin))
    accounts.log("命令行", "修改密码", name, "")
    click.echo(f"已修改 {name} 的密码。")


@user.command("remove", options_metavar="[选项]")
@click.argument("name", metavar="名称")
@PROJECT_OPTION
def remove(name: str, project_dir: Path) -> None:
    """删除账号（其上传的材料保留）。"""
    accounts = _accounts(project_dir)
    accounts.remove_user(name)
    accounts.log("命令行", "删除账号", name, "")
    click.echo(f"已删除账号 {name}。")


def register(main: click.Group) -> None:
    main.add_command(user)
