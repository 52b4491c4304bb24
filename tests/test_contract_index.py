"""CONTRACT.md §4 + §8: a register proving standards by its rows is an evidence file in ``index --format json``."""

from __future__ import annotations

import json

import openpyxl

from cli_runner import invoke


def test_training_register_is_listed_by_index_json_like_by_check(tmp_path):
    """台账/培训台账.xlsx with a 儿童主任 row and a 强制报告责任人员 row, named by no manifest row, is evidence for
    11.2.1 and 11.2.2: ``dossier index --format json`` lists it (path, assigned, status ok) exactly as
    ``dossier check --format json`` lists it among its files.
    This test ensures that both reports agree on which files are evidence."""
    project = tmp_path / "县"
    assert invoke("init", project).exit_code == 0
    register = project / "台账" / "培训台账.xlsx"
    wb = openpyxl.load_workbook(register)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    for r, person in enumerate(({"姓名": "陆某", "岗位": "儿童主任", "所属单位": "城关镇", "任职日期": "2021-03-01",
                                 "培训日期": "2021-04-10", "培训名称": "入职培训", "总课时": 8, "儿童社会工作课时": 4},
                                {"姓名": "韦某", "岗位": "强制报告责任人员", "所属单位": "县人民医院", "任职日期": "2019-05-01",
                                 "培训日期": "2020-06-01", "培训名称": "强制报告培训", "总课时": 2,
                                 "儿童社会工作课时": 0}), start=2):
        for c, header in enumerate(headers, start=1):
            ws.cell(r, c).value = person.get(header)
    wb.save(register)

    index = invoke("index", project, "--format", "json")
    assert index.exit_code == 0, index.output
    listed = {f["path"]: f for f in json.loads(index.stdout)["files"]}
    assert listed["台账/培训台账.xlsx"]["assigned"] == ["11.2.1", "11.2.2"]
    assert listed["台账/培训台账.xlsx"]["status"] == "ok" and listed["台账/培训台账.xlsx"]["date"] is None

    check = json.loads(invoke("check", project, "--format", "json").stdout)
    assert {f["path"]: f["assigned"] for f in check["files"]} == {p: f["assigned"] for p, f in listed.items()}
