"""Every command speaks Chinese in its --help (fails when a command lacks help)."""

from __future__ import annotations

import re

import click
import pytest

from dossier.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")


def all_commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


COMMANDS = list(all_commands(main))


def test_expected_commands_exist():
    """This test ensures that the foundation's commands are registered."""
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "catalog", "catalog show", "catalog validate", "index", "suggestions", "accept", "search",
            "check", "render", "render-notice", "build", "verify"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_every_command_has_chinese_help(cli, path):
    """This test ensures that each command and each of its options has help text in Chinese."""
    r = cli(*path, "--help")
    assert r.exit_code == 0
    assert r.stdout.startswith("用法：")
    cmd = dict(COMMANDS)[path]
    assert cmd.help and HAN.search(cmd.help), f"{' '.join(path)} has no Chinese help"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help and HAN.search(param.help), f"{' '.join(path)} {param.opts} has no Chinese help"


def test_usage_error_is_chinese_and_exit_2(cli):
    """This test ensures that a usage mistake gives a Chinese message, exit code 2 and no traceback."""
    r = cli("catalog", "--no-such-option")
    assert r.exit_code == 2 and "没有这个选项" in r.stderr and "Traceback" not in r.output
    r = cli("no-such-command")
    assert r.exit_code == 2 and "没有这个命令" in r.stderr
