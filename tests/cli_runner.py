"""Run the real ``dossier`` entry point in-process (the ``cli`` fixture; importable by name too)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from click.testing import CliRunner

from dossier.cli import run

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "示范县"


@dataclasses.dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """Run ``dossier ARGS`` through :func:`dossier.cli.run`, exactly as the console script does."""
    runner = CliRunner()
    old = os.getcwd()
    with runner.isolation() as streams:
        out, err = streams[0], streams[1]
        try:
            if cwd:
                os.chdir(cwd)
            run([str(a) for a in args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        finally:
            os.chdir(old)
        return Result(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
