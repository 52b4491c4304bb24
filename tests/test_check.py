"""check.evaluate: every standard's status per CONTRACT.md §5, at each rule's boundary.

Projects are real dossier.yaml files loaded by dossier.project; the index results
(EvidenceFile, Assignment) are built directly, as the indexer would return them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.check import evaluate
from dossier.errors import ConfigError
from dossier.records import Assignment, EvidenceFile, ManifestProblem

D = dt.date


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def make_project(tmp_path, *, period=("2020-01-01", "2021-09-30"), population=350000, units=None,
                 incidents=(), application_date="2021-10-25"):
    lines = ["catalog: minor-protection-2021", f"application_date: {application_date}"]
    if period:
        lines.append(f"period: {{start: {period[0]}, end: {period[1]}}}")
    if population is not None:
        lines.append(f"population: {population}")
    if units:
        lines.append("units:")
        lines += [f"  {k}: [{', '.join(v)}]" for k, v in units.items()]
    if incidents:
        lines.append("incidents:")
        lines += [f"  - {{item: {i}, date: {d}, summary: {s}}}" for i, d, s in incidents]
    (tmp_path / "dossier.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project_lib.load(tmp_path)


class Evidence:
    """Index results for a few files: ``add`` one file assigned to some standards."""

    def __init__(self):
        self.files: list[EvidenceFile] = []
        self.assignments: list[Assignment] = []

    def add(self, name, ids, *, kind="其他", date=None, unit=None, error=None, source="manifest"):
        path = f"材料/{name}"
        if all(f.path != path for f in self.files):
            self.files.append(EvidenceFile(path=path, sha256="0" * 64, size=100, mtime=0.0, format="pdf",
                                           title=name, kind=kind, date=date, error=error))
        for i in ids.split():
            self.assignments.append(Assignment(path, i, source, unit=unit))
        return path


def run(cat, project, ev, problems=()):
    return evaluate(cat, project, ev.files, ev.assignments, list(problems), registers_root=project.root)


def codes(finding):
    return [p.code for p in finding.problems]


def messages(finding):
    return [p.message for p in finding.problems]


# --------------------------------------------------------------------------- statuses


def test_every_item_in_catalog_order_and_missing_without_evidence(tmp_path, cat):
    """A project with no evidence gets a finding for every standard and N-item in catalog
    order; standards are missing (8.2.2 applies at 350,000) and N-items undeclared.
    This test ensures that the report is complete and an empty folder is not called met."""
    report = run(cat, make_project(tmp_path), Evidence())
    assert [f.id for f in report.findings] == list(cat.ids())
    assert len(report.findings) == 83
    assert report.summary == {"met": 0, "partial": 0, "missing": 76, "not_applicable": 0,
                              "declared": 0, "undeclared": 7, "violated": 0}
    assert report.eligible and not report.all_good
    assert codes(report.finding("1.1.1")) == ["no-evidence"]


def test_presence_standard_met_with_one_usable_file(tmp_path, cat):
    """1.1.1 has no quantitative rule: one readable file assigned makes it met.
    This test ensures that presence alone satisfies a standard without rules."""
    ev = Evidence()
    path = ev.add("学习记录.pdf", "1.1.1", kind="活动记录", date=D(2021, 4, 1))
    f = run(cat, make_project(tmp_path), ev).finding("1.1.1")
    assert f.status == "met" and f.evidence == (path,) and not f.problems


def test_unreadable_file_does_not_count(tmp_path, cat):
    """A corrupt file assigned to 1.1.1 leaves it partial (no-usable-evidence) and is
    listed in files with its reason and the ID. This test ensures that an unreadable
    file never makes a standard met and is still reported."""
    ev = Evidence()
    path = ev.add("坏文件.pdf", "1.1.1", error="文件已损坏，无法打开")
    report = run(cat, make_project(tmp_path), ev)
    f = report.finding("1.1.1")
    assert f.status == "partial" and codes(f) == ["no-usable-evidence"]
    assert path in f.problems[0].message
    fr = next(x for x in report.files if x.path == path)
    assert (fr.status, fr.message, fr.assigned) == ("error", "文件已损坏，无法打开", ("1.1.1",))
    assert not report.all_good


def test_file_assigned_twice_counts_once(tmp_path, cat):
    """The same meeting minutes assigned by name and by manifest count as one, so one
    more is still needed in 2021. This test ensures that duplicates do not inflate counts."""
    ev = Evidence()
    ev.add("纪要1.pdf", "2.1.3", kind="会议纪要", date=D(2021, 3, 1), source="name")
    ev.add("纪要1.pdf", "2.1.3", kind="会议纪要", date=D(2021, 3, 1), source="manifest")
    f = run(cat, make_project(tmp_path, period=("2021-01-01", "2021-12-31")), ev).finding("2.1.3")
    assert f.evidence == ("材料/纪要1.pdf",)
    assert messages(f) == ["2021年仅1份会议纪要，需至少2份"]


def test_manifest_kind_overrides_file_kind(tmp_path, cat):
    """A manifest row saying 会议纪要 makes a file the indexer guessed as 其他 count.
    This test ensures that manifest columns override the file's own facts."""
    ev = Evidence()
    for day in (D(2021, 3, 1), D(2021, 9, 1)):
        path = f"材料/{day}.pdf"
        ev.files.append(EvidenceFile(path, "0", 1, 0.0, "pdf", kind="其他", date=day))
        ev.assignments.append(Assignment(path, "2.1.3", "manifest", row=2, kind="会议纪要"))
    f = run(cat, make_project(tmp_path, period=("2021-01-01", "2021-12-31")), ev).finding("2.1.3")
    assert f.status == "met"


def test_bad_manifest_rows_are_carried_and_block_all_good(tmp_path, cat):
    """Manifest problems from the index are reported as given. This test ensures that a
    bad manifest row reaches the report (and so exit 1)."""
    bad = ManifestProblem("材料清单.xlsx", 7, "未知指标编号 2.1.9，相近的有效编号：2.1.1")
    report = run(cat, make_project(tmp_path), Evidence(), [bad])
    assert report.manifest == (bad,) and not report.all_good


# --------------------------------------------------------------------------- count per period


def meetings(ev, *days, ids="2.1.3", kind="会议纪要", unit=None):
    for i, day in enumerate(days):
        ev.add(f"纪要{unit or ''}{i}-{day}.pdf", ids, kind=kind, date=day, unit=unit)


def test_two_meetings_a_year_met_one_partial(tmp_path, cat):
    """2.1.3: exactly 2 meeting minutes in each year of 2020-01-01…2021-09-30 is met; with
    only 1 in 2021 it is partial with "2021年仅1份会议纪要，需至少2份".
    This test ensures the ≥2-per-year boundary and its message."""
    project = make_project(tmp_path)
    ev = Evidence()
    meetings(ev, D(2020, 3, 1), D(2020, 11, 30), D(2021, 2, 1), D(2021, 9, 30))
    assert run(cat, project, ev).finding("2.1.3").status == "met"
    ev = Evidence()
    meetings(ev, D(2020, 3, 1), D(2020, 11, 30), D(2021, 2, 1))
    f = run(cat, project, ev).finding("2.1.3")
    assert f.status == "partial"
    assert f.problems[0].code == "too-few-per-year"
    assert messages(f) == ["2021年仅1份会议纪要，需至少2份"]


def test_year_overlapped_by_exactly_half_counts(tmp_path, cat):
    """Period 2020-07-01…2021-07-02 overlaps 2021 by 183 of 365 days (≥ half): 2021 needs two
    meetings. Ending 2021-07-01 (182 days) 2021 is not a year of the period. 2020 (184 of
    366 days) counts both times. This test ensures the "at least half of its days" rule."""
    ev = Evidence()
    meetings(ev, D(2020, 8, 1), D(2020, 9, 1), D(2021, 3, 1))
    f = run(cat, make_project(tmp_path, period=("2020-07-01", "2021-07-02")), ev).finding("2.1.3")
    assert messages(f) == ["2021年仅1份会议纪要，需至少2份"]
    f = run(cat, make_project(tmp_path, period=("2020-07-01", "2021-07-01")), ev).finding("2.1.3")
    assert f.status == "met"


def test_only_meeting_minutes_count(tmp_path, cat):
    """2.1.3 names 会议纪要: a 制度文件 dated inside the year does not count toward it.
    This test ensures that rules naming a kind filter by kind."""
    ev = Evidence()
    meetings(ev, D(2021, 3, 1))
    ev.add("制度.pdf", "2.1.3", kind="制度文件", date=D(2021, 4, 1))
    f = run(cat, make_project(tmp_path, period=("2021-01-01", "2021-12-31")), ev).finding("2.1.3")
    assert messages(f) == ["2021年仅1份会议纪要，需至少2份"]


def test_quarter_without_activity(tmp_path, cat):
    """4.1.2 over 2021-01-01…2021-09-30 with activities in Q1 and Q3 only reports
    "2021年第2季度没有活动记录，需至少1份". This test ensures the per-quarter rule."""
    ev = Evidence()
    meetings(ev, D(2021, 1, 15), D(2021, 9, 30), ids="4.1.2", kind="活动记录")
    f = run(cat, make_project(tmp_path, period=("2021-01-01", "2021-09-30")), ev).finding("4.1.2")
    assert f.status == "partial"
    assert [(p.code, p.message) for p in f.problems] == [
        ("too-few-per-quarter", "2021年第2季度没有活动记录，需至少1份")]


def test_evidence_outside_period_not_counted(tmp_path, cat):
    """Meetings dated 2019 and 2021-10-01 fall outside 2020-01-01…2021-09-30: they do not
    count toward 2.1.3 and each is listed as an outside-period warning.
    This test ensures that out-of-period evidence never fills a period rule."""
    ev = Evidence()
    meetings(ev, D(2019, 12, 31), D(2020, 3, 1), D(2020, 4, 1), D(2021, 3, 1), D(2021, 10, 1))
    f = run(cat, make_project(tmp_path), ev).finding("2.1.3")
    assert messages(f) == ["2021年仅1份会议纪要，需至少2份"]
    outside = [w.message for w in f.warnings if w.code == "outside-period"]
    assert len(outside) == 2 and any("2019-12-31" in m for m in outside)


def test_undated_evidence_counts_for_presence_only(tmp_path, cat):
    """An undated file makes 1.1.1 met with an undated-evidence warning, but the same
    undated minutes do not count toward 2.1.3's yearly meetings.
    This test ensures that undated evidence is a warning and never a count."""
    ev = Evidence()
    path = ev.add("无日期.pdf", "1.1.1 2.1.3", kind="会议纪要", date=None)
    report = run(cat, make_project(tmp_path, period=("2021-01-01", "2021-12-31")), ev)
    f = report.finding("1.1.1")
    assert f.status == "met" and [w.code for w in f.warnings] == ["undated-evidence"]
    assert path in f.warnings[0].message
    g = report.finding("2.1.3")
    assert messages(g) == ["2021年没有会议纪要，需至少2份"]
    assert "undated-evidence" in [w.code for w in g.warnings]


def test_period_missing_is_a_problem(tmp_path, cat):
    """Without period, 2.1.3 cannot be counted per year and says so.
    This test ensures that a missing period is reported, not silently passed."""
    ev = Evidence()
    meetings(ev, D(2021, 3, 1), D(2021, 4, 1))
    f = run(cat, make_project(tmp_path, period=None), ev).finding("2.1.3")
    assert f.status == "partial" and codes(f) == ["period-missing"]


# --------------------------------------------------------------------------- per unit, coverage


def test_two_meetings_per_township_per_year(tmp_path, cat):
    """2.1.7 over 2021 with 城关镇 holding 2 meetings and 大坡镇 1 reports only 大坡镇.
    This test ensures the per-unit per-year count and its message."""
    project = make_project(tmp_path, period=("2021-01-01", "2021-12-31"), units={"townships": ["城关镇", "大坡镇"]})
    ev = Evidence()
    meetings(ev, D(2021, 3, 1), D(2021, 6, 1), ids="2.1.7", unit="城关镇")
    meetings(ev, D(2021, 3, 1), ids="2.1.7", unit="大坡镇")
    f = run(cat, project, ev).finding("2.1.7")
    assert [(p.code, p.message) for p in f.problems] == [
        ("unit-too-few-per-year", "大坡镇2021年仅1份会议纪要，需至少2份")]
    meetings(ev, D(2021, 12, 31), ids="2.1.7", unit="大坡镇")
    assert run(cat, project, ev).finding("2.1.7").status == "met"


def test_coverage_exactly_half_passes(tmp_path, cat):
    """10.1.2 needs ≥50% of townships: 2 of 4 passes; 1 of 3 is partial with
    "大坡镇、六景镇未见工作站材料（1/3，需≥50%）". The 主体 matches after trimming and
    full-width folding. This test ensures the coverage boundary and message."""
    ev = Evidence()
    ev.add("城关镇工作站.pdf", "10.1.2", unit=" 城关镇 ")
    ev.add("大坡镇工作站.pdf", "10.1.2", unit="大坡镇")
    four = make_project(tmp_path, units={"townships": ["城关镇", "大坡镇", "六景镇", "新圩镇"]})
    assert run(cat, four, ev).finding("10.1.2").status == "met"
    ev = Evidence()
    ev.add("城关镇工作站.pdf", "10.1.2", unit="城关镇")
    three = make_project(tmp_path, units={"townships": ["城关镇", "大坡镇", "六景镇"]})
    f = run(cat, three, ev).finding("10.1.2")
    assert f.status == "partial"
    assert [(p.code, p.message) for p in f.problems] == [
        ("coverage-below", "大坡镇、六景镇未见工作站材料（1/3，需≥50%）")]


def test_coverage_ninety_percent(tmp_path, cat):
    """10.2.2 needs ≥90% of communities: 9 of 10 passes, 8 of 10 does not.
    This test ensures a non-half ratio is compared exactly."""
    names = [f"社区{i}" for i in range(10)]
    project = make_project(tmp_path, units={"communities": names})
    ev = Evidence()
    for n in names[:9]:
        ev.add(f"{n}.jpg", "10.2.2", kind="照片", unit=n)
    assert run(cat, project, ev).finding("10.2.2").status == "met"
    ev = Evidence()
    for n in names[:8]:
        ev.add(f"{n}.jpg", "10.2.2", kind="照片", unit=n)
    f = run(cat, project, ev).finding("10.2.2")
    assert messages(f) == ["社区8、社区9未见关爱服务场所材料（8/10，需≥90%）"]


def test_every_school_needs_evidence(tmp_path, cat):
    """5.2.2 requires every school in units.schools: one of two is partial ("需全部").
    This test ensures a 100% roster rule."""
    project = make_project(tmp_path, units={"schools": ["一中", "二小"]})
    ev = Evidence()
    ev.add("一中社工.pdf", "5.2.2", unit="一中")
    f = run(cat, project, ev).finding("5.2.2")
    assert messages(f) == ["二小未见驻校社工和心理健康教育教师材料（1/2，需全部）"]


def test_roster_missing(tmp_path, cat):
    """11.1.3 with evidence but no units.communities is partial and names the key to fill.
    This test ensures a roster rule never passes without a roster."""
    ev = Evidence()
    ev.add("儿童主任名单.xlsx", "11.1.3", kind="工作台账", unit="城关社区")
    f = run(cat, make_project(tmp_path), ev).finding("11.1.3")
    assert f.status == "partial" and codes(f) == ["roster-missing"]
    assert "units.communities" in f.problems[0].message


def test_unit_not_in_roster_is_warned_and_not_counted(tmp_path, cat):
    """Evidence whose 主体 is not on the roster is a unit-not-in-roster warning and does
    not cover anyone. This test ensures misspelt units are visible, not silently counted."""
    ev = Evidence()
    ev.add("城关工作站.pdf", "10.1.2", unit="城关")
    f = run(cat, make_project(tmp_path, units={"townships": ["城关镇", "大坡镇"]}), ev).finding("10.1.2")
    assert messages(f) == ["城关镇、大坡镇未见工作站材料（0/2，需≥50%）"]
    warned = [w.message for w in f.warnings if w.code == "unit-not-in-roster"]
    assert len(warned) == 1 and "“城关”" in warned[0]


def test_two_distinct_organisations(tmp_path, cat):
    """10.3.1 needs two different organisations (主体): twice the same one is partial,
    two different ones are met. This test ensures distinct_units counts distinct names."""
    project = make_project(tmp_path)
    ev = Evidence()
    ev.add("协议1.pdf", "10.3.1", unit="阳光社工")
    ev.add("协议2.pdf", "10.3.1", unit="阳光社工 ")
    f = run(cat, project, ev).finding("10.3.1")
    assert codes(f) == ["too-few-units"] and "材料仅涉及1个社会组织（阳光社工）" in f.problems[0].message
    ev.add("协议3.pdf", "10.3.1", unit="启明服务中心")
    assert run(cat, project, ev).finding("10.3.1").status == "met"


# --------------------------------------------------------------------------- applicability


@pytest.mark.parametrize("population,status", [(300000, "not_applicable"), (300001, "missing")])
def test_special_education_applies_above_300000(tmp_path, cat, population, status):
    """8.2.2 applies only when population > 300,000. This test ensures the boundary."""
    f = run(cat, make_project(tmp_path, population=population), Evidence()).finding("8.2.2")
    assert f.status == status


def test_condition_unknown_population_is_checked(tmp_path, cat):
    """Without population 8.2.2 is checked (missing) with a warning saying why.
    This test ensures an unknown condition is not treated as not applicable."""
    f = run(cat, make_project(tmp_path, population=None), Evidence()).finding("8.2.2")
    assert f.status == "missing" and [w.code for w in f.warnings] == ["condition-unknown"]


# --------------------------------------------------------------------------- negative list


@pytest.mark.parametrize("day,status", [("2019-10-25", "violated"), ("2021-10-25", "violated"),
                                        ("2019-10-24", "declared"), ("2021-10-26", "declared")])
def test_incident_window_both_ends_inclusive(tmp_path, cat, day, status):
    """Application 2021-10-25 looks back to 2019-10-25: incidents on either end day make N4
    violated and the applicant ineligible; one a day outside is ignored (N4 declared by its
    承诺书). This test ensures the 2-year look-back boundaries."""
    ev = Evidence()
    ev.add("承诺书.pdf", "N4", kind="承诺书", date=D(2021, 10, 20))
    report = run(cat, make_project(tmp_path, incidents=[("N4", day, "某事件")]), ev)
    f = report.finding("N4")
    assert f.status == status
    assert report.eligible is (status != "violated")
    if status == "violated":
        assert codes(f) == ["incident-in-window"]
        assert day in f.problems[0].message and "2019-10-25 至 2021-10-25" in f.problems[0].message


def test_declaration_needs_commitment_kind(tmp_path, cat):
    """N1 with a 制度文件 but no 承诺书 is undeclared (no-declaration).
    This test ensures only a 承诺书 declares a negative-list item."""
    ev = Evidence()
    ev.add("制度.pdf", "N1", kind="制度文件", date=D(2021, 1, 1))
    f = run(cat, make_project(tmp_path), ev).finding("N1")
    assert f.status == "undeclared" and codes(f) == ["no-declaration"]


def test_incident_for_item_not_in_catalog_is_config_error(tmp_path):
    """A catalog with only N1–N2 and an incident naming N5 stops with ConfigError (exit 2)
    naming the key. This test ensures incidents are checked against the catalog."""
    import yaml

    data = yaml.safe_load(catalog_lib.resolve("minor-protection-2021").read_text(encoding="utf-8"))
    data["negative_list"]["items"] = data["negative_list"]["items"][:2]
    small = catalog_lib.build(data)
    project = make_project(tmp_path, incidents=[("N5", "2021-01-01", "某事件")])
    with pytest.raises(ConfigError) as e:
        evaluate(small, project, [], [], [], registers_root=tmp_path)
    assert e.value.exit_code == 2 and "N5" in e.value.message and "incidents" in e.value.message


def test_all_good_when_everything_is_met(tmp_path):
    """A one-standard catalog with its evidence, and its N-item declared, is all good.
    This test ensures all_good (exit 0) is reachable."""
    small = catalog_lib.build({
        "id": "tiny", "name": "小指标体系",
        "categories": [{"name": "甲", "subitems": [{"name": "乙", "standards": [
            {"text": "每年至少一次会议", "short": "会议", "kinds": ["会议纪要"],
             "rules": [{"type": "count_per_period", "period": "year", "min": 1, "kind": "会议纪要"}]}]}]}],
        "negative_list": {"items": [{"text": "无事故", "short": "无事故",
                                     "rules": [{"type": "incident_lookback", "years": 2},
                                               {"type": "declaration", "kind": "承诺书"}]}]}})
    ev = Evidence()
    ev.add("纪要.pdf", "1.1.1", kind="会议纪要", date=D(2021, 5, 1))
    ev.add("承诺书.pdf", "N1", kind="承诺书", date=D(2021, 10, 1))
    report = run(small, make_project(tmp_path, period=("2021-01-01", "2021-12-31")), ev)
    assert [f.status for f in report.findings] == ["met", "declared"]
    assert report.all_good


def test_unit_taken_from_path_when_no_unit_column(tmp_path, cat):
    """Without 主体, a file under 材料/…/大坡镇/ counts for 大坡镇; a file naming two townships
    counts for neither and is warned about. This test ensures folder-organised evidence
    covers units without a manifest, but never by guessing between two."""
    project = make_project(tmp_path, units={"townships": ["城关镇", "大坡镇", "六景镇"]})
    ev = Evidence()
    ev.add("10.1.2 工作站/大坡镇/挂牌.jpg", "10.1.2", kind="照片")
    ev.add("城关镇六景镇联合工作站.pdf", "10.1.2")
    f = run(cat, project, ev).finding("10.1.2")
    assert messages(f) == ["城关镇、六景镇未见工作站材料（1/3，需≥50%）"]
    assert [w.code for w in f.warnings if w.code == "no-unit"] == ["no-unit"]
