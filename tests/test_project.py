"""dossier.yaml: the settings a clerk writes, and the errors that name key and line (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from dossier import project
from dossier.errors import ConfigError

CONFIG = """\
catalog: minor-protection-2021
evidence_dir: 材料
applicant:
  name: 示范县人民政府
  contact: {name: 张三, title: 县民政局副局长, phone: 0771-1234567, mobile: "13800000000"}
application_date: 2021-10-25
period: {start: 2020-01-01, end: 2021-09-30}
population: 350000
units:
  townships: [城关镇, 大坡镇, 六景镇]
  communities: {file: 台账/村社区名单.xlsx}
narrative: 多年来我县高度重视未成年人保护工作。
self_assessment: 经自评，基本达到创建标准。
incidents:
  - {item: N4, date: 2021-05-01, summary: 某事件}
request:
  doc_number: 示政〔2021〕12号
  signer: 李某某
  to: 某某市民政局
"""


def make(tmp_path, text=CONFIG, roster=True):
    (tmp_path / "dossier.yaml").write_text(text, encoding="utf-8")
    if roster:
        (tmp_path / "台账").mkdir(exist_ok=True)
        wb = Workbook()
        ws = wb.active
        ws.append(["序号", "名称", "所属乡镇"])
        ws.append([1, "城关社区", "城关镇"])
        ws.append([None, None, None])
        ws.append([2, "  大坡村 ", "大坡镇"])
        wb.save(tmp_path / "台账" / "村社区名单.xlsx")
    return tmp_path


def test_loads_every_key(tmp_path):
    """This test ensures that every key of CONTRACT §2 is read, with defaults (request.issuer and date) applied and a
    roster file read from its 名称 column with blank rows ignored."""
    p = project.load(make(tmp_path))
    assert p.applicant == "示范县人民政府"
    assert p.contact.mobile == "13800000000" and p.contact.phone == "0771-1234567"
    assert p.application_date == dt.date(2021, 10, 25)
    assert (p.period_start, p.period_end) == (dt.date(2020, 1, 1), dt.date(2021, 9, 30))
    assert p.population == 350000
    assert p.units["townships"] == ("城关镇", "大坡镇", "六景镇")
    assert p.units["communities"] == ("城关社区", "大坡村")
    assert p.incidents[0].item == "N4" and p.incidents[0].date == dt.date(2021, 5, 1)
    assert p.request.issuer == "示范县人民政府" and p.request.date == dt.date(2021, 10, 25)
    assert p.narrative.startswith("多年来")
    assert p.output_dir == tmp_path / "输出"


def test_roster_without_name_column_uses_first_column(tmp_path):
    """This test ensures that a roster without a 名称 header falls back to its first column."""
    make(tmp_path)
    wb = Workbook()
    wb.active.append(["社区"])
    wb.active.append(["城关社区"])
    wb.save(tmp_path / "台账" / "村社区名单.xlsx")
    assert project.load(tmp_path).units["communities"] == ("城关社区",)


@pytest.mark.parametrize("change, line, key, words", [
    (("population: 350000", "population: 35万"), 8, "population", "应为整数"),
    (("evidence_dir: 材料", "evidence_dir: 材料\nevidnce: x"), 3, "evidnce", "未知的键 evidnce"),
    (("application_date: 2021-10-25", "application_date: 2021-02-30"), 6, "application_date", "2021-02-30"),
    (("period: {start: 2020-01-01, end: 2021-09-30}", "period: {start: 2021-01-01, end: 2020-09-30}"), 7,
     "period.end", "早于"),
    (("item: N4", "item: N9"), 15, "incidents.0.item", "N9"),
    (("catalog: minor-protection-2021", "catalog: [a]"), 1, "catalog", "应为文字"),
    (("period: {start: 2020-01-01, end: 2021-09-30}", "period: {start: 2020-01-01}"), 7, "period.end", "缺少必填的键 end"),
])
def test_errors_name_key_and_line(tmp_path, change, line, key, words):
    """This test ensures that unknown keys, wrong types, impossible dates, period.end before start and incidents not
    N1–N7 are errors (exit 2) naming the file, the line and the key."""
    make(tmp_path, CONFIG.replace(*change))
    with pytest.raises(ConfigError) as e:
        project.load(tmp_path)
    msg = e.value.message
    assert e.value.exit_code == 2
    assert msg.startswith(f"{tmp_path / 'dossier.yaml'}:{line}："), msg
    assert f"（键 {key}）" in msg and words in msg, msg


def test_missing_config_and_roster(tmp_path):
    """This test ensures that a folder without dossier.yaml, and a roster file that does not exist, are clear
    settings errors."""
    with pytest.raises(ConfigError) as e:
        project.load(tmp_path)
    assert "dossier.yaml" in e.value.message and "dossier init" in e.value.message
    make(tmp_path, roster=False)
    with pytest.raises(ConfigError) as e:
        project.load(tmp_path)
    assert "找不到名册文件 台账/村社区名单.xlsx" in e.value.message and "units.communities.file" in e.value.message


def test_paths_cannot_escape(tmp_path):
    """This test ensures that a roster or narrative path leading outside the project folder is refused."""
    make(tmp_path, CONFIG.replace("{file: 台账/村社区名单.xlsx}", "{file: ../secret.xlsx}"))
    with pytest.raises(ConfigError) as e:
        project.load(tmp_path)
    assert "项目文件夹之外" in e.value.message


def test_unknown_id_is_reported_with_neighbours(cli):
    """This test ensures that an unknown ID is a usage error (exit 2) naming the same sub-item's valid IDs."""
    r = cli("catalog", "show", "2.1.99")
    assert r.exit_code == 2 and "未知指标编号 2.1.99" in r.stderr and "2.1.8" in r.stderr
    assert "Traceback" not in r.output


@pytest.mark.parametrize("text, line, words", [
    ("catalog: [\n", 2, "未写完整"),
    ("catalog: a: b\n", 1, "此处不能出现冒号"),
    ("period: {start: 2020-01-01\n", 2, "花括号"),
    ('narrative: "C:\\new\\q"\n', 1, "反斜杠"),
    ("applicant:\n\tname: x\n", 2, "Tab"),
])
def test_yaml_syntax_errors_are_explained_in_chinese(tmp_path, cli, text, line, words):
    """This test ensures that the YAML mistakes clerks make (unclosed brackets, a colon in a value, Windows paths in
    double quotes, Tab indentation) are explained in Chinese with the line, exit 2 and no traceback."""
    (tmp_path / "dossier.yaml").write_text(text, encoding="utf-8")
    r = cli("check", tmp_path)
    assert r.exit_code == 2, r.output
    assert f"dossier.yaml:{line}：" in r.stderr and "YAML 语法" in r.stderr and words in r.stderr, r.stderr
    assert "Traceback" not in r.output
