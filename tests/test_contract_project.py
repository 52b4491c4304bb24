"""CONTRACT.md §1/§2 as a clerk meets it in dossier.yaml: IDs typed with full-width characters."""

from __future__ import annotations

import json

from cli_runner import invoke


def _project_with_incident(tmp_path, item: str):
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    cfg = project / "dossier.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("incidents: []", f"incidents:\n  - {{item: {item}, date: 2021-05-01, summary: 溺水事故}}")
    cfg.write_text(text, encoding="utf-8")
    return project


def test_full_width_incident_item_is_the_same_negative_item(tmp_path):
    """An incident typed with a full-width ID (Ｎ４, as a Chinese IME writes it) or lower case
    with spaces is N4: the check reports N4 violated and the county 不予推荐, exit 1.
    This test ensures that incident items are matched after trimming and full-width folding like every ID."""
    for typed in ("Ｎ４", "' n4 '"):
        project = _project_with_incident(tmp_path / typed.strip("' "), typed)
        result = invoke("check", project, "--format", "json")
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert report["eligible"] is False
        n4 = next(i for i in report["indicators"] if i["id"] == "N4")
        assert n4["status"] == "violated"
        assert "2021-05-01" in n4["problems"][0]["message"]


def test_incident_item_outside_the_negative_list_names_key_and_line(tmp_path):
    """An incident item that is not N1–N7 (Ｎ８ after folding is N8) is a settings error: exit 2 with
    the file, line and key in the message, no traceback.
    This test ensures that folding does not let an invalid item through."""
    project = _project_with_incident(tmp_path, "Ｎ８")
    result = invoke("check", project)
    assert result.exit_code == 2
    assert "dossier.yaml:" in result.stderr and "incidents.0.item" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_catalog_names_file_line_and_key(tmp_path):
    """``catalog: nosuch`` in dossier.yaml ends the run with exit 2 and a message that says what (the
    unknown name, the built-in ones) and where (dossier.yaml, its line, key catalog), with nothing on stdout.
    This test ensures that an unknown catalog is reported like every other settings error."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    cfg = project / "dossier.yaml"
    text = cfg.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("catalog:"))
    cfg.write_text(text.replace("catalog: minor-protection-2021", "catalog: nosuch"), encoding="utf-8")
    result = invoke("check", project, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"dossier.yaml:{line}：" in result.stderr
    assert "未知的指标体系 nosuch" in result.stderr and "minor-protection-2021" in result.stderr
    assert "键 catalog" in result.stderr


def test_init_in_a_place_that_cannot_hold_folders_is_a_plain_error(tmp_path):
    """``dossier init`` where no folder can be made (under /proc, a missing drive, a read-only share)
    answers exit 2 with the folder and a Chinese reason, not 内部错误 (exit 3), and creates nothing.
    This test ensures that a bad target for init is treated as the clerk's mistake it is."""
    result = invoke("init", "/proc/dossier-县")
    assert result.exit_code == 2
    assert "无法创建文件夹 /proc/dossier-县" in result.stderr and "内部错误" not in result.stderr
    assert "Traceback" not in result.output


def test_boolean_key_error_does_not_suggest_a_value_it_refuses(tmp_path):
    """``ocr: 否`` is refused (exit 2, line and key named) with a message asking for true or false; it must
    not say 应为是/否 while refusing 否.
    This test ensures that the wrong-type message tells the clerk a value that is actually accepted."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    cfg = project / "dossier.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "ocr: 否\n", encoding="utf-8")
    result = invoke("check", project)
    assert result.exit_code == 2
    assert "键 ocr" in result.stderr and "true 或 false" in result.stderr
    assert "应为是/否" not in result.stderr
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("ocr: 否", "ocr: false"), encoding="utf-8")
    assert invoke("check", project).exit_code == 1  # accepted: only the gaps remain


def test_check_output_never_lands_on_evidence_settings_or_manifest(tmp_path):
    """``dossier check -o`` aimed at the evidence folder, a register, dossier.yaml or 材料清单.xlsx is refused
    with exit 2 and leaves those files byte for byte as they were; 输出/ or a path outside the project works.
    This test ensures that an explicit output path can never modify or add evidence (CONTRACT.md §6)."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    manifest = project / "材料清单.xlsx"
    before = {p: p.read_bytes() for p in (manifest, project / "dossier.yaml", project / "台账" / "培训台账.xlsx")}
    for target, fmt in ((project / "材料" / "检查.json", "json"), (manifest, "xlsx"),
                        (project / "dossier.yaml", "terminal"), (project / "台账" / "培训台账.xlsx", "xlsx"),
                        (project / "材料" / ".." / "材料" / "报告.html", "html")):
        result = invoke("check", project, "--format", fmt, "-o", target)
        assert result.exit_code == 2, (target, result.output)
        assert "不能把检查结果写到" in result.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert not (project / "材料" / "检查.json").exists() and not (project / "材料" / "报告.html").exists()
    assert invoke("check", project, "--format", "json", "-o", project / "输出" / "检查.json").exit_code == 1
    assert (project / "输出" / "检查.json").read_text(encoding="utf-8").startswith("{")
    assert invoke("check", project, "--format", "json", "-o", tmp_path / "外面.json").exit_code == 1


def test_output_folder_that_is_a_file_is_explained_in_chinese(tmp_path):
    """When 输出 is a file (a clerk saved something under that name), ``dossier index`` cannot
    keep its index there: exit 2 and a Chinese reason naming the cause, with no English system
    text. This test ensures that the clerk is told what to move, in words they read."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    import shutil

    shutil.rmtree(project / "输出", ignore_errors=True)
    (project / "输出").write_text("不是文件夹", encoding="utf-8")
    result = invoke("index", project)
    assert result.exit_code == 2
    assert "输出 是一个文件" in result.output
    assert "Not a directory" not in result.output
