"""The binder: evidence files → one bound, numbered, linked PDF (证明材料汇编.pdf).

``bind(plan, sources, target, ...)`` is the entry point; ``patch(...)`` replaces the pages of
changed files in a previous dossier when no page number moves; ``model`` holds the Plan they
read and the PageMap they return.
"""

from dossier.binder.bind import BindResult, BindStats, bind, patch
from dossier.binder.model import (CategorySection, FileEntry, PageMap, Placement, Plan, Source,
                                  StandardSection, TocEntry, page_range, reference)

__all__ = ["BindResult", "BindStats", "CategorySection", "FileEntry", "PageMap", "Placement", "Plan", "Source",
           "StandardSection", "TocEntry", "bind", "page_range", "patch", "reference"]
