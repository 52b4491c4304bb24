"""The rule-type registry (issue 13 §2): a rule type is one self-contained RuleType — schema
fragment, evaluator, description, what-to-supply — and registering it is all it takes for
catalogs to validate, check, explain and ask for it."""

from __future__ import annotations

import json
import textwrap
from importlib import resources

import pytest

from dossier import catalog as catalog_lib
from dossier import rules
from dossier.catalog import schema as catalog_schema
from dossier.check import evaluate
from dossier.errors import ConfigError
from dossier.records import Assignment, EvidenceFile, Rule
from dossier.reports import gaps, need
from dossier.rules.base import Context, Outcome, RuleType
from evidence_makers import make_project

CATALOG = """\
id: title-words
name: 标题用语测试体系
categories:
  - name: 组织领导
    subitems:
      - name: 制度建设
        standards:
          - text: 印发工作方案。
            short: 工作方案
            kinds: [制度文件]
            rules:
              - {type: title_words, words: [方案, 实施]}
"""


def _evaluate(rule: Rule, ctx: Context) -> Outcome:
    out = Outcome()
    titles = [e.title for e in ctx.usable()]
    for word in rule.get("words"):
        if not any(word in t for t in titles):
            out.problem("title-word-missing", f"材料标题中没有“{word}”")
    return out


TITLE_WORDS = RuleType(
    name="title_words",
    schema={"description": "材料标题中须出现每个词",
            "properties": {"type": {"const": "title_words"},
                           "words": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}},
            "required": ["type", "words"]},
    evaluate=_evaluate,
    describe=lambda rule, catalog=None: f"材料标题中须出现：{'、'.join(rule.params['words'])}",
    needs={"title-word-missing": "标题含“{words}”的文件"},
)


@pytest.fixture
def title_words():
    rules.register(TITLE_WORDS)
    yield TITLE_WORDS
    rules.unregister("title_words")


def test_a_rule_type_registered_in_one_place_works_everywhere(tmp_path, title_words):
    """Registering one RuleType (as a module in dossier/rules/ does on import) makes a catalog
    using it valid, evaluates it in the check, describes it in ``catalog show`` and words
    what to supply; a typo in its parameters is rejected by the assembled schema.
    This test ensures that adding a rule type needs no edit outside its own piece."""
    path = tmp_path / "c.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    cat = catalog_lib.load(str(path))
    from dossier.catalog.export import explain

    assert "材料标题中须出现：方案、实施" in explain(cat, "1.1.1").plain

    project = make_project(tmp_path / "p", ["材料/1.1.1 方案/工作方案.pdf"])
    files = [EvidenceFile(path="材料/1.1.1 方案/工作方案.pdf", sha256="x", size=1, mtime=0, format="pdf",
                          title="示范县创建工作方案", kind="制度文件")]
    report = evaluate(cat, project, files, [Assignment("材料/1.1.1 方案/工作方案.pdf", "1.1.1", "name")], [],
                      registers_root=project.root)
    f = report.finding("1.1.1")
    assert f.status == "partial" and [p.message for p in f.problems] == ["材料标题中没有“实施”"]
    assert need(gaps(report, cat)[0], cat) == "标题含“方案、实施”的文件"

    path.write_text(CATALOG.replace("words: [方案, 实施]", "word: 方案"), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        catalog_lib.load(str(path))
    assert "c.yaml:12" in e.value.message and "未知的键 word" in e.value.message


def test_unregistered_rule_type_is_rejected(tmp_path):
    """Without its registration the same catalog names an unknown rule type.
    This test ensures that the schema's rule list is the registry, not a fixed list."""
    path = tmp_path / "c.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        catalog_lib.load(str(path))
    assert "title_words" in e.value.message and "rules.0.type" in e.value.message


def test_every_builtin_rule_type_is_a_self_contained_module():
    """Each rule module of dossier/rules/ defines RULE with a schema fragment, evaluator,
    description and what-to-supply texts, and nothing else registers rule types.
    This test ensures that one rule type = one file."""
    root = resources.files("dossier").joinpath("rules")
    modules = sorted(p.name[:-3] for p in root.iterdir() if p.name.endswith(".py") and p.name not in ("__init__.py", "base.py"))
    assert modules == sorted(rules.BUILTIN)
    for name in modules:
        rt = rules.TYPES[name]
        assert rt.schema["properties"]["type"] == {"const": name}
        assert callable(rt.evaluate) and callable(rt.describe) and rt.needs, name


def test_committed_schema_is_the_assembly():
    """schemas/catalog.schema.json equals the schema assembled from the registered rule types
    (regenerate with ``python -m dossier.catalog.schema``).
    This test ensures that tools reading the file alone see the same rules dossier checks."""
    committed = json.loads(resources.files("dossier").joinpath("schemas", "catalog.schema.json").read_text("utf-8"))
    assert committed == catalog_schema.assembled()
