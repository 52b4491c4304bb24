"""Rich consoles for the commands: colour on a terminal, plain text when piped."""

from __future__ import annotations

import sys

from rich.console import Console


def stdout() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)
