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
from dossier.errors import DossierError, ExitCode

i18n.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Each stage owns one module of commands; a module adds its commands to a group through
# ``register(group)``. Modules are imported only when one of their commands runs (or for
# the command list), so a warm ``dossier index`` does not pay for PDF and Word libraries.
COMMANDS = {
    "init": "init_cmd", "catalog": "catalog_cmd",
    "index": "index_cmd", "suggestions": "index_cmd", "accept": "index_cmd", "search": "index_cmd",
    "check": "check_cmd", "render": "render_cmd", "render-notice": "render_cmd",
    "build": "build_cmd", "verify": "build_cmd",
    "serve": "serve_cmd", "user": "user_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        holder = click.Group()
        importlib.import_module(f"dossier.cli.{module_name}").register(holder)
        return holder.commands.get(name)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
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


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: the one place that turns errors into exit codes."""
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        # A file name no encoding can show (GBK bytes from a Windows zip) must never turn
        # printing into a crash; such names are shown with \x escapes.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    verbose = "-v" in args or "--verbose" in args
    try:
        code = main.main(args=args, prog_name="dossier", standalone_mode=False)
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = ExitCode.BAD_INPUT if isinstance(e, click.UsageError) else e.exit_code
    except click.Abort:
        click.echo(i18n._gettext("Aborted!"), err=True)
        code = ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        click.echo("已中断；已有的输出文件保持不变。", err=True)
        code = ExitCode.INTERRUPTED
    except DossierError as e:
        click.echo(f"错误：{e.message}", err=True)
        code = int(e.exit_code)
    except Exception:  # a bug in dossier, not a user mistake
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo("内部错误：dossier 遇到了意外情况。请加 -v 重新运行，并把输出发给维护人员。", err=True)
        code = ExitCode.INTERNAL
    sys.exit(int(code) if isinstance(code, int) else 0)
