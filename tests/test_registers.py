"""Registers (台账): reading 培训台账.xlsx and 从业查询台账.xlsx, and the rules over them
(11.2.1/11.2.2 training timing and hours; 3.3.1's 30 working days). Registers are real
.xlsx files written with openpyxl inside each test."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.check import evaluate
from dossier.registers import load_training_register, read_sheet

D = dt.date
HEADERS = ["姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时"]


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def write_xlsx(path, headers, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def project_with(tmp_path, rows, *, period=("2020-01-01", "2021-09-30"), application_date="2021-10-25"):
    (tmp_path / "dossier.yaml").write_text(
        f"catalog: minor-protection-2021\napplication_date: {application_date}\n"
        f"period: {{start: {period[0]}, end: {period[1]}}}\npopulation: 350000\n", encoding="utf-8")
    if rows is not None:
        write_xlsx(tmp_path / "台账" / "培训台账.xlsx", HEADERS, rows)
    return project_lib.load(tmp_path)


def check(cat, project):
    return evaluate(cat, project, [], [], [], registers_root=project.root)


def problems(finding, code=None):
    return [p.message for p in finding.problems if code is None or p.code == code]


# --------------------------------------------------------------------------- reading


def test_reads_date_cells_date_strings_and_reports_bad_rows(tmp_path):
    """Excel date cells, 2021年3月1日 and 2021/3/1 strings all read as dates; a blank row is
    ignored; an impossible date and an empty name are reported with their spreadsheet row
    numbers and skipped. This test ensures that the register reader never drops rows silently."""
    rows = [
        ["李某", "儿童主任", "城关社区", dt.datetime(2021, 3, 1), "2021年3月20日", "入职培训", 8, 4],
        [None] * 8,
        ["王某", "儿童督导员", "城关镇", "2020/1/5", dt.datetime(2020, 2, 1), "培训", "6课时", "3"],
        ["赵某", "儿童主任", "大坡村", "2021-13-01", "2021-04-01", "培训", 8, 4],
        [None, "儿童主任", "六景村", "2021-02-01", "2021-04-01", "培训", 8, 4],
    ]
    write_xlsx(tmp_path / "台账" / "培训台账.xlsx", HEADERS, rows)
    reg = load_training_register(tmp_path)
    assert [(r.row, r.name, r.appointed, r.trained) for r in reg.records] == [
        (2, "李某", D(2021, 3, 1), D(2021, 3, 20)), (4, "王某", D(2020, 1, 5), D(2020, 2, 1))]
    assert reg.records[1].total_hours == 6 and reg.records[1].child_hours == 3
    assert [(p.source, p.row) for p in reg.problems] == [("台账/培训台账.xlsx", 5), ("台账/培训台账.xlsx", 6)]
    assert "任职日期“2021-13-01”不是有效日期" in reg.problems[0].message
    assert "姓名为空" in reg.problems[1].message


def test_missing_header_is_one_problem(tmp_path):
    """A register without a 培训日期 column is reported once (row 1) naming the header.
    This test ensures that a wrong template is explained instead of producing empty results."""
    write_xlsx(tmp_path / "台账" / "培训台账.xlsx", ["姓名", "岗位", "任职日期"], [["李某", "儿童主任", "2021-01-01"]])
    reg = load_training_register(tmp_path)
    assert reg.records == () and len(reg.problems) == 1
    assert reg.problems[0].row == 1 and "培训日期" in reg.problems[0].message


def test_corrupt_register_is_reported(tmp_path):
    """A register that is not a spreadsheet yields a readable error, not an exception.
    This test ensures that a broken 台账 never stops the check."""
    (tmp_path / "台账").mkdir()
    (tmp_path / "台账" / "培训台账.xlsx").write_bytes(b"not a zip at all")
    sheet = read_sheet(tmp_path, "台账/培训台账.xlsx")
    assert sheet.found and sheet.error and "无法读取" in sheet.error


# --------------------------------------------------------------------------- training rules


def test_register_alone_is_evidence_for_its_roles(tmp_path, cat):
    """With only 儿童主任 rows the register proves 11.2.1 (met, listed in evidence and in
    files) and 11.2.2 stays missing. This test ensures that the register counts as evidence
    without a manifest row, only for the standard whose roles it holds."""
    project = project_with(tmp_path, [["李某", "儿童主任", "城关社区", "2019-05-01", "2020-05-01", "轮训", 8, 4],
                                      ["李某", "儿童主任", "城关社区", "2019-05-01", "2021-05-01", "轮训", 8, 4]])
    report = check(cat, project)
    f = report.finding("11.2.1")
    assert f.status == "met" and f.evidence == ("台账/培训台账.xlsx",)
    assert report.finding("11.2.2").status == "missing"
    reg = next(x for x in report.files if x.path == "台账/培训台账.xlsx")
    assert reg.status == "ok" and reg.assigned == ("11.2.1",)


@pytest.mark.parametrize("trained,ok", [("2021-06-01", True), ("2021-06-02", False)])
def test_onboarding_within_three_calendar_months(tmp_path, cat, trained, ok):
    """Appointed 2021-03-01: training on 2021-06-01 is in time, 2021-06-02 is late with
    "李某 2021-03-01 任职，2021-06-02 才参加入职培训，超过3个月".
    This test ensures that the 3-calendar-month boundary is inclusive."""
    project = project_with(tmp_path, [["李某", "儿童督导员", "城关镇", "2021-03-01", trained, "入职培训", 10, 5]])
    f = check(cat, project).finding("11.2.1")
    if ok:
        assert f.status == "met", f.problems
    else:
        assert f.status == "partial"
        assert problems(f, "onboarding-late") == ["李某 2021-03-01 任职，2021-06-02 才参加入职培训，超过3个月"]


def test_onboarding_missing_and_pending(tmp_path, cat):
    """Appointed 2021-03-01 without any training is onboarding-missing; appointed
    2021-09-01 (deadline 2021-12-01, after the application date) is only a pending warning.
    This test ensures that a deadline not yet reached is not reported as a failure."""
    project = project_with(tmp_path, [["李某", "儿童主任", "甲村", "2021-03-01", None, None, None, None],
                                      ["王某", "儿童主任", "乙村", "2021-09-01", None, None, None, None]])
    f = check(cat, project).finding("11.2.1")
    assert problems(f, "onboarding-missing") == ["李某 2021-03-01 任职，未见入职培训记录（应不晚于 2021-06-01）"]
    assert [w.code for w in f.warnings] == ["onboarding-pending"]


def test_yearly_training_missing(tmp_path, cat):
    """Appointed 2019: trained in 2020 but not in 2021 (a year of 2020-01-01…2021-09-30).
    Appointed 2021-02-01 and trained once that year: no yearly duty until 2022.
    This test ensures that the every-year-after-appointment rule is checked."""
    project = project_with(tmp_path, [["李某", "儿童主任", "甲村", "2019-05-01", "2020-06-01", "轮训", 8, 4],
                                      ["王某", "儿童主任", "乙村", "2021-02-01", "2021-03-01", "入职", 8, 4]])
    f = check(cat, project).finding("11.2.1")
    assert [(p.code, p.message) for p in f.problems] == [
        ("yearly-training-missing", "李某 2021年未参加轮训，需每年至少轮训1次")]


@pytest.mark.parametrize("child,ok", [(4, True), (3.5, False)])
def test_child_hours_exactly_half_passes(tmp_path, cat, child, ok):
    """11.2.1: 4 of 8 hours (exactly 50%) passes; 3.5 of 8 fails with child-hours-low.
    11.2.2 has no hours rule, so the same row passes there.
    This test ensures that the ≥50% boundary holds and only the rule naming it applies it."""
    rows = [["李某", "儿童主任", "甲村", "2019-05-01", "2020-06-01", "轮训", 8, 4],
            ["李某", "儿童主任", "甲村", "2019-05-01", "2021-06-01", "轮训", 8, child],
            ["张某", "强制报告责任人员", "一中", "2019-05-01", "2020-06-01", "强制报告培训", 8, 0],
            ["张某", "强制报告责任人员", "一中", "2019-05-01", "2021-06-01", "强制报告培训", 8, 0]]
    report = check(cat, project_with(tmp_path, rows))
    f = report.finding("11.2.1")
    if ok:
        assert f.status == "met", f.problems
    else:
        assert problems(f, "child-hours-low") == ["李某 2021-06-01 培训（轮训）儿童社会工作课时 3.5/8（43.75%），需≥50%"]
    assert report.finding("11.2.2").status == "met"


def test_bad_register_row_reaches_report(tmp_path, cat):
    """A register row with an unreadable 培训日期 is in the report's bad-row list with its
    row number. This test ensures that register mistakes make the check exit 1."""
    project = project_with(tmp_path, [["李某", "儿童主任", "甲村", "2019-05-01", "去年", "轮训", 8, 4]])
    report = check(cat, project)
    assert [(m.source, m.row) for m in report.manifest] == [("台账/培训台账.xlsx", 2)]
    assert not report.all_good


def test_register_missing_with_other_evidence(tmp_path, cat):
    """11.2.1 proven by a training PDF but with no register is partial (register-missing).
    This test ensures that the timing rules are never assumed to hold without the register."""
    from dossier.records import Assignment, EvidenceFile

    project = project_with(tmp_path, None)
    f = EvidenceFile("材料/培训通知.pdf", "0", 1, 0.0, "pdf", kind="培训记录", date=D(2021, 5, 1))
    report = evaluate(cat, project, [f], [Assignment(f.path, "11.2.1", "manifest")], [], registers_root=tmp_path)
    g = report.finding("11.2.1")
    assert g.status == "partial" and [p.code for p in g.problems] == ["register-missing"]


# --------------------------------------------------------------------------- 30 working days


def test_thirty_working_days_extended_by_national_day(tmp_path, cat):
    """3.3.1: a result received 2021-09-20 allows 30 working days; 国庆 (10-01…10-07, with
    the make-up Saturdays 9-26 and 10-09) pushes the deadline to 2021-11-05, so dismissal on
    2021-11-04 (past a naive 30-weekday count, 2021-11-01) is in time and 2021-11-08 is late.
    Rows without a record (无) are not checked. This test ensures that the official holiday
    calendar is used for 工作日."""
    (tmp_path / "dossier.yaml").write_text(
        "application_date: 2021-12-01\nperiod: {start: 2020-01-01, end: 2021-11-30}\n", encoding="utf-8")
    write_xlsx(tmp_path / "台账" / "从业查询台账.xlsx", ["姓名", "有无违法犯罪记录", "查询结果日期", "解除日期"],
               [["甲", "有", "2021-09-20", "2021-11-04"],
                ["乙", "有", "2021-09-20", "2021-11-08"],
                ["丙", "无", "2021-09-20", None]])
    f = check(cat, project_lib.load(tmp_path)).finding("3.3.1")
    assert problems(f, "deadline-exceeded") == [
        "第3行 乙：查询结果日期 2021-09-20，解除日期 2021-11-08，超过30个工作日（应不晚于 2021-11-05）"]
