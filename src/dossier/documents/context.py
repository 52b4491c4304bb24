"""What goes into each document: pure functions from the records to docxtpl contexts.

No file is read or written here; :mod:`dossier.documents.render` does that.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from dossier import wording
from dossier.dates import fmt_cn, parse_date
from dossier.documents import layout as L
from dossier.documents import prose
from dossier.records import Catalog, CheckReport, Project
from dossier.reports import points, score

# The county's words for a check status (wording.yaml): what the 自评报告 prints.
STATUS_CN = wording.status_labels(official=True)
DOSSIER_HEADING = wording.title("dossier")


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
        return wording.page_ref(self.first_page, self.last_page)


# ----------------------------------------------------------------------------- shared


def scheme_name(catalog: Catalog) -> str:
    """The 创建称号 the documents print: ``documents.scheme_name``, else the catalog's ``scheme``."""
    return str((catalog.documents or {}).get("scheme_name") or catalog.scheme)


def doc_words(catalog: Catalog) -> dict[str, str]:
    """The scheme's own words in running text (catalog ``documents``), with defaults that fit
    any 示范创建 scheme:

    - ``request_purpose``: the 请示's opening purpose clause (为……);
    - ``work_name``: the field of work (未成年人保护工作), as in 持续提升……水平;
    - ``catalog_short``: how the documents name the catalog in a sentence (创建达标体系);
    - ``negative_short``: how they name the negative list (负面工作清单)."""
    d = catalog.documents or {}
    return {
        "request_purpose": str(d.get("request_purpose") or f"为做好{scheme_name(catalog)}创建工作").rstrip("，,。"),
        "work_name": str(d.get("work_name") or "各项工作"),
        "catalog_short": str(d.get("catalog_short") or f"《{catalog.name}》"),
        "negative_short": str(d.get("negative_short") or catalog.negative_name),
    }


def title_lines(title: str, catalog: Catalog, *, new_page: bool = False) -> list[dict]:
    lines = L.break_title(title, words=catalog.title_words)
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


def _office_of(issuer: str) -> str:
    """版记's 印发机关: the issuer's 办公室 (an issuer that is itself an 办公室 prints once)."""
    if not issuer:
        return ""
    return issuer if issuer.endswith("办公室") else f"{issuer}办公室"


def _issuer_mark(issuer: str) -> str:
    return issuer if issuer.endswith("文件") else f"{issuer}文件"


def _body_items(paragraphs: Sequence[str]) -> list[dict]:
    return [L.classify(p) for p in paragraphs if str(p).strip()]


def _closing_body_items(paragraphs: Sequence[str]) -> list[dict]:
    """Body items before a 署名: the last paragraph keeps with the signature block by its
    paragraph properties (keep with next, widow/orphan control) — no cut, no 分散对齐 — so
    Word, WPS and LibreOffice carry its last lines over with the 署名 (GB/T 9704 7.3.5) and
    the text stays one paragraph when the clerk edits it."""
    items = _body_items(paragraphs)
    if items and items[-1]["style"] == L.STYLE_BODY:
        items[-1] = {**items[-1], "style": L.STYLE_BODY_KEEP}
    return items


# ----------------------------------------------------------------------------- 请示


def request_title(project: Project, catalog: Catalog) -> str:
    issuer = project.request.issuer or project.applicant
    return project.request.title or f"{issuer}关于申报{scheme_name(catalog)}的请示"


def attachment_titles(project: Project, catalog: Catalog) -> list[str]:
    """附件1 申报表, 附件2 自评报告, 附件3 the 汇编: the names the 请示 lists, printed the same
    on each attachment."""
    return [catalog.form.get("title") or f"{scheme_name(catalog)}申报表", self_report_title(project, catalog),
            DOSSIER_HEADING]


def annex_label(project: Project, catalog: Catalog, title: str) -> str:
    """附件N for the attachment titled ``title`` as the 请示 lists it ("" when not listed)."""
    names = [n.strip().rstrip("。.") for n in (project.request.attachments or attachment_titles(project, catalog))]
    return f"附件{names.index(title) + 1}" if title in names else ""


def request_context(project: Project, catalog: Catalog) -> dict:
    """The covering 请示: one request, 附件 the form and the self-assessment report."""
    req = project.request
    issuer = req.issuer or project.applicant
    attachments = list(req.attachments) or attachment_titles(project, catalog)
    body = [
        f"{doc_words(catalog)['request_purpose']}，"
        f"{issuer}对照《{catalog.name}》逐项开展了自评，形成了申报表、自评报告和{DOSSIER_HEADING}。",
        f"经自评，{issuer}申请创建{scheme_name(catalog)}，恳请予以审核推荐。",
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
        "title_lines": title_lines(request_title(project, catalog), catalog),
        "to": req.to,
        "body": body_items,
        "attachments": attachment_list,
        "notes": notes,
        **_issuer_block(issuer, req.date or project.application_date),
        "printer": req.printer if hasattr(req, "printer") and req.printer else _office_of(issuer),
        "print_date_cn": fmt_cn(req.date or project.application_date) if (req.date or project.application_date) else "",
        "cc_line": "",
        "imprint_new_page": False,
    }


# ----------------------------------------------------------------------------- 申报表


def _is_title(text: str) -> bool:
    """A narrative's own heading line: short, unnumbered, not a sentence."""
    return (len(text) <= 40 and L.classify(text)["style"] == L.STYLE_BODY and not L.classify(text)["head"]
            and text[-1] not in "。；：，！？")


def form_items(paragraphs: Sequence[str], *, signer: str = "", date: dt.date | None = None) -> list[dict]:
    """The narrative inside the form's cell: 4号 text throughout, numbered headings keep
    their font (一、黑体, （一）楷体) as run-in text. The narrative's own title is centred;
    its closing 署名 and date (a narrative written as a separate document ends with them) are
    right-aligned, the date being the application date (one date in the whole packet)."""
    paragraphs = list(paragraphs)
    tail: list[dict] = []
    while paragraphs:
        last = paragraphs[-1]
        if parse_date(last) is not None or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", last):
            tail.insert(0, {"style": "GwFormSign", "head": "", "head_style": L.RUN_PLAIN,
                            "text": fmt_cn(date) if date else last})
        elif signer and last.replace(" ", "").replace("\u3000", "") == signer.replace(" ", ""):
            tail.insert(0, {"style": "GwFormSign", "head": "", "head_style": L.RUN_PLAIN, "text": last})
        else:
            break
        paragraphs.pop()
    items = []
    for i, p in enumerate(paragraphs):
        if i == 0 and len(paragraphs) > 1 and _is_title(p):
            items.append({"style": "GwFormHeading", "head": "", "head_style": L.RUN_PLAIN, "text": p})
            continue
        item = L.classify(p)
        if item["style"] != L.STYLE_BODY:  # a heading on its own line
            font = {L.STYLE_H1: L.RUN_HEI, L.STYLE_H2: L.RUN_KAI}.get(item["style"], L.RUN_PLAIN)
            item = {"head": item["text"], "head_style": font, "text": ""}
        items.append({**item, "style": "GwFormBody"})
    return items + tail


def _opinion_boxes(form: Mapping) -> list[dict]:
    """The form's opinion boxes as the notice prints them: a label, and (公章) with 年 月 日
    only where the notice has a seal line (``seal: false`` for a box without one)."""
    boxes = []
    for entry in form.get("opinions") or ():
        if isinstance(entry, Mapping):
            boxes.append({"label": str(entry.get("label", "")), "seal": bool(entry.get("seal", True))})
        else:
            boxes.append({"label": str(entry), "seal": True})
    return boxes


def _field_value(project: Project, source: str) -> str:
    """A 申报表 field's value from dossier.yaml (``form.fields[].source``)."""
    if source.startswith("contact."):
        return str(getattr(project.contact, source.split(".", 1)[1], "") or "")
    if source == "application_date":
        return fmt_cn(project.application_date) if project.application_date else ""
    value = getattr(project, source, None)
    return "" if value is None else str(value)


def form_fields(form: Mapping, project: Project | None = None) -> list[dict]:
    """The form's own rows (catalog ``form.fields``: label → dossier.yaml key), each with its
    value (blank in the 通知's empty form). Empty when the catalog keeps the notice's form
    layout (单位名称 / 联系人姓名及职务 / 联系方式)."""
    return [{"label": str(f["label"]), "value": _field_value(project, str(f["source"])) if project else ""}
            for f in (form.get("fields") or ())]


def form_context(project: Project, catalog: Catalog) -> dict:
    form = catalog.form
    contact = project.contact
    opinions = []
    for i, box in enumerate(_opinion_boxes(form)):
        own = i == 0  # the county's own box carries its 自评意见 and the application date
        text = L.paragraphs(project.self_assessment) if own else []
        date_cn = fmt_cn(project.application_date) if own and project.application_date and text else ""
        opinions.append({**box, "text": text, "date_cn": date_cn or "年\u3000\u3000月\u3000\u3000日"})
    title = form.get("title") or f"{scheme_name(catalog)}申报表"
    return {
        "annex_label": annex_label(project, catalog, title),
        "title_lines": title_lines(title, catalog),
        "fields": form_fields(form, project),
        "applicant": project.applicant,
        "contact_name": contact.name,
        "contact_title": contact.title,
        "contact_phone": contact.phone,
        "contact_mobile": contact.mobile,
        "narrative_label": form.get("narrative_label", "基本情况、主要制度及工作成效"),
        "narrative": form_items(L.paragraphs(project.narrative), signer=project.applicant,
                                date=project.application_date),
        "narrative_note": form.get("narrative_note", ""),
        "opinions": opinions,
        "footer": form.get("footer", ""),
    }


# ----------------------------------------------------------------------------- 自评报告


def self_report_title(project: Project, catalog: Catalog) -> str:
    """``documents.self_assessment_title`` with {applicant} and {scheme} filled in, else
    <申报单位>创建<创建称号>自评报告."""
    own = (catalog.documents or {}).get("self_assessment_title")
    if own:
        return str(own).replace("{applicant}", project.applicant).replace("{scheme}", scheme_name(catalog))
    return f"{project.applicant}创建{scheme_name(catalog)}自评报告"


def _evidence_lines(item_id: str, report: CheckReport | None, page_refs: Mapping[str, Sequence[PageRef]] | None,
                    evidence_info: Mapping[str, EvidenceInfo] | None, *, draft: bool = False) -> list[str]:
    """证明材料 as the county cites them: the document's title (never its file name or a
    filing date in front of it), 文号 and date, and its pages in the 汇编."""
    refs: list[PageRef] = list((page_refs or {}).get(item_id) or ())
    # As bound by build (pages known): a file without pages was not bound.
    bound = bool(refs) and any(r.first_page for rs in (page_refs or {}).values() for r in rs)
    if not refs and report is not None:
        finding = report.finding(item_id)
        for path in (finding.evidence if finding else ()):
            info = (evidence_info or {}).get(path)
            title = info.title if info and info.title else path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            refs.append(PageRef(path, title, info.date if info else None, info.doc_number if info else ""))
    if bound and not draft:
        # A file that could not be bound is not cited: the province would look for it in vain.
        refs = [r for r in refs if r.first_page]
    if not refs:
        return ["证明材料：无（草稿：缺少材料）"] if draft and report is not None else []
    lines = ["证明材料："]
    for i, ref in enumerate(refs, 1):
        title = wording.clean_title(ref.title)
        facts = "，".join(x for x in (ref.doc_number, fmt_cn(ref.date)) if x and x not in title)
        # Not （1）: that numbers the standards themselves one level up.
        line = f"材料{i}：{title}" + (f"（{facts}）" if facts else "")
        if ref.pages_text:
            line += f"，{ref.pages_text}"
        lines.append(line + "。")
    return lines


def _standard_item(n: int, std, report, page_refs, evidence_info, draft: bool = False) -> dict:
    finding = report.finding(std.id) if report is not None else None
    lines = _evidence_lines(std.id, report, page_refs, evidence_info, draft=draft)
    if finding and draft:
        # The clerk's draft shows what check found, in the checker's words, marked as such.
        lines += [f"【草稿】{wording.status_label(finding.status)}：{p.message}" for p in finding.problems]
    return {"id": std.id, "heading": f"（{n}）{std.text}",
            "status": wording.status_label(finding.status, official=True) if finding else "",
            "score": f"\u3000分值：{points(std.score)}分" if std.score is not None else "",
            "lines": lines, "status_style": L.STYLE_BODY, "last_style": L.STYLE_BODY}


def _summary(catalog: Catalog, report: CheckReport) -> str:
    s = report.summary
    label = lambda k: wording.status_label(k, official=True)  # noqa: E731
    counts = [f"{label(k)}{s[k]}条" for k in ("met", "partial", "missing", "not_applicable") if s.get(k)]
    text = f"经自评，{len(catalog.standards)}条工作标准中，{'，'.join(counts) or '均未评定'}"
    if catalog.negative_items:
        violated = s.get("violated", 0)
        text += (f"；{catalog.negative_name}{len(catalog.negative_items)}项中，存在{violated}项" if violated
                 else f"；{catalog.negative_name}所列{len(catalog.negative_items)}项情形均不存在")
    return text + "。"


def closing_section(catalog: Catalog, report: CheckReport | None, applicant: str = "") -> list[dict]:
    """三、存在问题及整改措施: the problems in the county's words (documents/problems.yaml),
    then the measures, each paragraph ending in 。"""
    pairs = []
    if report is not None:
        for item in catalog.items():
            finding = report.finding(item.id)
            if finding is None or finding.status in ("met", "not_applicable", "declared"):
                continue
            for problem in finding.problems:
                pairs.append((item.short or item.text, problem))
    words = doc_words(catalog)
    found, measures = prose.closing(pairs, catalog)
    items = [L.classify("三、存在问题及整改措施")]
    if not found:
        items += _body_items(["经自评，各项工作标准均达到创建要求，未发现需要整改的问题。下一步，将巩固创建成果，"
                              f"持续提升{words['work_name']}水平。"])
        return items
    # Numbered sentences are body paragraphs, not headings: they flow and break like text.
    numbered = lambda texts: [{"style": L.STYLE_BODY, "head": "", "head_style": L.RUN_PLAIN,  # noqa: E731
                               "text": f"{i}.{t}"} for i, t in enumerate(texts, 1)]
    items.append(L.classify("（一）存在问题"))
    items += numbered(found)
    items.append(L.classify("（二）整改措施"))
    items += numbered(measures)
    items += _body_items([f"下一步，{self_name(applicant)}将对照{words['catalog_short']}逐项抓好整改落实，确保各项工作全面达到示范创建标准。"])
    return items


def self_name(applicant: str) -> str:
    """How the applicant names itself in its own report: 我县, 我市, 我区, 我旗 (by the last
    character of its name, e.g. 某某自治县 → 我县, 某某市 → 我市); 我县 when nothing fits."""
    last = applicant.strip()[-1:] if applicant.strip() else ""
    return f"我{last}" if last in ("县", "市", "区", "旗") else "我县"


def report_context(project: Project, catalog: Catalog, report: CheckReport | None,
                   page_refs: Mapping[str, Sequence[PageRef]] | None = None,
                   evidence_info: Mapping[str, EvidenceInfo] | None = None, *, draft: bool = False) -> dict:
    categories = []
    for ci, cat in enumerate(catalog.categories, 1):
        subs = []
        for si, sub in enumerate(cat.subitems, 1):
            stds = [_standard_item(n, s, report, page_refs, evidence_info, draft)
                    for n, s in enumerate(sub.standards, 1)]
            subs.append({"heading": f"{si}.{sub.name}", "standards": stds})
        categories.append({"heading": f"（{L.cn_number(ci)}）{cat.name}", "subitems": subs})
    if catalog.negative_items:
        negs = [_standard_item(n, s, report, page_refs, evidence_info, draft)
                for n, s in enumerate(catalog.negative_items, 1)]
        categories.append({"heading": f"（{L.cn_number(len(categories) + 1)}）{catalog.negative_name}",
                           "subitems": [{"heading": "", "standards": negs}]})

    intro = [f"{project.applicant}对照《{catalog.name}》{len(catalog.standards)}条工作标准和"
             f"{len(catalog.negative_items)}项{catalog.negative_name}逐项开展了自评。"]
    if report is not None:
        intro.append(_summary(catalog, report))
        scored = score(report, catalog)
        if scored is not None:
            # The self-assessed score as check counts it: a standard met earns its 分值.
            tail = f"，不适用的工作标准{points(scored['not_applicable'])}分不计" if scored["not_applicable"] else ""
            intro.append(f"按{doc_words(catalog)['catalog_short']}规定的分值，工作标准总分{points(scored['total'])}分，"
                         f"自评得分{points(scored['met'])}分{tail}。")
    intro += L.paragraphs(project.self_assessment)
    closing = closing_section(catalog, report, project.applicant)
    if closing and closing[-1]["style"] == L.STYLE_BODY:
        closing[-1] = {**closing[-1], "style": L.STYLE_BODY_KEEP}
    title = self_report_title(project, catalog)
    return {
        "annex_label": annex_label(project, catalog, title),
        "title_lines": title_lines(title, catalog),
        "intro": _body_items(intro),
        "categories": categories,
        "closing": closing,
        **_issuer_block(project.applicant, project.application_date),
    }


# ----------------------------------------------------------------------------- 通知


def cell_lines(name: str, capacity: int = 5) -> list[str]:
    """A 项目/内容 name in the narrow columns of 附件1, broken as the notice breaks it: after
    as many two-character words as fit (预防网络 / 沉迷, 特殊保护 / 措施), never inside one."""
    if len(name) <= capacity:
        return [name]
    lines, rest = [], name
    while len(rest) > capacity:
        cut = capacity - capacity % 2
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + [rest] if rest else lines


CONTINUED = "（续）"


def catalog_rows(catalog: Catalog, page_starts: Sequence[int] = ()) -> tuple[list[dict], list[dict]]:
    """附件1 rows; ``restart`` opens a merged cell and ``continue`` extends it downwards.
    ``page_starts``: indices of rows that begin a page (measured on a first rendering): a
    merged 项目/内容 cell restarts there with its name and （续）, as the notice prints it."""
    starts = set(page_starts)
    rows = []
    for cat in catalog.categories:
        for si, sub in enumerate(cat.subitems):
            for ni, std in enumerate(sub.standards):
                first_cat, first_sub = si == 0 and ni == 0, ni == 0
                again = len(rows) in starts
                cat_lines = cell_lines(cat.name) if first_cat else cell_lines(cat.name) + [CONTINUED] if again else []
                sub_lines = cell_lines(sub.name) if first_sub else cell_lines(sub.name) + [CONTINUED] if again else []
                rows.append({"category": cat_lines, "cat_merge": "restart" if first_cat or again else "continue",
                             "subitem": sub_lines, "sub_merge": "restart" if first_sub or again else "continue",
                             "text": std.text})
    negatives = []
    for i, std in enumerate(catalog.negative_items):
        again = len(rows) + i in starts
        lines = (cell_lines(catalog.negative_name, 10) if i == 0
                 else cell_lines(catalog.negative_name, 10) + [CONTINUED] if again else [])
        negatives.append({"category": lines, "cat_merge": "restart" if i == 0 or again else "continue",
                          "text": std.text})
    return rows, negatives


DOC_NUMBER_PLACEHOLDER = "〔发文字号〕"


def notice_context(catalog: Catalog, page_starts: Sequence[int] = ()) -> dict:
    notice = catalog.notice
    issuer = notice.get("issuer", "")
    date = parse_date(notice.get("date"))
    attachments = list(notice.get("attachments") or ())
    plan = list(notice.get("plan") or ())
    rows, negatives = catalog_rows(catalog, page_starts)
    form = catalog.form
    mark = notice.get("issuer_mark") or _issuer_mark(issuer)
    notes = [notice["publication"]] if notice.get("publication") else []
    cc = notice.get("cc", "")
    body = _closing_body_items(notice.get("body") or ())
    body_attachments = [] if plan else attachment_items(attachments)
    return {
        "issuer_mark": mark,
        "mark_size": L.mark_size_half_points(mark),
        # An empty 发文字号 shows as a visible placeholder (and a warning), never as nothing.
        "doc_number": notice.get("doc_number") or DOC_NUMBER_PLACEHOLDER,
        "title_lines": title_lines(notice.get("title") or f"关于印发《{catalog.name}》的通知", catalog),
        "to": notice.get("to", ""),
        "body": body,
        # Attachments belong to the plan when the notice prints one (as in the seed).
        "attachments": body_attachments,
        "notes": notes,
        **_issuer_block(issuer, date),
        "plan_title_lines": title_lines(notice["plan_title"], catalog, new_page=True) if plan and notice.get("plan_title") else [],
        "plan": _body_items(plan),
        "plan_attachments": attachment_items(attachments) if plan else [],
        "annex1_title_lines": title_lines(attachments[0] if attachments else catalog.name, catalog),
        "catalog_rows": rows,
        "negative_rows": negatives,
        "form_title_lines": title_lines(form.get("title") or f"{scheme_name(catalog)}申报表", catalog),
        "fields": form_fields(form),
        "narrative_label": form.get("narrative_label", "基本情况、主要制度及工作成效"),
        "narrative_note": form.get("narrative_note", ""),
        "opinions": [{**box, "text": [], "date_cn": ""} for box in _opinion_boxes(form)],
        "footer": form.get("footer", ""),
        "cc_line": f"抄送：{cc}" if cc else "",
        "printer": notice.get("printer") or _office_of(issuer),
        "print_date_cn": fmt_cn(date) if date else "",
        "watermark": "",
    }
