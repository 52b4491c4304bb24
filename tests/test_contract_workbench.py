"""CONTRACT.md §7 routes as a clerk types them: ``/standards/<ID>`` with the ID as typed (§1 folding)."""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.testclient import TestClient

from dossier.serve.app import create_app
from evidence_makers import make_project, pdf_bytes

sys.path.insert(0, str(Path(__file__).parent / "serve"))
from serve_helpers import add_users, login  # noqa: E402

MINUTES = pdf_bytes([["示范县未成年人保护工作领导小组2021年第一次全体会议纪要", "会议时间：2021年3月15日",
                      "会议研究了未成年人保护工作的重大问题。"]])


def test_standard_page_accepts_full_width_id(tmp_path):
    """A clerk who types ``/standards/２．１．３`` (full-width, as a Chinese IME writes it) sees the page of
    2.1.3 with its evidence, not 没有指标; an unknown ID is still 404 with a Chinese message.
    This test ensures that the workbench matches IDs after full-width folding like the rest of dossier."""
    root = tmp_path / "县"
    make_project(root, {"材料/2.1.3 县级会议/2021-03-15 纪要.pdf": MINUTES})
    add_users(root)
    client = TestClient(create_app(root))
    assert login(client, "民政甲").status_code == 303
    page = client.get("/standards/２．１．３")
    assert page.status_code == 200
    assert "县级党委或政府每年至少召开两次会议" in page.text and "2021-03-15 纪要" in page.text
    unknown = client.get("/standards/2.1.9")
    assert unknown.status_code == 404 and "没有指标 2.1.9" in unknown.text


def test_serve_with_broken_settings_stops_before_claiming_to_start(tmp_path):
    """``dossier serve`` on a project whose dossier.yaml is malformed ends with exit 2 and the file:line
    reason, without printing 工作台已启动 or spending the one-time admin password, and makes no account.
    This test ensures that a clerk is never told the workbench runs when it does not."""
    import subprocess

    from cli_runner import invoke
    from serve_helpers import free_port

    root = tmp_path / "县"
    assert invoke("init", root).exit_code == 0
    cfg = root / "dossier.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("population: 350000", "population: [350000"),
                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "dossier", "serve", str(root), "--port", str(free_port())],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "dossier.yaml:" in done.stderr and "YAML 语法" in done.stderr
    assert "工作台已启动" not in done.stdout and "密码" not in done.stdout
    assert not (root / ".dossier").exists()
