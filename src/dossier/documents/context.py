"""What goes into each document: pure functions from the records to docxtpl contexts.

No file is read or written here; :mod:`dossier.documents.render` does that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

from dossier.dates import fmt_cn, parse_date
from dossier.documents import layout as L
from dossier.records import Catalog, CheckReport, Project

STATUS_CN = {
    "met": "达标",
    "partial": "部分达标",
    "missing": "缺少材料",
    "not_applicable": "不适用",
    "declared": "已承诺",
    "undeclared": "未承诺",
    "violated": "存在负面情形",
}


@dataclass(frozen=True)
class EvidenceInfo:
    """What the 自评报告 prints about one evidence file (from the index, or the manifest's
    材料名称/日期 columns when given)."""

    title: str
    date: dt.date | None = None
    doc_number: str = ""


@dataclass(frozen=True)
class PageRef:
    """One evidence file as bound in 证明材料汇编.pdf: pages ``first_page``–``last_page``
    (the dossier's continuous page numbers). Supplied by ``build``."""

    path: str  # project-relative, POSIX
    title: str
    date: dt.date | None = None
    doc_number: str = ""
    first_page: int | None = None
    last_page: int | None = None

    @property
    def pages_text(self) -> str:
        """见汇编第23–25页 / 见汇编第7页; empty when the pages are not known yet."""
        if not self.first_page:
            return ""
        if not self.last_page or self.last_page == self.first_page:
            return f"见汇编第{self.first_page}页"
        return f"见汇编第{self.first_page}–{self.last_page}页"


# ----------------------------------------------------------------------------- shared


def title_lines(title: str, *, new_page: bool = False) -> list[dict]:
    lines = L.break_title(title)
    return [{"style": "GwTitleBreak" if new_page and i == 0 else "GwTitle", "text": line}
            for i, line in enumerate(lines)]


def _blank_item() -> dict:
    return {"style": "GwPlain", "head": "", "head_style": L.RUN_PLAIN, "text": ""}


def attachment_items(names: Sequence[str]) -> list[dict]:
    """附件说明: a blank line after the body, then 附件：1.×× with later items aligned."""
    names = [n.strip().rstrip("。.") for n in names if n and n.strip()]
    if not names:
        return []
    items = [_blank_item()]
    if len(names) == 1:
        items.append({"style": "GwAttachOnly", "head": "", "head_style": L.RUN_PLAIN, "text": f"附件：{names[0]}"})
        return items
    for i, name in enumerate(names, 1):
        text = f"附件：{i}.{name}" if i == 1 else f"{i}.{name}"
        items.append({"style": "GwAttachFirst" if i == 1 else "GwAttachNext", "head": "",
                      "head_style": L.RUN_PLAIN, "text": text})
    return items


def _issuer_block(issuer: str, date: dt.date | None) -> dict:
    date_cn = fmt_cn(date) if date else "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    return {"issuer": issuer, "date_cn": date_cn, "sign_indent": L.signature_indent(issuer, date_cn)}


def _issuer_mark(issuer: str) -> str:
    return issuer if issuer.endswith("文件") else f"{issuer}文件"


def _body_items(paragraphs: Sequence[str]) -> list[dict]:
    return [L.classify(p) for p in paragraphs if str(p).strip()]


def _closing_body_items(paragraphs: Sequence[str]) -> list[dict]:
    """Body items before a 署名: the last paragraph's last two lines are kept with the
    signature block, so the page carrying the 署名 also carries body text (GB/T 9704
    7.3.5). A paragraph of one or two lines is kept whole; a longer one is cut where its
    second-to-last line starts (see :func:`dossier.documents.layout.split_before_closing`)."""
    items = _body_items(paragraphs)
    if not items or items[-1]["style"] != L.STYLE_BODY:
        return items  # a heading already keeps with what follows
    last = items[-1]
    full = last["head"] + last["text"]
    cut = L.split_before_closing(full)
    if cut is None or cut <= len(last["head"]):
        items[-1] = {**last, "style": L.STYLE_BODY_KEEP}
        return items
    cut -= len(last["head"])
    items[-1] = {**last, "style": L.STYLE_BODY_JOIN, "text": last["text"][:cut]}
    items.append({"style": L.STYLE_BODY_TAIL, "head": "", "head_style": L.RUN_PLAIN, "text": last["text"][cut:]})
    return items


# ----------------------------------------------------------------------------- 请示


def request_title(project: Project, catalog: Catalog) -> str:
    issuer = project.request.issuer or project.applicant
    return project.request.title or f"{issuer}关于申报{catalog.scheme}的请示"


def request_context(project: Project, catalog: Catalog) -> dict:
    """The covering 请示: one request, 附件 the form and the self-assessment report."""
    req = project.request
    issuer = req.issuer or project.applicant
    form_title = catalog.form.get("title") or f"{catalog.scheme}申报表"
    report_title = self_report_title(project, catalog)
    attachments = list(req.attachments) or [form_title, report_title, "证明材料汇编"]
    body = [
        f"为深入贯彻落实《中华人民共和国未成年人保护法》，进一步加强未成年人保护工作，"
        f"{issuer}对照《{catalog.name}》逐项开展了自评，形成了申报表、自评报告和证明材料汇编。",
        f"经自评，{issuer}申请创建{catalog.scheme}，恳请予以审核推荐。",
        "妥否，请批示。",
    ]
    notes = []
    if req.note:
        notes.append(req.note if req.note.startswith("（") else f"（{req.note}）")
    contact = project.contact
    phones = "，".join(x for x in (contact.phone, contact.mobile) if x)
    if contact.name or phones:
        notes.append(f"（联系人：{contact.name}{'，联系电话：' + phones if phones else ''}）")
    body_items, attachment_list = _closing_body_items(body), attachment_items(attachments)
    return {
        "issuer_mark": _issuer_mark(issuer),
        "mark_size": L.mark_size_half_points(_issuer_mark(issuer)),
        "doc_number": req.doc_number,
        "signer": req.signer,
        "title_lines": title_lines(request_title(project, catalog)),
        "to": req.to,
        "body": body_items,
        "attachments": attachment_list,
        "notes": notes,
        **_issuer_block(issuer, req.date or project.application_date),
    }


# ----------------------------------------------------------------------------- 申报表


def form_items(paragraphs: Sequence[str]) -> list[dict]:
    """The narrative inside the form's cell: 4号 text throughout, numbered headings keep
    their font (一、黑体, （一）楷体) as run-in text."""
    items = []
    for p in paragraphs:
        item = L.classify(p)
        if item["style"] != L.STYLE_BODY:  # a heading on its own line
            font = {L.STYLE_H1: L.RUN_HEI, L.STYLE_H2: L.RUN_KAI}.get(item["style"], L.RUN_PLAIN)
            item = {"head": item["text"], "head_style": font, "text": ""}
        items.append({**item, "style": "GwFormBody"})
    return items


def form_context(project: Project, catalog: Catalog) -> dict:
    form = catalog.form
    contact = project.contact
    opinions = []
    for i, label in enumerate(form.get("opinions") or ()):
        text = L.paragraphs(project.self_assessment) if i == 0 else []
        opinions.append({"label": label, "text": text})
    return {
        "title_lines": title_lines(form.get("title") or f"{catalog.scheme}申报表"),
        "applicant": project.applicant,
        "contact_name": contact.name,
        "contact_title": contact.title,
        "contact_phone": contact.phone,
        "contact_mobile": contact.mobile,
        "narrative_label": form.get("narrative_label", "基本情况、主要制度及工作成效"),
        "narrative": form_items(L.paragraphs(project.narrative)),
        "narrative_note": form.get("narrative_note", ""),
        "opinions": opinions,
        "footer": form.get("footer", ""),
    }


# ----------------------------------------------------------------------------- 自评报告


def self_report_title(project: Project, catalog: Catalog) -> str:
    return f"{project.applicant}创建{catalog.scheme}自评报告"


def _evidence_lines(item_id: str, report: CheckReport | None, page_refs: Mapping[str, Sequence[PageRef]] | None,
                    evidence_info: Mapping[str, EvidenceInfo] | None) -> list[str]:
    refs: list[PageRef] = list((page_refs or {}).get(item_id) or ())
    if not refs and report is not None:
        finding = report.finding(item_id)
        for path in (finding.evidence if finding else ()):
            info = (evidence_info or {}).get(path)
            title = info.title if info and info.title else path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            refs.append(PageRef(path, title, info.date if info else None, info.doc_number if info else ""))
    if not refs:
        # Without a check nothing is known either way: leave the line for the clerk.
        return ["证明材料：无"] if report is not None else ["证明材料："]
    lines = ["证明材料："]
    for i, ref in enumerate(refs, 1):
        facts = "，".join(x for x in (ref.doc_number, fmt_cn(ref.date)) if x)
        # Not （1）: that numbers the standards themselves one level up.
        line = f"材料{i}：{ref.title}" + (f"（{facts}）" if facts else "")
        if ref.pages_text:
            line += f"，{ref.pages_text}"
        lines.append(line + "。")
    return lines


def _standard_item(n: int, std, report, page_refs, evidence_info) -> dict:
    finding = report.finding(std.id) if report is not None else None
    lines = _evidence_lines(std.id, report, page_refs, evidence_info)
    if finding:
        lines += [f"存在问题：{p.message}" for p in finding.problems]
    return {"id": std.id, "heading": f"（{n}）{std.text}", "status": STATUS_CN.get(finding.status, "") if finding else "",
            "lines": lines, "status_style": L.STYLE_BODY, "last_style": L.STYLE_BODY}


def _keep_with_signature(standard: dict) -> None:
    """The report's last paragraph stays on the page of the 署名 (GB/T 9704 7.3.5)."""
    if standard["lines"]:
        standard["last_style"] = L.STYLE_BODY_KEEP
    else:
        standard["status_style"] = L.STYLE_BODY_KEEP


def report_context(project: Project, catalog: Catalog, report: CheckReport | None,
                   page_refs: Mapping[str, Sequence[PageRef]] | None = None,
                   evidence_info: Mapping[str, EvidenceInfo] | None = None) -> dict:
    categories = []
    for ci, cat in enumerate(catalog.categories, 1):
        subs = []
        for si, sub in enumerate(cat.subitems, 1):
            stds = [_standard_item(n, s, report, page_refs, evidence_info) for n, s in enumerate(sub.standards, 1)]
            subs.append({"heading": f"{si}.{sub.name}", "standards": stds})
        categories.append({"heading": f"（{L.cn_number(ci)}）{cat.name}", "subitems": subs})
    if catalog.negative_items:
        negs = [_standard_item(n, s, report, page_refs, evidence_info) for n, s in enumerate(catalog.negative_items, 1)]
        categories.append({"heading": f"（{L.cn_number(len(categories) + 1)}）{catalog.negative_name}",
                           "subitems": [{"heading": "", "standards": negs}]})

    last = next((sub["standards"][-1] for cat in reversed(categories) for sub in reversed(cat["subitems"])
                 if sub["standards"]), None)
    if last is not None:
        _keep_with_signature(last)

    intro = [f"{project.applicant}对照《{catalog.name}》{len(catalog.standards)}条工作标准和"
             f"{len(catalog.negative_items)}项{catalog.negative_name}逐项开展了自评。"]
    if report is not None:
        s = report.summary
        intro.append(
            f"经自评，{len(catalog.standards)}条工作标准中，达标{s['met']}条，部分达标{s['partial']}条，"
            f"缺少材料{s['missing']}条，不适用{s['not_applicable']}条；{catalog.negative_name}中，"
            f"已承诺{s['declared']}项，未承诺{s['undeclared']}项，存在负面情形{s['violated']}项。")
    intro += L.paragraphs(project.self_assessment)
    return {
        "title_lines": title_lines(self_report_title(project, catalog)),
        "intro": _body_items(intro),
        "categories": categories,
        **_issuer_block(project.applicant, project.application_date),
    }


# ----------------------------------------------------------------------------- 通知


def catalog_rows(catalog: Catalog) -> tuple[list[dict], list[dict]]:
    """附件1 rows; ``restart`` opens a merged cell and ``continue`` extends it downwards."""
    rows = []
    for cat in catalog.categories:
        for si, sub in enumerate(cat.subitems):
            for ni, std in enumerate(sub.standards):
                first_cat, first_sub = si == 0 and ni == 0, ni == 0
                rows.append({"category": cat.name if first_cat else "", "cat_merge": "restart" if first_cat else "continue",
                             "subitem": sub.name if first_sub else "", "sub_merge": "restart" if first_sub else "continue",
                             "text": std.text})
    negatives = [{"category": catalog.negative_name if i == 0 else "", "cat_merge": "restart" if i == 0 else "continue",
                  "text": std.text} for i, std in enumerate(catalog.negative_items)]
    return rows, negatives


def notice_context(catalog: Catalog) -> dict:
    notice = catalog.notice
    issuer = notice.get("issuer", "")
    date = parse_date(notice.get("date"))
    attachments = list(notice.get("attachments") or ())
    plan = list(notice.get("plan") or ())
    rows, negatives = catalog_rows(catalog)
    form = catalog.form
    mark = notice.get("issuer_mark") or _issuer_mark(issuer)
    notes = [notice["publication"]] if notice.get("publication") else []
    cc = notice.get("cc", "")
    body = _closing_body_items(notice.get("body") or ())
    body_attachments = [] if plan else attachment_items(attachments)
    return {
        "issuer_mark": mark,
        "mark_size": L.mark_size_half_points(mark),
        "doc_number": notice.get("doc_number", ""),
        "title_lines": title_lines(notice.get("title") or f"关于印发《{catalog.name}》的通知"),
        "to": notice.get("to", ""),
        "body": body,
        # Attachments belong to the plan when the notice prints one (as in the seed).
        "attachments": body_attachments,
        "notes": notes,
        **_issuer_block(issuer, date),
        "plan_title_lines": title_lines(notice["plan_title"], new_page=True) if plan and notice.get("plan_title") else [],
        "plan": _body_items(plan),
        "plan_attachments": attachment_items(attachments) if plan else [],
        "annex1_title_lines": title_lines(attachments[0] if attachments else catalog.name),
        "catalog_rows": rows,
        "negative_rows": negatives,
        "form_title_lines": title_lines(form.get("title") or f"{catalog.scheme}申报表"),
        "narrative_label": form.get("narrative_label", "基本情况、主要制度及工作成效"),
        "narrative_note": form.get("narrative_note", ""),
        "opinions": [{"label": x, "text": []} for x in form.get("opinions") or ()],
        "footer": form.get("footer", ""),
        "cc_line": f"抄送：{cc}" if cc else "",
        "printer": notice.get("printer") or (f"{issuer}办公室" if issuer else ""),
        "print_date_cn": fmt_cn(date) if date else "",
    }
