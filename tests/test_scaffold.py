"""`dossier init`: a project a clerk can fill in Excel (CONTRACT §2)."""

from __future__ import annotations

from openpyxl import load_workbook

from dossier import project


def test_init_creates_a_loadable_project(tmp_path, cli):
    """This test ensures that `dossier init DIR` writes the contract's skeleton and a dossier.yaml that loads."""
    target = tmp_path / "某某县"
    r = cli("init", target)
    assert r.exit_code == 0, r.output
    for name in ("dossier.yaml", "材料", "台账", "材料清单.xlsx", "台账/培训台账.xlsx"):
        assert (target / name).exists(), name
    text = (target / "dossier.yaml").read_text(encoding="utf-8")
    assert "# " in text and "period:" in text and "request:" in text
    p = project.load(target)
    assert p.catalog == "minor-protection-2021" and p.units["townships"] == ("城关镇", "大坡镇", "六景镇")


def test_manifest_template_offers_every_id(tmp_path, cli):
    """This test ensures that the manifest template's 指标编号 column has a dropdown (Excel data validation) over all
    83 valid IDs, 材料类型 a dropdown of the nine kinds, and a second sheet listing the catalog."""
    cli("init", tmp_path / "p")
    wb = load_workbook(tmp_path / "p" / "材料清单.xlsx")
    ws = wb["材料清单"]
    assert [c.value for c in ws[1]] == ["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    ids = validations["A2:A501"]
    assert ids.type == "list" and ids.formula1 == "=指标体系!$A$2:$A$84"
    ref = wb["指标体系"]
    listed = [ref.cell(r, 1).value for r in range(2, 85)]
    assert listed[0] == "1.1.1" and "2.1.3" in listed and listed[-1] == "N7" and len(set(listed)) == 83
    assert ref.cell(2, 5).value.startswith("持续深入开展")
    kinds = validations["D2:D501"]
    assert kinds.formula1 == "=材料类型!$A$1:$A$9"
    assert [wb["材料类型"].cell(r, 1).value for r in range(1, 10)][-1] == "其他"
    reg = load_workbook(tmp_path / "p" / "台账" / "培训台账.xlsx").active
    assert [c.value for c in reg[1]] == ["姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时"]


def test_init_refuses_existing_project(tmp_path, cli):
    """This test ensures that init never overwrites an existing project's settings."""
    cli("init", tmp_path / "p")
    cfg = tmp_path / "p" / "dossier.yaml"
    cfg.write_text("catalog: minor-protection-2021\n", encoding="utf-8")
    r = cli("init", tmp_path / "p")
    assert r.exit_code == 2 and "已经是一个申报项目" in r.stderr
    assert cfg.read_text(encoding="utf-8") == "catalog: minor-protection-2021\n"
