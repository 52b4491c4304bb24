"""Click's own words (Usage:, Options:, error lines) in Simplified Chinese.

Click translates through ``gettext``; no Chinese catalogue ships with it, so the few
strings a clerk sees are mapped here and installed into click's modules.
"""

from __future__ import annotations

import re

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

_EXACT = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Positional arguments": "参数",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "Try {command!r} for help.": "可运行 {command!r} 查看帮助。",
    "Try '{command} {option}' for help.": "可运行 '{command} {option}' 查看帮助。",
    "No such option: {name}": "没有这个选项：{name}",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing {param_type} '{param_hint}'.": "缺少{param_type} '{param_hint}'。",
    "Invalid value": "取值无效",
    "Invalid value for {param_hint}": "{param_hint} 的取值无效",
    "Invalid value: {message}": "取值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not a valid integer.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid float.": "{value!r} 不是有效的数字。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "default": "默认",
    "required": "必填",
    "env var": "环境变量",
    "Aborted!": "已中止。",
}


def _gettext(message: str) -> str:
    return _EXACT.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


# Click's default placeholders in usage lines and option lists (``dossier check [OPTIONS]``,
# ``--output FILE``); commands name their own arguments in Chinese with ``metavar=``.
_METAVARS = {
    "[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]...", "[COMMAND] [ARGS]...": "[命令] [参数]...",
    "TEXT": "文本", "INTEGER": "整数", "FLOAT": "数字", "FILE": "文件", "FILENAME": "文件",
    "PATH": "路径", "DIRECTORY": "文件夹",
}


def _localise_metavars() -> None:
    if getattr(click.core.Command, "_dossier_zh", False):
        return
    usage_pieces = click.core.Command.collect_usage_pieces
    option_metavar = click.core.Option.make_metavar

    def collect_usage_pieces(self, ctx):
        return [_METAVARS.get(p, p) for p in usage_pieces(self, ctx)]

    def make_metavar(self, ctx):
        metavar = option_metavar(self, ctx)
        if self.metavar is None:
            head, dots = (metavar[:-3], "...") if metavar.endswith("...") else (metavar, "")
            metavar = _METAVARS.get(head, head) + dots
        return metavar

    group_pieces = click.core.Group.collect_usage_pieces

    def group_usage_pieces(self, ctx):
        return [_METAVARS.get(p, p) for p in group_pieces(self, ctx)]

    click.core.Command.collect_usage_pieces = collect_usage_pieces
    click.core.Group.collect_usage_pieces = group_usage_pieces
    click.core.Option.make_metavar = make_metavar
    click.core.Command._dossier_zh = True


def install() -> None:
    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
    _localise_metavars()


_USAGE_RE = re.compile(r"^Usage:", re.M)


def usage_zh(text: str) -> str:
    """Click writes ``Usage:`` with a literal in a few places; fold those too."""
    return _USAGE_RE.sub("用法：", text)
