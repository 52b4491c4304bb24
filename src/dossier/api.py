"""The pipeline as plain functions, for scripts and notebooks (the CLI calls the same stages).

    from dossier import api
    report = api.check("某某县")
    api.build("某某县")
    assert api.verify("某某县").ok
"""

from __future__ import annotations

from pathlib import Path

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.records import Catalog, CheckReport, Project


def open_project(project_dir: Path | str = ".") -> tuple[Project, Catalog]:
    """Load ``dossier.yaml`` and the catalog it names (ConfigError, exit 2, when unusable)."""
    return project_lib.open_project(project_dir)


def index(project_dir: Path | str = ".", *, jobs: int | None = None, progress=None):
    """Read new and changed evidence files into the project's index → ``IndexResult``."""
    from dossier.index import run_index

    project, catalog = open_project(project_dir)
    return run_index(project, catalog, jobs=jobs, progress=progress)


def check(project_dir: Path | str = ".") -> CheckReport:
    """Index incrementally, then evaluate every standard and negative-list item."""
    from dossier.check import run_check

    return run_check(project_dir)[0]


def render(project_dir: Path | str = ".") -> list[Path]:
    """Write 申报表.docx, 请示.docx and 自评报告.docx under 输出/."""
    from dossier.documents.render import render_project

    return render_project(project_dir)


def render_notice(catalog_name: str, out: Path | str) -> Path:
    """Write the catalog owner's 通知.docx (附件1 the catalog table, 附件2 the form)."""
    from dossier.documents.render import render_notice as render_notice_doc

    return render_notice_doc(catalog_lib.load(catalog_name, base=Path.cwd()), Path(out))


def build(project_dir: Path | str = ".", *, strict: bool = False, progress=None):
    """The whole packet under 输出/ → ``BuildResult``."""
    from dossier.build import build as build_packet

    return build_packet(project_dir, strict=strict, progress=progress)


def verify(project_dir: Path | str = "."):
    """Re-read the built packet and prove every page reference → ``VerifyResult``."""
    from dossier.verify import verify as verify_packet

    return verify_packet(project_dir)
