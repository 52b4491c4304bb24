"""``--help`` is Chinese down to its usage line: no click placeholders such as [OPTIONS], TEXT or FILE."""

from __future__ import annotations

import re

import pytest

from cli_runner import invoke
from dossier.cli import main

ENGLISH_PLACEHOLDERS = re.compile(r"\[OPTIONS\]|\bCOMMAND\b|\bARGS\b|\b(?:TEXT|INTEGER|FLOAT|FILE|FILENAME|PATH|"
                                  r"DIRECTORY|ITEM_ID|CATALOG|NOTICE|PROJECT)\b")
# build and verify live in cli/build_cmd.py (another engineer's file this session): their
# positional argument is still named PROJECT in the usage line and their help text.
ARGUMENT_STILL_ENGLISH: set = set()


def _commands(group, prefix=()):
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path", [()] + list(_commands(main)), ids=lambda p: " ".join(p) or "dossier")
def test_help_has_no_english_placeholders(path):
    """A clerk reading ``dossier … --help`` sees 用法：dossier check [选项] [项目文件夹] and ``-o, --output 文件``,
    not click's English [OPTIONS], TEXT, FILE or argument names.
    This test ensures that the usage line and option list of every command are Chinese."""
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    text = result.stdout
    if path in ARGUMENT_STILL_ENGLISH:
        text = text.replace("PROJECT", "")
    assert text.startswith("用法：dossier") or text.startswith("用法： dossier")
    assert not ENGLISH_PLACEHOLDERS.findall(text), text
