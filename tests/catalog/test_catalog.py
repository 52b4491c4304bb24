"""The built-in catalog against the notice it was transcribed from (附件1 of the seed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier import catalog as catalog_lib

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_NAMES = ("gx-minor-protection-notice-2021.txt",)


def seed_texts() -> list[str]:
    """The committed copy, and the shared seed beside the clone when it is there."""
    paths = [FIXTURES / SEED_NAMES[0]]
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed" / SEED_NAMES[0]
    if shared.is_file():
        paths.append(shared)
    return [p.read_text(encoding="utf-8") for p in paths]


def attachment1(seed: str) -> str:
    return seed[seed.index("附件1\n"):seed.index(" 附件2")]


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def test_counts(cat):
    """This test ensures that the built-in catalog has 11 categories, 34 sub-items, 76 standards and 7 negative items."""
    assert len(cat.categories) == 11
    assert len(cat.subitems) == 34
    assert len(cat.standards) == 76
    assert len(cat.negative_items) == 7


@pytest.mark.parametrize("seed", seed_texts(), ids=lambda s: f"seed{len(s)}")
def test_every_text_is_verbatim_in_the_seed(cat, seed):
    """This test ensures that every standard's and negative item's text appears in 附件1 character for character."""
    a1 = attachment1(seed)
    for item in cat.items():
        assert item.text in a1, item.id


@pytest.mark.parametrize("seed", seed_texts(), ids=lambda s: f"seed{len(s)}")
def test_ids_follow_seed_order(cat, seed):
    """This test ensures that IDs follow CONTRACT §1: category and sub-item by first appearance, standards by order,
    with names continued after a page break (组织协调, 特殊保护措施, 服务场所) not counted twice."""
    a1 = attachment1(seed)
    positions = [a1.index(item.text) for item in cat.standards]
    assert positions == sorted(positions)
    neg_positions = [a1.index(item.text) for item in cat.negative_items]
    assert neg_positions == sorted(neg_positions) and neg_positions[0] > positions[-1]
    names = [c.name for c in cat.categories]
    assert names[0] == "思想引领" and names[-1] == "队伍建设"
    for c in cat.categories:
        assert c.name in a1
        for sub in c.subitems:
            # a name broken over two lines in the seed (预防网络\n沉迷) is one name
            assert sub.name in a1.replace("\n", "")
    # a sub-item repeated after a page break is a continuation: no category lists one name twice
    assert len({(s.id.split(".")[0], s.name) for s in cat.subitems}) == len(cat.subitems) == 34


def test_known_ids(cat):
    """This test ensures that the contract's example IDs point at the right standards."""
    s = cat.get("2.1.3")
    assert s.text.startswith("县级党委或政府每年至少召开两次会议")
    assert cat.category("2").name == "组织领导" and cat.subitem("2.1").name == "组织协调"
    assert cat.get("2.1.7").text.startswith("乡镇（街道）建立由党委或政府主要负责同志负责")
    assert cat.get("8.2.2").text.startswith("30万人口以上")
    assert cat.get("10.1.2").text.endswith("并建立相应工作制度。")
    assert cat.get("11.2.1").text.startswith("儿童主任和儿童督导员在新任职3个月内")
    assert cat.get("N1").text.startswith("申报前2年间") and cat.get("N7").text.startswith("县级民政部门")
    assert cat.subitem("7.1").name == "预防网络沉迷"
    assert [s.id for s in cat.subitem("9.2").standards] == ["9.2.1", "9.2.2", "9.2.3"]
    assert cat.subitem("10.2").name == "服务场所" and len(cat.subitem("10.2").standards) == 2
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", s.id) for s in cat.standards)


def test_every_item_is_annotated(cat):
    """This test ensures that every standard carries kinds, departments and keywords as data, and the contract's
    quantitative rules are present as rules (not code)."""
    for item in cat.items():
        assert item.kinds and item.departments and item.keywords, item.id
        assert set(item.kinds) <= set(cat.kinds)
    rule_types = {s.id: [r.type for r in s.rules] for s in cat.items()}
    assert rule_types["2.1.3"] == ["count_per_period"]
    assert cat.get("2.1.3").rules[0].params == {"period": "year", "min": 2, "kind": "会议纪要"}
    assert rule_types["2.1.7"] == ["count_per_unit_per_period"]
    assert cat.get("4.1.2").rules[0].params["period"] == "quarter"
    assert cat.get("5.2.2").rules[0].params == {"units": "schools", "min_ratio": 1.0, "label": "驻校社工和心理健康教育教师"}
    assert cat.get("10.1.2").rules[0].params["min_ratio"] == 0.5
    assert cat.get("10.2.2").rules[0].params["min_ratio"] == 0.9
    assert rule_types["10.3.1"] == ["distinct_units"]
    assert cat.get("11.1.3").rules[0].params["units"] == "communities"
    assert cat.get("11.2.1").rules[0].params["roles"] == ["儿童主任", "儿童督导员"]
    assert cat.get("11.2.2").rules[0].params["roles"] == ["强制报告责任人员"]
    assert "min_child_hours_ratio" not in cat.get("11.2.2").rules[0].params
    cond = cat.get("8.2.2").applies_when
    assert (cond.key, cond.op, cond.value) == ("population", "gt", 300000)
    for n in cat.negative_items:
        assert [r.type for r in n.rules] == ["incident_lookback", "declaration"]


def test_unknown_catalog_name():
    """This test ensures that an unknown catalog name is a settings error (exit 2) listing the built-in names."""
    with pytest.raises(catalog_lib.CatalogNotFound) as e:
        catalog_lib.load("no-such-catalog")
    assert e.value.exit_code == 2
    assert "minor-protection-2021" in e.value.message


def test_builtin_catalog_passes_its_schema():
    """The shipped catalog is not re-validated on every run; this test ensures that it does pass the schema."""
    cat = catalog_lib.load(validate=True)
    assert len(cat.standards) == 76
