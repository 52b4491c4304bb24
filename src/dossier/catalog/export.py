"""Views of a catalog: a numbered mapping (json/yaml), a tree, one item explained."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from dossier import ids
from dossier.catalog.describe import describe_condition, describe_rule
from dossier.errors import UsageError
from dossier.records import Catalog, Standard


def _item_dict(s: Standard) -> dict:
    d = {"id": s.id, "short": s.short, "text": s.text, "kinds": list(s.kinds),
         "departments": list(s.departments), "keywords": list(s.keywords),
         "rules": [{"type": r.type, **r.params} for r in s.rules]}
    if s.score is not None:
        d["score"] = s.score
    if s.applies_when:
        d["applies_when"] = {"key": s.applies_when.key, "op": s.applies_when.op, "value": s.applies_when.value}
    return d


def to_dict(cat: Catalog) -> dict:
    """The catalog with its IDs written out (for scripts and spreadsheets)."""
    return {
        "id": cat.id, "name": cat.name, "scheme": cat.scheme,
        "categories": [{"id": c.id, "name": c.name, "subitems": [
            {"id": sub.id, "name": sub.name, "standards": [_item_dict(s) for s in sub.standards]}
            for sub in c.subitems]} for c in cat.categories],
        "negative_list": {"name": cat.negative_name, "items": [_item_dict(s) for s in cat.negative_items]},
    }


def tree(cat: Catalog) -> Tree:
    root = Tree(Text(f"{cat.name}（{cat.id}）", style="bold"))
    for c in cat.categories:
        cnode = root.add(Text(f"{c.id} {c.name}", style="bold cyan"))
        for sub in c.subitems:
            snode = cnode.add(Text(f"{sub.id} {sub.name}", style="cyan"))
            for s in sub.standards:
                mark = " ◆" if s.rules or s.applies_when else ""
                snode.add(Text(f"{s.id}  {s.short}{mark}"))
    neg = root.add(Text(cat.negative_name, style="bold red"))
    for s in cat.negative_items:
        neg.add(Text(f"{s.id}  {s.short}"))
    root.add(Text(f"共 {len(cat.categories)} 个项目、{len(cat.subitems)} 项内容、{len(cat.standards)} 条工作标准、"
                  f"{len(cat.negative_items)} 项负面清单；◆ 表示有数量或适用条件规则", style="dim"))
    return root


def explain(cat: Catalog, raw_id: str) -> Text:
    item_id = ids.normalize(raw_id)
    s = cat.get(item_id)
    if s is None:
        raise UsageError(ids.unknown_id_message(item_id, cat.ids()))
    out = Text()
    if s.negative:
        out.append(f"{s.id}  {cat.negative_name}\n", style="bold red")
    else:
        c, sub = cat.category(s.category_id), cat.subitem(s.subitem_id)
        out.append(f"{s.id}  {c.name} / {sub.name}\n", style="bold")
    out.append(f"简称：{s.short}\n")
    out.append("工作标准：", style="bold")
    out.append(f"{s.text}\n")
    out.append(f"常见材料类型：{'、'.join(s.kinds) or '—'}\n")
    out.append(f"责任部门：{'、'.join(s.departments) or '—'}\n")
    out.append(f"检索关键词：{'、'.join(s.keywords) or '—'}\n")
    if s.score is not None:
        out.append(f"分值：{s.score:g} 分\n")
    lines = []
    if s.applies_when:
        lines.append(describe_condition(s.applies_when, cat))
    lines += [describe_rule(r, cat) for r in s.rules]
    if lines:
        out.append("检查规则：\n", style="bold")
        for line in lines:
            out.append(f"  · {line}\n")
    else:
        out.append("检查规则：有可用的证明材料即为达标\n")
    return out
