"""Render the docxtpl templates into 输出/ (atomically) and check them first.

Templates: the built-in ones in ``dossier/templates/`` or a project's own
(``dossier.yaml`` ``templates: {申报表: my.docx}``). A template that asks for a variable
dossier does not provide is refused by name before anything is written; values are
autoescaped so ``&`` or ``<`` in a unit name cannot break the XML.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

from dossier import atomic, yamlio
from dossier.documents import context as ctx
from dossier.documents import layout as L
from dossier.errors import ConfigError, DossierError
from dossier.records import Catalog, CheckReport, Project

DOCUMENTS = ("申报表", "请示", "自评报告")
NOTICE = "通知"


def builtin_template(name: str) -> Path:
    return Path(str(resources.files("dossier").joinpath("templates", f"{name}.docx")))


def _template_source(name: str, project: Project | None) -> tuple[str, object]:
    """(label for messages, path or in-memory file) of the template for document ``name``."""
    if project is not None and project.templates.get(name):
        path = Path(project.templates[name])
        return str(path), path
    path = builtin_template(name)
    if path.is_file():
        return str(path), path
    # A source checkout without built templates still renders: build this one in memory.
    from dossier.documents.template_builder import build_template

    return f"内置模板 {name}.docx", io.BytesIO(build_template(f"{name}.docx"))


def render_bytes(name: str, context: dict, project: Project | None = None) -> bytes:
    """Render one document to .docx bytes. Raises ConfigError for an unusable template."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    label, source = _template_source(name, project)
    try:
        tpl = DocxTemplate(source)
        missing = tpl.get_undeclared_template_variables(context=context)
    except TemplateError as e:
        raise ConfigError(f"模板 {label} 中的模板标记有误：{e}") from None
    except Exception as e:  # python-docx raises zipfile/lxml/KeyError variants for broken files
        raise ConfigError(f"无法读取模板 {label}：不是有效的 Word（.docx）文件（{type(e).__name__}）") from None
    if missing:
        known = "、".join(sorted(context))
        raise ConfigError(f"模板 {label} 使用了 dossier 不提供的变量：{'、'.join(sorted(missing))}。"
                          f"可用的变量有：{known}")
    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        tpl.render(context, autoescape=True)
    except TemplateError as e:
        raise ConfigError(f"模板 {label} 无法生成文档：{e}") from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def check_request(project: Project) -> None:
    """发文字号 must follow GB/T 9704 before a 请示 is written (names dossier.yaml's key and line)."""
    line = None
    try:
        _, located = yamlio.read_yaml(project.config_path, what="项目设置")
        line = located.line(("request", "doc_number"))
    except DossierError:
        pass
    L.check_doc_number(project.request.doc_number, where=str(project.config_path), key="request.doc_number",
                       line=line)


def render_all(project: Project, catalog: Catalog, report: CheckReport | None,
               page_refs: Mapping[str, Sequence[ctx.PageRef]] | None = None, *, out_dir: Path | None = None,
               evidence_info: Mapping[str, ctx.EvidenceInfo] | None = None) -> list[Path]:
    """Write 申报表.docx, 请示.docx and 自评报告.docx into ``out_dir`` (default 输出/).

    ``page_refs`` maps an indicator ID to the evidence as bound in the dossier (with
    pages); without it the 自评报告 lists ``report``'s evidence, described by
    ``evidence_info`` (path → title/date/文号), and leaves the page column blank.
    Everything is rendered before anything is written."""
    check_request(project)
    out_dir = Path(out_dir) if out_dir else project.output_dir
    contexts = {
        "申报表": ctx.form_context(project, catalog),
        "请示": ctx.request_context(project, catalog),
        "自评报告": ctx.report_context(project, catalog, report, page_refs, evidence_info),
    }
    rendered = {name: render_bytes(name, contexts[name], project) for name in DOCUMENTS}
    written = []
    for name in DOCUMENTS:
        target = out_dir / f"{name}.docx"
        atomic.write_bytes(target, rendered[name])
        written.append(target)
    return written


def render_notice(catalog: Catalog, out: Path) -> Path:
    """Write the catalog owner's 通知 (with 附件1 the catalog table and 附件2 the form) to ``out``."""
    if not catalog.notice:
        raise ConfigError(f"指标体系 {catalog.id} 没有 notice 部分，无法生成通知", path=catalog.source or None)
    data = render_bytes(NOTICE, ctx.notice_context(catalog))
    out = Path(out)
    atomic.write_bytes(out, data)
    return out


def evidence_refs(catalog: Catalog, report: CheckReport, files, assignments) -> dict[str, list[ctx.PageRef]]:
    """Each standard's evidence as the check used it, described by the index (title, date,
    文号; a manifest's 材料名称/日期 win), without pages: those come from ``build``."""
    from dossier import ids
    from dossier.check import merge_evidence

    by_path = {f.path: f for f in files}
    assigned: dict[str, list] = {}
    for a in assignments:
        assigned.setdefault(ids.normalize(a.indicator), []).append(a)
    refs: dict[str, list[ctx.PageRef]] = {}
    for item in catalog.items():
        finding = report.finding(item.id)
        if finding is None or not finding.evidence:
            continue
        merged = {ev.path: ev for ev in merge_evidence(item.id, assigned.get(item.id, ()), by_path)}
        items = []
        for path in finding.evidence:
            ev = merged.get(path)
            title = ev.title if ev else Path(path).stem
            items.append(ctx.PageRef(path, title, ev.date if ev else None, ev.doc_number if ev else ""))
        refs[item.id] = items
    return refs


def render_project(project_dir: Path | str) -> list[Path]:
    """``dossier render``: check the project (for each standard's status and evidence) and
    write the three documents into its 输出/. Page numbers stay blank until ``build``."""
    from dossier.check import check_project
    from dossier.project import open_project

    project, catalog = open_project(project_dir)
    check_request(project)  # a bad 发文字号 is reported before the evidence is read
    report, indexed = check_project(project, catalog)
    return render_all(project, catalog, report, evidence_refs(catalog, report, indexed.files, indexed.assignments))
