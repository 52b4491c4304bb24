"""One exception hierarchy; each error carries the exit code the CLI returns.

Messages are written for the clerk, in Chinese, and name the file, line and key where
there is one. The CLI shows a traceback only with ``-v``.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of every command (CONTRACT.md §5)."""

    OK = 0
    GAPS = 1  # gaps or mismatches found (check, verify, build --strict); unreadable files
    BAD_INPUT = 2  # bad input or usage: the message says what and where
    INTERNAL = 3  # a bug in dossier, never a user mistake
    INTERRUPTED = 130


class DossierError(Exception):
    """A problem the user can fix. ``exit_code`` follows CONTRACT.md §5."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DossierError):
    """Wrong arguments or an impossible request."""


class OutsideProject(UsageError, ValueError):
    """A path that resolves outside the project folder (``..``, absolute, or via a link).

    Also a ValueError: callers that turn it into a per-row message catch it as before."""


class ProjectBusy(DossierError):
    """Another dossier run holds the project (see :mod:`dossier.lock`)."""


class ConfigError(DossierError):
    """A settings or catalog file that cannot be used (missing, malformed, breaks its schema)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None):
        where = ""
        if path:
            from dossier.paths import readable  # a project folder unzipped from Windows may have a GBK name

            where = readable(str(path))
            if line:
                where += f":{line}"
            where += "："
        if key:
            message = f"{message}（键 {key}）"
        super().__init__(where + message)
        self.path, self.line, self.key = path, line, key


class CatalogNotFound(ConfigError):
    """An unknown built-in catalog name or a missing catalog file."""


class EvidenceError(DossierError):
    """One evidence file cannot be read. Reported per file; never stops a run."""

    exit_code = ExitCode.GAPS

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OutputError(DossierError):
    """Outputs cannot be written (disk full, permission, a file locked by Word)."""


class BuildRefused(DossierError):
    """``build --strict`` and check found gaps: nothing is written."""

    exit_code = ExitCode.GAPS
