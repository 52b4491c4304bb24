"""One exception hierarchy carries every exit code (errors.py)."""

from __future__ import annotations

import pytest

from dossier import build, errors, paths, store
from dossier.cli import run


def test_exit_codes_are_one_enum_on_one_hierarchy():
    """ProjectBusy, OutsideProject and BuildRefused used to live apart (one a ValueError). This
    test ensures that they are DossierErrors with the contract's exit codes, importable from
    where they are raised as well."""
    assert [int(c) for c in errors.ExitCode] == [0, 1, 2, 3, 130]
    assert store.ProjectBusy is errors.ProjectBusy and paths.OutsideProject is errors.OutsideProject
    assert build.BuildRefused is errors.BuildRefused
    for cls, code in ((errors.ProjectBusy, 2), (errors.OutsideProject, 2), (errors.BuildRefused, 1),
                      (errors.ConfigError, 2), (errors.UsageError, 2), (errors.OutputError, 2),
                      (errors.EvidenceError, 1)):
        assert issubclass(cls, errors.DossierError) and cls.exit_code == code
    assert issubclass(errors.OutsideProject, ValueError)  # callers catching ValueError still do


def test_cli_maps_each_error_to_its_code(monkeypatch, capsys):
    """The CLI handler turns each error into its exit code and its Chinese message, never a
    traceback. This test ensures that an OutsideProject raised by a command exits 2 with the message."""
    from dossier.cli import init_cmd

    def refuse(*args, **kwargs):
        raise errors.OutsideProject("路径指向项目文件夹之外")

    monkeypatch.setattr(init_cmd, "init_project", refuse)
    with pytest.raises(SystemExit) as stop:
        run(["init", "某县"])
    assert stop.value.code == 2
    assert "错误：路径指向项目文件夹之外" in capsys.readouterr().err
