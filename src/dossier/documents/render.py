"""Render the docxtpl templates into 输出/ (atomically) and check them first.

Templates: the built-in ones in ``dossier/templates/`` or a project's own
(``dossier.yaml`` ``templates: {申报表: my.docx}``). A template that asks for a variable
dossier does not provide is refused by name before anything is written; values are
autoescaped so ``&`` or ``<`` in a unit name cannot break the XML.
"""

from __future__ import annotations

import copy
import io
import re
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
    if not path.is_file():  # the package ships them: a broken installation, not a user mistake
        raise ConfigError(f"找不到内置模板 {path}：安装不完整，请重新安装 dossier")
    return str(path), path


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
    if name in _PHONE_STYLES:
        _unbreakable_phone_hyphens(tpl.docx, _PHONE_STYLES[name])
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# A phone number in the 请示's 附注 must not wrap at its hyphen ("0771- / 5621234"): the hyphen
# becomes Word's non-breaking hyphen (w:noBreakHyphen), which python-docx reads back as "-"
# and LibreOffice honours. Dates and 见汇编第x页 in running text are left to the word
# processor, as Word itself sets them: gluing them with invisible characters would put those
# characters inside every date and page number a clerk searches for or copies.
_PHONE_STYLES = {"请示": {"GwNote"}}
_PHONE = re.compile(r"\d{3,4}-\d{7,8}(?:-\d{1,6})?")


def _unbreakable_phone_hyphens(document, styles: set[str]) -> None:
    from docx.oxml.ns import qn

    for p in list(document.element.body.iter(qn("w:p"))):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or style.get(qn("w:val")) not in styles:
            continue
        for r in list(p.iter(qn("w:r"))):
            texts = r.findall(qn("w:t"))
            if len(texts) != 1 or not texts[0].text or len(r) > 2:
                continue
            text = texts[0].text
            if not _PHONE.search(text):
                continue
            # (text, Latin?): the number itself is set as a Latin run, because LibreOffice's
            # Chinese line breaker would otherwise break around the hyphen whatever its kind.
            pieces, at = [], 0
            for m in _PHONE.finditer(text):
                pieces.append((text[at:m.start()], False))
                pieces += [(part, True) for part in re.split("(-)", m.group(0))]
                at = m.end()
            pieces.append((text[at:], False))
            for piece, latin in pieces:
                if not piece:
                    continue
                run = copy.deepcopy(r)
                t = run.find(qn("w:t"))
                if piece == "-" and latin:
                    run.replace(t, run.makeelement(qn("w:noBreakHyphen"), {}))
                else:
                    t.text = piece
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                if latin:
                    _latin(run, qn)
                r.addprevious(run)
            r.getparent().remove(r)


# rPr children that come after w:lang in the schema (CT_RPr order).
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _latin(run, qn) -> None:
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = run.makeelement(qn("w:rPr"), {})
        run.insert(0, rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        later = [c for c in rpr if c.tag in {qn(f"w:{n}") for n in _AFTER_LANG}]
        if later:
            later[0].addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:eastAsia"), "en-US")


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
               evidence_info: Mapping[str, ctx.EvidenceInfo] | None = None, draft: bool = False,
               measure: bool = False) -> list[Path]:
    """Write 申报表.docx, 请示.docx and 自评报告.docx into ``out_dir`` (default 输出/).

    ``page_refs`` maps an indicator ID to the evidence as bound in the dossier (with
    pages); without it the 自评报告 lists ``report``'s evidence, described by
    ``evidence_info`` (path → title/date/文号), and leaves the page column blank.
    Without ``draft`` a placeholder value (某某, a scaffold default) is refused (exit 2);
    with it the documents carry a 草稿 mark on every page and the checker's findings.
    ``measure``: lay the 请示 out with LibreOffice once so its 版记 lands on an even page.
    Everything is rendered before anything is written."""
    check_request(project)
    if not draft:
        from dossier.documents.placeholders import refuse_placeholders

        refuse_placeholders(project)
    out_dir = Path(out_dir) if out_dir else project.output_dir
    mark = {"watermark": DRAFT_MARK if draft else ""}
    contexts = {
        "申报表": {**ctx.form_context(project, catalog), **mark},
        "请示": {**ctx.request_context(project, catalog), **mark},
        "自评报告": {**ctx.report_context(project, catalog, report, page_refs, evidence_info, draft=draft), **mark},
    }
    rendered = {name: render_bytes(name, contexts[name], project) for name in DOCUMENTS}
    if measure and not project.templates.get("请示"):
        pages = count_pages(rendered["请示"], project.state_dir / "pdf-cache")
        if pages is not None and pages % 2 == 1:
            rendered["请示"] = render_bytes("请示", {**contexts["请示"], "imprint_new_page": True}, project)
    written = []
    for name in DOCUMENTS:
        target = out_dir / f"{name}.docx"
        atomic.write_bytes(target, rendered[name])
        written.append(target)
    return written


DRAFT_MARK = "草稿　未经审定　不得报送"


def count_pages(docx_bytes: bytes, cache_dir: Path) -> int | None:
    """Pages of a rendered document as LibreOffice lays it out (None without LibreOffice)."""
    import tempfile

    import pikepdf

    from dossier import office

    if office.soffice() is None:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="measure-", dir=cache_dir) as tmp:
        source = Path(tmp) / "请示.docx"
        source.write_bytes(docx_bytes)
        result = office.convert([source], "pdf", Path(tmp) / "out", instances=1)[source]
        if result.output is None:
            return None
        with pikepdf.open(result.output) as pdf:
            return len(pdf.pages)


def notice_warnings(catalog: Catalog) -> list[str]:
    """What the notice's issuer should know before printing it (shown, not refused)."""
    notice = catalog.notice or {}
    if not str(notice.get("doc_number") or "").strip():
        return [f"指标体系 {catalog.id} 的 notice 未填写 doc_number（发文字号），通知中以“{ctx.DOC_NUMBER_PLACEHOLDER}”"
                f"占位，印发前请填写"]
    return []


def render_notice(catalog: Catalog, out: Path, *, measure: bool = True) -> Path:
    """Write the catalog owner's 通知 (with 附件1 the catalog table and 附件2 the form) to ``out``.

    ``measure``: lay 附件1 out with LibreOffice and, on each page the table continues onto,
    restart the 项目/内容 cells with their names and （续）, as the notice prints them."""
    if not catalog.notice:
        raise ConfigError(f"指标体系 {catalog.id} 没有 notice 部分，无法生成通知", path=catalog.source or None)
    out = Path(out)
    starts: tuple[int, ...] = ()
    data = render_bytes(NOTICE, ctx.notice_context(catalog))
    if measure:
        for _ in range(3):  # a （续） line can make a row taller and move a later break
            found = table_page_starts(data, catalog, out.parent / ".dossier-measure")
            if found is None or found == starts:
                break
            starts = found
            data = render_bytes(NOTICE, ctx.notice_context(catalog, starts))
    atomic.write_bytes(out, data)
    return out


def _norm(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def table_page_starts(docx_bytes: bytes, catalog: Catalog, scratch: Path) -> tuple[int, ...] | None:
    """Indices of the 附件1 rows (standards, then negative items) that begin a page when
    LibreOffice lays the notice out; None without LibreOffice."""
    import shutil
    import tempfile

    import pdfplumber

    from dossier import office

    if office.soffice() is None:
        return None
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="notice-", dir=scratch) as tmp:
            source = Path(tmp) / "通知.docx"
            source.write_bytes(docx_bytes)
            result = office.convert([source], "pdf", Path(tmp) / "out", instances=1)[source]
            if result.output is None:
                return None
            with pdfplumber.open(result.output) as pdf:
                texts = [_norm(page.extract_text() or "") for page in pdf.pages]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    page_of, offsets, joined = [], [], ""
    for i, text in enumerate(texts):
        offsets.append(len(joined))
        joined += text
        page_of.extend([i] * len(text))
    cursor = joined.find("项目内容工作标准")
    if cursor < 0:
        return None
    rows = [s.text for c in catalog.categories for sub in c.subitems for s in sub.standards]
    rows += [s.text for s in catalog.negative_items]
    starts, previous = [], None
    for i, text in enumerate(rows):
        at = joined.find(_norm(text)[:16], cursor)
        if at < 0:
            return None
        page = page_of[at]
        if previous is not None and page != previous:
            starts.append(i)
        previous, cursor = page, at + 1
    return tuple(starts)


def evidence_refs(catalog: Catalog, report: CheckReport,
                  evidence: Mapping[str, Sequence]) -> dict[str, list[ctx.PageRef]]:
    """Each standard's evidence as the check used it, described by the index (title, date,
    文号; a manifest's 材料名称/日期 win), without pages: those come from ``build``.
    ``evidence`` is the merged evidence per standard (``Session.evidence_per_standard``)."""
    refs: dict[str, list[ctx.PageRef]] = {}
    for item in catalog.items():
        finding = report.finding(item.id)
        if finding is None or not finding.evidence:
            continue
        merged = {ev.path: ev for ev in evidence.get(item.id, ())}
        items = []
        for path in finding.evidence:
            ev = merged.get(path)
            title = ev.title if ev else Path(path).stem
            items.append(ctx.PageRef(path, title, ev.date if ev else None, ev.doc_number if ev else ""))
        refs[item.id] = items
    return refs


def render_project(project_dir: Path | str, *, draft: bool = False) -> list[Path]:
    """``dossier render``: check the project (for each standard's status and evidence) and
    write the three documents into its 输出/. Page numbers stay blank until ``build``."""
    from dossier.project import open_project
    from dossier.session import Session

    project, catalog = open_project(project_dir)
    check_request(project)  # a bad 发文字号 is reported before the evidence is read
    if not draft:
        from dossier.documents.placeholders import refuse_placeholders

        refuse_placeholders(project)  # so are placeholders: the clerk fixes these first
    session = Session(project, catalog)
    report = session.check()
    return render_all(project, catalog, report, evidence_refs(catalog, report, session.evidence_per_standard()),
                      draft=draft, measure=True)
