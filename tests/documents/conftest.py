"""Sample projects for the document tests: ``dossier init``'s scaffold, then a filled
``dossier.yaml`` (written here, not taken from samples/)."""

from __future__ import annotations

import pytest

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from sample_project import write_project

@pytest.fixture(scope="module")
def catalog():
    return catalog_lib.load()


@pytest.fixture
def make_project(tmp_path):
    def make(**kwargs):
        root = write_project(tmp_path / kwargs.pop("folder", "示范县"), **kwargs)
        return project_lib.load(root)
    return make
