"""Scheme knowledge as catalog data (issue 13 §1): 2–4 level IDs, conditions on declared
project facts, roster labels, custom kinds in the manifest, every validation error listed."""

from __future__ import annotations

import textwrap

import pytest

from dossier import assign
from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.check import evaluate
from dossier.records import Assignment, EvidenceFile
from dossier.rules import applies

TWO_LEVELS = """\
id: two-levels
name: 两级体系
numbering: {levels: 2, note: 项目序号.标准序号}
kinds: [制度文件, {name: 影像资料, match: [视频, 截图]}]
units:
  markets: {label: 农贸市场}
facts:
  is_minority_area: {label: 民族自治地方, type: boolean}
categories:
  - name: 组织领导
    standards:
      - {text: 成立领导小组。, short: 领导小组, kinds: [制度文件], score: 4}
      - {text: 民族地区专项。, short: 民族地区, applies_when: {key: is_minority_area, op: eq, value: true}, score: 6}
  - name: 宣传
    standards:
      - text: 每个农贸市场都有宣传视频。
        short: 市场宣传
        kinds: [影像资料]
        rules: [{type: unit_coverage, units: markets, min_ratio: 1.0, label: 宣传视频, kind: 影像资料}]
      - text: 每个摊区都有公示牌。
        short: 公示牌
        rules: [{type: unit_coverage, units: stalls, min_ratio: 1.0}]
"""

FOUR_LEVELS = """\
id: four-levels
name: 四级体系
categories:
  - name: 基础
    subitems:
      - name: 制度
        subitems:
          - name: 文件
            standards:
              - {text: 有文件。, short: 文件}
              - {text: 有方案。, short: 方案}
          - name: 会议
            standards:
              - {text: 有会议。, short: 会议}
"""


def load(tmp_path, text, name="c.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return catalog_lib.load(str(p))


def test_two_and_four_level_ids(tmp_path):
    """Standards straight under a category are numbered C.N; a sub-item holding sub-items
    gives C.S.G.N, the group keeping its section's name.
    This test ensures that IDs of 2 and 4 levels follow the order like the 3-level ones."""
    two = load(tmp_path, TWO_LEVELS)
    assert two.levels == 2 and [s.id for s in two.standards] == ["1.1", "1.2", "2.1", "2.2"]
    assert two.total_score == 10
    four = load(tmp_path, FOUR_LEVELS, "f.yaml")
    assert four.levels == 4 and [s.id for s in four.standards] == ["1.1.1.1", "1.1.1.2", "1.1.2.1"]
    assert four.subitem("1.1.2").name == "会议" and four.subitem("1.1.2").section == "制度"


def test_names_assign_by_the_catalogs_id_shape(tmp_path):
    """In a 2-level catalog ``1.2 民族/…`` assigns to 1.2, ``2021.10 纪要`` is a date, not an
    unknown ID, and a 3-level-looking name is no ID there.
    This test ensures that name assignment follows the catalog's numbering."""
    two = load(tmp_path, TWO_LEVELS)
    got, problems = assign.name_assignments(two, ["材料/1.2 民族/方案.pdf", "材料/2021.10 纪要.pdf",
                                                  "材料/9.9 错号/x.pdf"])
    assert [(a.path, a.indicator) for a in got] == [("材料/1.2 民族/方案.pdf", "1.2")]
    assert [p.source for p in problems] == ["材料/9.9 错号"]


def test_boolean_fact_and_roster_labels(tmp_path):
    """A project declares ``facts: {is_minority_area: false}``: the condition does not hold;
    a roster the catalog names is called by its label, one it does not is called 单位 — never
    by its English key.
    This test ensures that conditions and roster wording come from data."""
    cat = load(tmp_path, TWO_LEVELS)
    root = tmp_path / "p"
    (root / "材料").mkdir(parents=True)
    (root / "dossier.yaml").write_text(f"catalog: {tmp_path / 'c.yaml'}\nfacts: {{is_minority_area: false}}\n"
                                       "units: {markets: [东市场, 西市场]}\n", encoding="utf-8")
    project = project_lib.load(root)
    assert project.facts == {"is_minority_area": False}
    assert applies(cat.get("1.2").applies_when, project) is False
    files = [EvidenceFile(path="材料/2.1/东市场宣传视频.png", sha256="a", size=1, mtime=0, format="image",
                          title="东市场宣传视频", kind="照片")]
    report = evaluate(cat, project, files, [Assignment(files[0].path, "2.1", "name")], [], registers_root=root)
    assert report.finding("1.2").status == "not_applicable"
    assert [p.message for p in report.finding("2.1").problems] == ["西市场未见宣传视频材料（1/2，需全部）"]
    msg = report.finding("2.2").problems[-1].message
    assert "units.stalls（单位名单）" in msg and "stalls名单" not in msg


def test_custom_kind_accepted_in_the_manifest(tmp_path):
    """材料类型 影像资料 in a manifest row is valid for a catalog that declares it.
    This test ensures that the manifest accepts the scheme's own kinds."""
    cat = load(tmp_path, TWO_LEVELS)
    root = tmp_path / "p"
    (root / "材料").mkdir(parents=True)
    (root / "材料" / "v.png").write_bytes(b"x")
    (root / "dossier.yaml").write_text("catalog: minor-protection-2021\n", encoding="utf-8")
    (root / "材料清单.csv").write_text("指标编号,文件,材料类型\n2.1,材料/v.png,影像资料\n2.1,材料/v.png,录像带\n",
                                       encoding="utf-8")
    project = project_lib.load(root)
    from dossier import manifest

    rows, _ = manifest.read_manifests(root)
    resolved = assign.resolve_manifest(project, cat, rows)
    got, problems = resolved.assignments, resolved.problems
    assert [a.kind for a in got] == ["影像资料"]
    assert len(problems) == 1 and "录像带" in problems[0].message and "影像资料" in problems[0].message


@pytest.mark.parametrize("edit,words", [
    (("value: true}", "value: 1}"), "应为同一类型"),
    (("key: is_minority_area", "key: minority"), "没有在 facts 中声明"),
    (("levels: 2,", "levels: 3,"), "numbering.levels 写的是 3 级"),
    (("kinds: [影像资料]", "kinds: [录像]"), "录像"),
])
def test_semantic_errors_are_explained(tmp_path, cli, edit, words):
    """What the schema cannot say is still checked, with line and key.
    This test ensures that undeclared facts and kinds or a wrong level count are caught."""
    p = tmp_path / "c.yaml"
    p.write_text(TWO_LEVELS.replace(*edit), encoding="utf-8")
    r = cli("catalog", "validate", str(p))
    assert r.exit_code == 2 and words in r.stderr and f"{p}:" in r.stderr


def test_validate_lists_every_error(tmp_path, cli):
    """Three unrelated mistakes give three lines, each with file:line and key, and a count.
    This test ensures that a clerk sees all mistakes at once, not one per run."""
    bad = (TWO_LEVELS.replace("short: 领导小组", "shrt: 领导小组")
           .replace("min_ratio: 1.0, label: 宣传视频", "min_ratio: 2, label: 宣传视频")
           .replace("kinds: [影像资料]", "kinds: [录像]"))
    p = tmp_path / "c.yaml"
    p.write_text(bad, encoding="utf-8")
    r = cli("catalog", "validate", str(p))
    lines = [line for line in r.stderr.splitlines() if line.startswith(f"{p}:")]
    assert r.exit_code == 2 and len(lines) == 4, r.stderr  # shrt: unknown key + missing short
    assert any(":12：" in line and "shrt" in line for line in lines)
    assert any(":18：" in line and "录像" in line for line in lines)
    assert any(":19：" in line and "过大" in line for line in lines)
    assert "共 4 处错误" in r.stderr
