"""Helpers for the workbench tests: accounts, login, a real ``dossier serve`` process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

PASSWORD = "password123"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def add_users(root: Path) -> None:
    from dossier.serve.accounts import Accounts

    accounts = Accounts(root)
    accounts.add_user("管理员", PASSWORD, admin=True)
    accounts.add_user("民政甲", PASSWORD, departments=["民政"])
    accounts.add_user("教育乙", PASSWORD, departments=["教育"])


def login(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"csrf": token, "username": name, "password": password},
                       follow_redirects=False)


def csrf_of(client) -> str:
    page = client.get("/")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, root: Path, port: int, proc: subprocess.Popen, first_lines: list[str]):
        self.root, self.port, self.proc, self.first_lines = root, port, proc, first_lines
        self.url = f"http://127.0.0.1:{port}"

    @property
    def admin_password(self) -> str | None:
        for line in self.first_lines:
            m = re.search(r"密码：(\S+)", line)
            if m:
                return m.group(1)
        return None


def start_server(root: Path, *extra: str, host: str = "127.0.0.1", timeout: float = 60.0) -> Served:
    """``dossier serve`` as a clerk runs it, in its own process, on a free local port."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "serve", str(root), "--port", str(port), "--host", host, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "工作台已启动" in line:
            break
    # The address is printed before uvicorn listens: wait for the port.
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return Served(root, port, proc, lines)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("dossier serve did not start:\n" + "".join(lines) + (proc.stdout.read() or ""))


def stop_server(served: Served) -> None:
    served.proc.terminate()
    try:
        served.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        served.proc.wait()
