"""CONTRACT.md §7 accounts from the command line: ``dossier user add|passwd`` as a clerk runs them."""

from __future__ import annotations

import subprocess
import sys

from cli_runner import invoke


def _user(project, *args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "dossier", "user", *args, "-p", str(project)],
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_passwd_for_unknown_user_says_so_before_asking(tmp_path):
    """``dossier user passwd 无此人`` answers at once with exit 2 and the reason, without first asking
    for a password nobody can use (and without a traceback).
    This test ensures that a mistyped account name is a clear usage error."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    done = _user(project, "passwd", "无此人")
    assert done.returncode == 2
    assert "没有用户 无此人" in done.stderr
    assert "密码" not in done.stdout and "Traceback" not in done.stderr


def test_unknown_department_is_pointed_out(tmp_path):
    """Adding a department user whose department no standard names (民証, a typo of 民政) still makes
    the account but warns that it can upload nothing for that department; a real department gets no warning.
    This test ensures that a clerk notices a mistyped department at once, not when uploads are refused."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    typo = _user(project, "add", "王五", "--department", "民証", "--password-stdin", stdin="pw-123456789\n")
    assert typo.returncode == 0 and "已添加账号" in typo.stdout
    assert "指标体系中没有负责部门 民証" in typo.stderr
    right = _user(project, "add", "赵六", "--department", "民政", "--password-stdin", stdin="pw-123456789\n")
    assert right.returncode == 0 and right.stderr == ""
    listed = _user(project, "list")
    assert "王五\t部门用户\t民証" in listed.stdout and "赵六\t部门用户\t民政" in listed.stdout
