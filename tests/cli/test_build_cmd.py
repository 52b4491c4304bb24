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


def _as_other_user(args: list[str]) -> list[str]:
    """Run as an unprivileged user when the tests run as root (root writes into read-only folders)."""
    import os
    import shutil

    if os.geteuid() != 0:
        return args
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs setpriv to drop root")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *args]


def test_read_only_output_folder_is_a_clear_message(tmp_path_factory):
    """This test ensures that with 输出/ read-only, `dossier build`, `dossier index` and `dossier check`
    exit 2 with a Chinese message naming the folder, never a PermissionError traceback, and change
    nothing in 输出/."""
    import os
    import stat
    import subprocess
    import tempfile

    # Not under pytest's own (root-only) temp folder: the unprivileged user must reach it.
    base = Path(tempfile.mkdtemp(prefix="dossier-ro-"))
    try:
        base.chmod(0o755)
        root = base / "县"
        root.mkdir()
        (root / "dossier.yaml").write_text("catalog: minor-protection-2021\nevidence_dir: 材料\n", encoding="utf-8")
        (root / "材料").mkdir()
        (root / "材料" / "说明.txt").write_text("说明", encoding="utf-8")
        out = root / "输出"
        (out / ".dossier").mkdir(parents=True)
        (out / "证明材料汇编.pdf").write_bytes(b"%PDF-1.7 previous")
        for path in (root, *root.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        for folder in (out, out / ".dossier"):
            folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        before = sorted(p.name for p in out.rglob("*"))
        exe = str(Path(sys.executable).with_name("dossier"))
        env = {**os.environ, "HOME": str(base)}
        for command in ("build", "index", "check"):
            run = subprocess.run(_as_other_user([exe, command, str(root)]), capture_output=True, text=True,
                                 env=env, timeout=120)
            assert run.returncode == 2, (command, run.stdout, run.stderr)
            assert "输出" in run.stderr and "Traceback" not in run.stderr + run.stdout, (command, run.stderr)
            assert "请检查" in run.stderr
        assert sorted(p.name for p in out.rglob("*")) == before
    finally:
        for folder in (base, *base.rglob("*")):
            if folder.is_dir():
                folder.chmod(0o755)
        import shutil

        shutil.rmtree(base, ignore_errors=True)
