"""``dossier build`` and ``dossier verify`` through the real entry point."""

from __future__ import annotations

import sys
from pathlib import Path

import pikepdf
import pytest

from dossier import office

sys.path.insert(0, str(Path(__file__).parents[1] / "binder"))
from makers import project  # noqa: E402

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is installed by make test")


def test_build_then_verify_then_tamper(cli, tmp_path):
    """This test ensures that `dossier build` prints the Chinese summary (pages, files, cache, the
    file left out) and exits 0, that `dossier verify` then passes with exit 0, and that it exits 1
    listing the page once a body page is removed from the PDF."""
    root = tmp_path / "示例县"
    project(root)
    built = cli("build", root)
    assert built.exit_code == 0, built.output
    assert "证明材料汇编：共" in built.stdout and "装订材料7份" in built.stdout
    assert "加密的制度文件.pdf" in built.stdout and "新转换2个" in built.stdout
    assert "重新装订" in built.stdout
    assert "Traceback" not in built.output
    again = cli("build", root)
    assert again.exit_code == 0 and "材料无变化，沿用上次的汇编" in again.stdout and "沿用缓存2个" in again.stdout
    checked = cli("verify", root)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("核对通过")
    target = root / "输出" / "证明材料汇编.pdf"
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        del pdf.pages[len(pdf.pages) - 2]
        pdf.save(target)
    broken = cli("verify", root)
    assert broken.exit_code == 1
    assert "不一致" in broken.stdout and "页" in broken.stdout


def test_strict_build_exits_1_and_verify_without_build_exits_2(cli, tmp_path):
    """This test ensures that `dossier build --strict` on a project with gaps exits 1 with the gaps
    named and no packet written, and that `dossier verify` before any build exits 2 with advice."""
    root = tmp_path / "县"
    project(root)
    strict = cli("build", root, "--strict")
    assert strict.exit_code == 1
    assert "--strict" in strict.stderr and "2.1.3" in strict.stderr
    assert not (root / "输出" / "证明材料汇编.pdf").exists()
    early = cli("verify", root)
    assert early.exit_code == 2
    assert "dossier build" in early.stderr


def test_help_is_chinese(cli):
    """This test ensures that both commands explain themselves in Chinese."""
    for name in ("build", "verify"):
        r = cli(name, "--help")
        assert r.exit_code == 0 and "证明材料汇编" in r.stdout
    assert "--strict" in cli("build", "--help").stdout
