"""Start the workbench: accounts first (the one-time admin password), then uvicorn."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from dossier import project as project_lib
from dossier.errors import UsageError
from dossier.serve.accounts import FIRST_ADMIN, Accounts

LOCAL = "127.0.0.1"


@dataclass(frozen=True)
class Prepared:
    root: Path
    accounts: Accounts
    one_time_password: str | None  # printed once, at the first start


def prepare(project_dir: Path | str, host: str) -> Prepared:
    """Refuse what must be refused before anything listens; create the first admin if needed."""
    root = project_lib.find_config(Path(project_dir)).parent.resolve()
    # Unusable settings end the run here (exit 2), before a one-time password is spent and
    # before 工作台已启动 is printed for a workbench that would never start.
    project_lib.open_project(root)
    accounts = Accounts(root)
    if host != LOCAL and not accounts.admin_password_set():
        raise UsageError(
            f"工作台要在 {host} 上对局域网开放，但还没有由您设置密码的管理员账号，因此拒绝启动。"
            f"请先运行 dossier user add 名称 --admin -p \"{project_dir}\"（或 dossier user passwd {FIRST_ADMIN}）"
            f"设置管理员密码；只在本机使用时请去掉 --host（默认 {LOCAL}）。")
    return Prepared(root, accounts, accounts.ensure_admin())


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise UsageError(f"无法在 {host}:{port} 上启动（{e.strerror or e}）；端口可能已被占用，请用 --port 换一个") from None


def run(prepared: Prepared, host: str, port: int, *, max_upload: int | None = None) -> None:
    import uvicorn

    from dossier.serve.app import create_app

    app = create_app(prepared.root, max_upload=max_upload, accounts=prepared.accounts)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
