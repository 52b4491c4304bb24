"""The binder: evidence files → one bound, numbered, linked PDF (证明材料汇编.pdf).

``bind(plan, sources, target, ...)`` is the entry point; ``model`` holds the Plan it reads
and the PageMap it returns.
"""

from dossier.binder.bind import BindResult, BindStats, bind
from dossier.binder.model import (CategorySection, FileEntry, PageMap, Placement, Plan, Source,
                                  StandardSection, TocEntry, page_range, reference)

__all__ = ["BindResult", "BindStats", "CategorySection", "FileEntry", "PageMap", "Placement", "Plan", "Source",
           "StandardSection", "TocEntry", "bind", "page_range", "reference"]
