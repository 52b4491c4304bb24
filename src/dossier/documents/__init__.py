"""Official documents: 申报表, 请示, 自评报告 (per project) and the catalog's 通知, rendered
from docxtpl templates in GB/T 9704-2012 layout."""

from dossier.documents.context import STATUS_CN, EvidenceInfo, PageRef
from dossier.documents.layout import check_doc_number
from dossier.documents.render import DOCUMENTS, builtin_template, check_request, render_all, render_notice

__all__ = ["DOCUMENTS", "STATUS_CN", "EvidenceInfo", "PageRef", "builtin_template", "check_doc_number",
           "check_request", "render_all", "render_notice"]
