"""A clerk's own catalog: accepted when well formed, rejected with file:line:key otherwise."""

from __future__ import annotations

import textwrap

import pytest

from dossier import catalog as catalog_lib
from dossier.errors import ConfigError

GOOD = """\
id: test-scheme
name: 测试示范创建指标体系
categories:
  - name: 组织领导
    subitems:
      - name: 组织协调
        standards:
          - text: 每年至少召开两次会议。
            short: 每年两次会议
            kinds: [会议纪要]
            rules:
              - {type: count_per_period, period: year, min: 2, kind: 会议纪要}
          - text: 建立协调机制。
            short: 协调机制
negative_list:
  items:
    - text: 发生重大案件的。
      short: 重大案件
      rules: [{type: incident_lookback, years: 2}]
"""


def write(tmp_path, text):
    p = tmp_path / "my.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_good_catalog_is_numbered(tmp_path):
    """This test ensures that a clerk-written catalog without IDs loads and is numbered by order."""
    cat = catalog_lib.load(str(write(tmp_path, GOOD)))
    assert [s.id for s in cat.items()] == ["1.1.1", "1.1.2", "N1"]
    assert cat.get("1.1.1").rules[0].type == "count_per_period"


@pytest.mark.parametrize("broken, line, key, words", [
    (GOOD.replace("kinds: [会议纪要]", "kinds: [会议记录]"), 10, "categories.0.subitems.0.standards.0.kinds.0", "会议记录"),
    (GOOD.replace("period: year", "period: month"), 12, "categories.0.subitems.0.standards.0.rules.0.period", "month"),
    (GOOD.replace("          - text: 建立协调机制。\n", "          - txt: 建立协调机制。\n"), 13,
     "categories.0.subitems.0.standards.1.txt", "未知的键 txt"),
    (GOOD.replace("min: 2, ", ""), 12, "categories.0.subitems.0.standards.0.rules.0.min", "缺少必填的键 min"),
    (GOOD.replace("type: incident_lookback", "type: incident_lookbak"), 19,
     "negative_list.items.0.rules.0.type", "incident_lookbak"),
])
def test_broken_catalog_names_file_line_key(tmp_path, broken, line, key, words):
    """This test ensures that a catalog breaking the schema is rejected with a Chinese message naming the file, the
    line and the key."""
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as e:
        catalog_lib.load(str(path))
    msg = e.value.message
    assert msg.startswith(f"{path}:{line}：指标体系不符合格式要求"), msg
    assert f"（键 {key}）" in msg and words in msg


def test_yaml_syntax_error_names_line(tmp_path):
    """This test ensures that a YAML syntax error is reported with its line, not a traceback."""
    path = write(tmp_path, GOOD.replace("short: 协调机制", "short: [协调机制"))
    with pytest.raises(ConfigError) as e:
        catalog_lib.load(str(path))
    assert str(path) in e.value.message and "YAML" in e.value.message and e.value.line


def test_validate_command(tmp_path, cli):
    """This test ensures that `dossier catalog validate` accepts a good file (exit 0) and rejects a broken one with
    file:line:key and exit 2."""
    good = write(tmp_path, GOOD)
    r = cli("catalog", "validate", good)
    assert r.exit_code == 0 and "格式正确" in r.stdout and "2 条工作标准" in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("min: 2", "min: 两次"), encoding="utf-8")
    r = cli("catalog", "validate", bad)
    assert r.exit_code == 2
    assert f"{bad}:12：" in r.stderr and "categories.0.subitems.0.standards.0.rules.0.min" in r.stderr
    assert "Traceback" not in r.output


def test_builtin_catalog_validates(cli):
    """This test ensures that the shipped catalog passes its own schema through the CLI."""
    from dossier.catalog import resolve

    r = cli("catalog", "validate", resolve("minor-protection-2021"))
    assert r.exit_code == 0 and "76 条工作标准" in r.stdout and "7 项负面清单" in r.stdout
