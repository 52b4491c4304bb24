"""The pipeline as plain functions, for scripts and notebooks; the CLI calls these too.

    from dossier import api
    report = api.check("某某县")
    s = api.session("某某县"); s.check(); s.evidence("2.1.3")   # one run, evidence merged once
    api.build("某某县")
    assert api.verify("某某县").ok
"""

from __future__ import annotations

from pathlib import Path

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.records import Catalog, CheckReport, Project
from dossier.session import Session


def open_project(project_dir: Path | str = ".") -> tuple[Project, Catalog]:
    """Load ``dossier.yaml`` and the catalog it names (ConfigError, exit 2, when unusable)."""
    return project_lib.open_project(project_dir)


def index(project_dir: Path | str = ".", *, jobs: int | None = None, progress=None):
    """Read new and changed evidence files into the project's index → ``IndexResult``."""
    from dossier.index import run_index

    project, catalog = open_project(project_dir)
    return run_index(project, catalog, jobs=jobs, progress=progress)


def session(project_dir: Path | str = ".") -> Session:
    """One run over a project: index, evidence per standard and check, each computed once."""
    return Session.open(project_dir)


def check(project_dir: Path | str = ".") -> CheckReport:
    """Index incrementally, then evaluate every standard and negative-list item."""
    return Session.open(project_dir).check()


def checked(project_dir: Path | str = ".", *, progress=None) -> Session:
    """A session whose check has run (the CLI's ``dossier check`` presents it)."""
    s = Session.open(project_dir)
    s.check(progress=progress)
    return s


def load_catalog(name_or_path: str = catalog_lib.DEFAULT, base: Path | None = None) -> Catalog:
    """A built-in catalog or a clerk's file (validated), numbered."""
    return catalog_lib.load(name_or_path, base=Path.cwd() if base is None else base)


def validate_catalog(path: Path | str, base: Path | None = None):
    """Every problem of a catalog file → ``(path, [Issue(line, key, message)])``; [] when valid."""
    from dossier import yamlio
    from dossier.catalog.validate import issues
    from dossier.errors import ConfigError

    resolved = catalog_lib.resolve(str(path), base=Path.cwd() if base is None else base)
    data, located = yamlio.read_yaml(resolved, what="指标体系")
    if not isinstance(data, dict):
        raise ConfigError("指标体系文件应为键值表（YAML mapping）", path=str(resolved), line=1)
    return resolved, issues(data, located)


def import_notice(notice: Path | str, out: Path | str, *, catalog_id: str = "new-scheme", progress=None):
    """Read a notice's 指标体系 table into a draft catalog YAML at ``out`` → the ``Draft``."""
    from dossier.catalog.importer import import_notice as read_notice
    from dossier.catalog.importer import write_draft

    draft = read_notice(notice, progress=progress)
    write_draft(draft, Path(out), catalog_id=catalog_id)
    return draft


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
