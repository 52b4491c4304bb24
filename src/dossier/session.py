"""One run over one project: the project, its catalog, the index, the evidence per standard
and the check report, each computed once and shared by every stage that needs it.

    s = Session.open("某某县")
    s.check()                  # indexes first if needed
    s.evidence("2.1.3")        # the merged Evidence records the check used
    s.report, s.index_result   # what render and build take

Before the session each stage regrouped the assignments by ID (``ids.normalize``) and
merged evidence again; now :meth:`evidence_per_standard` does it once per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import project as project_lib
from dossier.records import Catalog, CheckReport, Evidence, EvidenceFile, Project


@dataclass
class Session:
    project: Project
    catalog: Catalog
    index_result: Any = None  # dossier.index.IndexResult once indexed
    report: CheckReport | None = None
    _evidence: dict[str, list[Evidence]] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, project_dir: Path | str = ".") -> "Session":
        """Load dossier.yaml and its catalog (ConfigError, exit 2, when unusable)."""
        project, catalog = project_lib.open_project(project_dir)
        return cls(project, catalog)

    # ---------------------------------------------------------------- stages

    def index(self, *, jobs: int | None = None, progress=None):
        """Bring the index up to date (once per session) → ``IndexResult``."""
        if self.index_result is None:
            from dossier.check import _check_incidents
            from dossier.index import run_index

            _check_incidents(self.catalog, self.project)  # a settings error should not wait for indexing
            self.index_result = run_index(self.project, self.catalog, jobs=jobs, progress=progress)
            self._evidence = None
        return self.index_result

    def evidence_per_standard(self) -> dict[str, list[Evidence]]:
        """Every item's merged evidence, computed once from the index."""
        if self._evidence is None:
            from dossier.check import evidence_per_standard

            result = self.index()
            self._evidence = evidence_per_standard(self.catalog, self.files_by_path(), result.assignments)
        return self._evidence

    def evidence(self, item_id: str) -> list[Evidence]:
        return self.evidence_per_standard().get(item_id, [])

    def files_by_path(self) -> dict[str, EvidenceFile]:
        return {f.path: f for f in self.index().files}

    def check(self, *, progress=None) -> CheckReport:
        """Index if needed, then evaluate every standard and negative-list item (once)."""
        if self.report is None:
            from dossier.check import evaluate

            result = self.index(progress=progress)
            self.report = evaluate(self.catalog, self.project, result.files, result.assignments,
                                   result.manifest_problems, registers_root=self.project.root,
                                   duplicates=getattr(result, "duplicates", None),
                                   evidence=self.evidence_per_standard())
        return self.report
