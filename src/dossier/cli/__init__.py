"""The ``dossier`` command: parse arguments, call the library, print. Nothing else.

All errors pass through :func:`run`: a :class:`~dossier.errors.DossierError` prints its
Chinese message and exits with its code; anything unexpected prints one line asking for
a report, and a traceback only with ``-v``.
"""

from __future__ import annotations

import importlib
import sys

import click

from dossier import __version__
from dossier.cli import i18n
from dossier.errors import DossierError

i18n.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Each stage owns one module of commands; a module adds its commands to ``main``.
COMMAND_MODULES = ("init_cmd", "catalog_cmd", "index_cmd", "check_cmd", "render_cmd", "build_cmd")


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="dossier", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="出错时显示详细的技术信息（traceback）。")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """dossier：示范创建申报材料编制工具。

    对照指标体系整理证明材料、检查缺项、生成申报表和请示、装订证明材料汇编。
    先用 dossier init 创建申报项目，再运行 dossier check 查看还缺哪些材料。
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        full = f"dossier.cli.{name}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as e:
            if e.name == full:  # that stage's commands are not part of this build
                continue
            raise
        module.register(main)


_load_commands()


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: the one place that turns errors into exit codes."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    try:
        code = main.main(args=args, prog_name="dossier", standalone_mode=False)
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = 2 if isinstance(e, click.UsageError) else e.exit_code
    except click.Abort:
        click.echo(i18n._gettext("Aborted!"), err=True)
        code = 130
    except KeyboardInterrupt:
        click.echo("已中断；已有的输出文件保持不变。", err=True)
        code = 130
    except DossierError as e:
        click.echo(f"错误：{e.message}", err=True)
        code = e.exit_code
    except Exception:  # a bug in dossier, not a user mistake
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo("内部错误：dossier 遇到了意外情况。请加 -v 重新运行，并把输出发给维护人员。", err=True)
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
