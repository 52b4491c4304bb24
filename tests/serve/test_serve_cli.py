"""``dossier user`` and ``dossier serve`` at the command line."""

from __future__ import annotations

import shutil

import httpx
import pytest

from dossier.serve.accounts import Accounts
from serve_helpers import start_server, stop_server


@pytest.fixture
def bare(tmp_path, indexed_sample):
    root = tmp_path / "县"
    shutil.copytree(indexed_sample, root)
    return root


def run_stdin(cli, monkeypatch, text: str, *args: str):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return cli(*args)


def test_user_add_list_passwd_remove(cli, bare, monkeypatch):
    """This test ensures that accounts are added with --password-stdin, listed, re-passworded and removed, in Chinese."""
    from click.testing import CliRunner

    from dossier.cli import main

    runner = CliRunner()
    r = runner.invoke(main, ["user", "add", "张老师", "--department", "教育", "--department", "团委", "--password-stdin",
                             "-p", str(bare)], input="secret-pass-1\n")
    assert r.exit_code == 0, r.output
    assert "已添加账号：张老师（部门用户，教育、团委）" in r.output
    r = runner.invoke(main, ["user", "add", "李科长", "--admin", "-p", str(bare)], input="another-pass\nanother-pass\n")
    assert r.exit_code == 0 and "管理员" in r.output
    listed = cli("user", "list", "-p", str(bare)).stdout
    assert "张老师\t部门用户\t教育、团委" in listed and "李科长\t管理员" in listed
    accounts = Accounts(bare)
    assert accounts.verify("张老师", "secret-pass-1") is not None
    r = runner.invoke(main, ["user", "passwd", "张老师", "--password-stdin", "-p", str(bare)], input="new-password-2\n")
    assert r.exit_code == 0 and accounts.verify("张老师", "new-password-2") and not accounts.verify("张老师", "secret-pass-1")
    assert cli("user", "remove", "张老师", "-p", str(bare)).exit_code == 0
    assert "张老师" not in cli("user", "list", "-p", str(bare)).stdout
    bad = cli("user", "remove", "无此人", "-p", str(bare))
    assert bad.exit_code == 2 and "没有用户 无此人" in bad.stderr
    short = runner.invoke(main, ["user", "add", "王", "-d", "教育", "--password-stdin", "-p", str(bare)], input="short\n")
    assert short.exit_code != 0


def test_serve_refuses_lan_without_admin_password(cli, bare):
    """This test ensures that binding to anything but 127.0.0.1 refuses to start until an admin password was set by a
    person, and that outside a project folder serve says so (exit 2)."""
    r = cli("serve", str(bare), "--host", "127.0.0.2", "--port", "1")
    assert r.exit_code == 2 and "拒绝启动" in r.stderr and "dossier user" in r.stderr
    assert cli("serve", str(bare / "材料"), "--port", "1").exit_code == 2


def test_first_start_prints_one_time_admin_password(bare):
    """This test ensures that the first start creates an admin, prints its one-time password once, serves on
    127.0.0.1, and that LAN binding works once the admin has set a password."""
    served = start_server(bare)
    try:
        assert served.admin_password
        assert any(f"http://127.0.0.1:{served.port}/" in line for line in served.first_lines)
        r = httpx.get(served.url + "/login")
        assert r.status_code == 200 and "用户名" in r.text
    finally:
        stop_server(served)
    again = start_server(bare)
    try:
        assert again.admin_password is None  # printed once only
    finally:
        stop_server(again)
    Accounts(bare).set_password("admin", "chosen-by-me-1")
    lan = start_server(bare, host="127.0.0.2")  # loopback, yet not 127.0.0.1
    try:
        assert lan.proc.poll() is None
    finally:
        stop_server(lan)
