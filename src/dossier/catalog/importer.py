"""``dossier catalog import``: a scheme's 指标体系 table, read from the notice as it arrives,
written as a draft catalog YAML for the clerk to finish.

Every format is first turned into the same thing — tables of rows of cells, each cell
knowing where it came from, whether it continues a merged cell and how many grid columns
it spans — and one function (:func:`draft_from_tables`) reads the hierarchy out of that:

* the header row (项目 / 内容 / 工作标准, or 一级指标 / 二级指标 / 三级指标 / 评分标准 …) says
  which column holds which level, and how many levels the IDs have; a header repeated at the
  top of a page is skipped;
* a category or sub-item cell that is empty or merged continues the one above; a name
  repeated after a page break (the same name as the current one, or one already seen in the
  same parent) is a continuation, not a new item (CONTRACT.md §1);
* a standard cell split by a page break — the first row of a new page or table whose
  category and sub-item cells are empty or repeated, while the previous standard does not
  end like a sentence (。；！？) — is joined to the previous standard;
* a category cell spanning the sub-item column, or one named like 负面清单 / 一票否决, opens
  the negative list: its standards become N1, N2 …;
* every non-empty cell that fits none of this is listed, with where it was found.

Texts are kept verbatim: only the line breaks a cell wraps over are removed (a Chinese cell
breaks lines without spaces) and surrounding blanks trimmed.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from dossier.errors import ConfigError, UsageError

# --------------------------------------------------------------------------- cells


@dataclass
class Cell:
    text: str
    where: str  # 表1第3行第2列 / 第2页表1第3行第2列 / 第120行
    span: int = 1  # grid columns covered
    merged: bool = False  # continues the cell above (Word vMerge, PDF None)


@dataclass
class Table:
    rows: list[list[Cell]]
    where: str
    # The table starts a new page (PDF) or follows another table directly (Word): its first
    # data row may continue the last standard of the previous page.
    continues: bool = False


@dataclass
class Draft:
    name: str = ""
    levels: int = 3
    categories: list[dict] = field(default_factory=list)
    negative_name: str = ""
    negatives: list[dict] = field(default_factory=list)
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # (where, text, why)
    joined: list[str] = field(default_factory=list)  # where split cells were joined
    source: str = ""

    def standards(self) -> list[dict]:
        out = []
        for c in self.categories:
            out += c.get("standards", [])
            for s in c.get("subitems", []):
                out += s.get("standards", [])
                for g in s.get("subitems", []):
                    out += g["standards"]
        return out


_SPACES = re.compile(r"[\s\u3000]+")
# PDF text extraction puts a space where a Latin character or digit meets a Chinese one
# ("任职 3个月"); Chinese official text never has one there.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=\S)|(?<=\S) +(?=[{_CJK}])")
_TERMINAL = tuple("。；！？;!?")


def squash(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def cell_text(lines: list[str]) -> str:
    """A cell's text from its lines: wrapped lines joined as they were one line."""
    parts = [line.strip(" \t\u3000\u00a0") for line in lines]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for p in parts[1:]:
        # Two Latin words wrapped apart keep their space; Chinese text joins directly.
        out += (" " if out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum() else "") + p
    return out


# --------------------------------------------------------------------------- header

_ROLE_WORDS = {
    "category": ("项目", "一级指标", "类别", "指标类别", "项目名称", "测评项目", "评价项目", "考核项目", "一级"),
    "subitem": ("内容", "二级指标", "项目内容", "指标内容", "测评内容", "二级", "评价内容"),
    "group": ("三级指标", "三级", "测评要点"),
    "standard": ("工作标准", "标准", "评价标准", "评分标准", "考核标准", "测评标准", "具体标准", "创建标准",
                 "指标要求", "考核内容", "达标标准", "工作要求", "创建内容"),
    "score": ("分值", "分数", "标准分", "分值（分）", "满分"),
    "number": ("序号", "编号"),
}


def header_roles(row: list[Cell]) -> dict[int, str] | None:
    """Grid column → role when ``row`` is a header row (at least a standard column and one
    level above it), else None."""
    roles: dict[int, str] = {}
    col = 0
    for cell in row:
        word = squash(cell.text)
        for role, words in _ROLE_WORDS.items():
            if word in words and role not in roles.values():
                roles[col] = role
                break
        col += cell.span
    if "standard" in roles.values() and "category" in roles.values():
        return roles
    return None


# --------------------------------------------------------------------------- reading the hierarchy

_NEGATIVE = re.compile(r"负面|否决|不予推荐|扣分项|禁止性")


def _score(text: str) -> float | int | None:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*分?\s*", unicodedata.normalize("NFKC", text or ""))
    if not m:
        return None
    value = float(m.group(1))
    return int(value) if value.is_integer() else value


def draft_from_tables(tables: list[Table], name: str = "") -> Draft:
    draft = Draft(name=name)
    roles: dict[int, str] | None = None
    level_cols: list[int] = []
    std_col = score_col = None
    cat = sub = group = None  # current nodes (dicts)
    negative = False
    last_std: dict | None = None

    def find(nodes: list[dict], name_: str) -> dict | None:
        return next((n for n in nodes if n["name"] == name_), None)

    for table in tables:
        first_data = True
        for row in table.rows:
            grid: dict[int, Cell] = {}
            col = 0
            for cell in row:
                grid[col] = cell
                col += cell.span
            found = header_roles(row)
            if found:
                if roles is None:
                    roles = found
                    level_cols = [c for c, r in sorted(found.items()) if r in ("category", "subitem", "group")]
                    std_col = next(c for c, r in found.items() if r == "standard")
                    score_col = next((c for c, r in found.items() if r == "score"), None)
                    draft.levels = len(level_cols) + 1
                continue  # a header repeated on a new page
            if roles is None:
                for cell in row:
                    if cell.text.strip():
                        draft.unplaced.append((cell.where, cell.text, "表头（项目/内容/工作标准）之前"))
                continue
            texts = {c: ("" if cell.merged else cell.text.strip()) for c, cell in grid.items()}
            if not any(texts.values()):
                continue
            placed: set[int] = set()
            cat_cell = grid.get(level_cols[0])
            cat_text = texts.get(level_cols[0], "")
            spans_levels = bool(cat_cell and cat_cell.span > 1 and len(level_cols) > 1
                                and not cat_cell.merged and level_cols[0] + cat_cell.span > level_cols[1])
            if cat_text and (spans_levels or _NEGATIVE.search(cat_text)):
                negative = True
                draft.negative_name = cat_text
                placed.add(level_cols[0])
            elif negative and cat_text:
                negative = False  # a category after the negative block (rare): back to standards
            new_node = False
            if not negative:
                names = [texts.get(c, "") for c in level_cols]
                if names[0]:
                    placed.add(level_cols[0])
                    existing = find(draft.categories, names[0])
                    if existing is None:
                        existing = {"name": names[0], "where": grid[level_cols[0]].where}
                        draft.categories.append(existing)
                        new_node = True
                    if existing is not cat:
                        cat, sub, group = existing, None, None
                if len(level_cols) >= 2 and names[1]:
                    placed.add(level_cols[1])
                    if cat is None:
                        draft.unplaced.append((grid[level_cols[1]].where, names[1], "内容前面没有项目"))
                    else:
                        subs = cat.setdefault("subitems", [])
                        existing = find(subs, names[1])
                        if existing is None:
                            existing = {"name": names[1]}
                            subs.append(existing)
                            new_node = True
                        if existing is not sub:
                            sub, group = existing, None
                if len(level_cols) >= 3 and names[2]:
                    placed.add(level_cols[2])
                    if sub is None:
                        draft.unplaced.append((grid[level_cols[2]].where, names[2], "小项前面没有内容"))
                    else:
                        groups = sub.setdefault("subitems", [])
                        existing = find(groups, names[2])
                        if existing is None:
                            existing = {"name": names[2]}
                            groups.append(existing)
                            new_node = True
                        group = existing
            text = texts.get(std_col, "")
            if text:
                placed.add(std_col)
                prev = last_std["text"] if last_std else ""
                if (first_data and table.continues and last_std is not None and not new_node
                        and prev and not prev.endswith(_TERMINAL)):
                    last_std["text"] = prev + text
                    draft.joined.append(grid[std_col].where)
                else:
                    holder = _holder(draft, negative, cat, sub, group, len(level_cols))
                    if holder is None:
                        draft.unplaced.append((grid[std_col].where, text, "工作标准前面没有项目或内容"))
                    else:
                        last_std = {"text": text, "where": grid[std_col].where}
                        holder.append(last_std)
                        if score_col is not None and texts.get(score_col):
                            value = _score(texts[score_col])
                            if value is None:
                                draft.unplaced.append((grid[score_col].where, texts[score_col], "分值不是数字"))
                            else:
                                last_std["score"] = value
                            placed.add(score_col)
            first_data = False
            for c, t in texts.items():
                if t and c not in placed:
                    why = {"number": "序号列（编号按顺序自动生成）", "score": "分值没有对应的工作标准"}.get(
                        roles.get(c, ""), "不属于项目、内容或工作标准列")
                    draft.unplaced.append((grid[c].where, t, why))
    if roles is None:
        raise UsageError("通知中没有找到指标体系表：需要一张表头含“项目”和“工作标准”（或“一级指标”和“评分标准”等）的表格")
    return draft


def _holder(draft: Draft, negative: bool, cat, sub, group, n_levels: int) -> list | None:
    if negative:
        return draft.negatives
    if n_levels == 1:
        return cat.setdefault("standards", []) if cat is not None else None
    if n_levels == 2:
        return sub.setdefault("standards", []) if sub is not None else None
    if group is None:
        return None
    return group.setdefault("standards", [])


# --------------------------------------------------------------------------- formats


def read_docx(path: Path) -> tuple[list[Table], str]:
    """Tables of a Word file in body order, merged cells marked; the title is the text of
    the paragraphs right above the first indicator table (after 附件1)."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises several types for broken files
        raise UsageError(f"{path} 无法读取（不是有效的 Word .docx 文件）：{e}") from None
    tables: list[Table] = []
    paras_before: list[str] = []
    title_parts: list[str] = []
    n = 0
    since_table = None  # non-empty paragraphs since the previous table
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
            if text:
                paras_before.append(text)
                if since_table is not None:
                    since_table += 1
            continue
        if tag != "tbl":
            continue
        n += 1
        rows = []
        for r, tr in enumerate(el.iter(qn("w:tr")), 1):
            cells = []
            col = 1
            for tc in tr.findall(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
                vm = pr.find(qn("w:vMerge")) if pr is not None else None
                span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                merged = vm is not None and vm.get(qn("w:val"), "continue") == "continue"
                lines = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
                cells.append(Cell(cell_text(lines), f"表{n}第{r}行第{col}列", span, merged))
                col += span
            rows.append(cells)
        is_indicator = any(header_roles(row) for row in rows[:3])
        follows = since_table == 0 and bool(tables)
        if is_indicator or follows:
            if not tables:
                title_parts = _title_from(paras_before)
            tables.append(Table(rows, f"表{n}", continues=follows))
        since_table = 0
    return tables, "".join(title_parts)


def _title_from(paragraphs: list[str]) -> list[str]:
    """The lines after the last 附件N line (the attachment's title, maybe on two lines)."""
    idx = max((i for i, p in enumerate(paragraphs) if re.fullmatch(r"附\s*件\s*[0-9０-９一二三四五六七八九十]*", p)),
              default=None)
    if idx is None:
        return paragraphs[-1:]
    return paragraphs[idx + 1:]


def pdf_cell(lines: list[str]) -> str:
    return _CJK_GAP.sub("", cell_text(lines))


def read_pdf(path: Path, progress=None) -> tuple[list[Table], str]:
    """pdfplumber's tables page by page; None cells (covered by a merge) are merged cells.
    Each page's table is a continuation of the previous page's."""
    import pdfplumber

    tables: list[Table] = []
    title = ""
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as e:
        raise UsageError(f"{path} 无法读取（不是有效的 PDF 文件，或已加密）：{e}") from None
    with pdf:
        started = False
        for page_no, page in enumerate(pdf.pages, 1):
            if progress:
                progress(page_no - 1, len(pdf.pages))
            if not (page.rects or page.lines):
                continue  # no ruling at all: no table on this page (and no need to find one)
            found = page.find_tables()
            for t_no, table in enumerate(found, 1):
                raw = table.extract()
                rows = []
                for r, row in enumerate(raw, 1):
                    rows.append([Cell(pdf_cell((c or "").splitlines()), f"第{page_no}页表{t_no}第{r}行第{i}列",
                                      1, c is None) for i, c in enumerate(row, 1)])
                is_indicator = any(header_roles(row) for row in rows[:3])
                if is_indicator and not started:
                    started = True
                    text = page.crop((0, 0, page.width, table.bbox[1])).extract_text() or ""
                    title = "".join(_title_from([line.strip() for line in text.splitlines() if line.strip()]))
                    tables.append(Table(rows, f"第{page_no}页表{t_no}"))
                elif started and (is_indicator or t_no == 1):
                    if not is_indicator and len(raw[0]) != len(tables[-1].rows[0]):
                        started = False  # another table (附件2) on a later page
                        continue
                    tables.append(Table(rows, f"第{page_no}页表{t_no}", continues=True))
                elif started:
                    started = False
    return tables, title


def read_text(path: Path) -> tuple[list[Table], str]:
    """A notice saved as text with its table as tab-led cells, one row per blank-line block
    (the seed's 附件1): a line without a leading tab continues the cell above (a wrapped
    name such as 法治宣传 / 教育). Only the part between 附件1 and 附件2 is read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="gb18030")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.fullmatch(r"\s*附\s*件\s*1\s*", line)), None)
    end = next((i for i, line in enumerate(lines) if start is not None and i > start
                and re.fullmatch(r"\s*附\s*件\s*2\s*", line)), len(lines))
    if start is None:
        start = -1
    title_lines = []
    rows: list[list[Cell]] = []
    block: list[Cell] = []
    for i in range(start + 1, end):
        line = lines[i]
        where = f"第{i + 1}行"
        if not line.strip() and not line.startswith("\t"):
            if block:
                rows.append(block)
                block = []
            continue
        if line.startswith("\t"):
            block.append(Cell(line[1:].strip(), where))
        elif block:
            block[-1].text = cell_text([block[-1].text, line])
        elif not rows:
            title_lines.append(line.strip())
        else:
            rows.append([Cell(line.strip(), where)])
    if block:
        rows.append(block)
    # A row with fewer cells than the header has its first cell spanning the missing columns
    # (the 负面工作清单项 row: one cell over 项目 and 内容).
    width = len(rows[0]) if rows and header_roles(rows[0]) else 0
    for row in rows:
        if 1 < len(row) < width:
            row[0].span = width - len(row) + 1
    return [Table(rows, "附件1")], "".join(title_lines)


READERS = {".docx": read_docx, ".pdf": read_pdf, ".txt": read_text}


def import_notice(path: Path | str, *, progress=None) -> Draft:
    """``progress(done, total)`` is called per PDF page (reading a PDF takes a while)."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UsageError(f"{path}：只能读取 .docx、.pdf（有文字层）或 .txt 格式的通知；"
                         ".doc/.wps 请先另存为 .docx")
    if not path.is_file():
        raise UsageError(f"找不到通知文件 {path}")
    tables, title = reader(path, progress) if reader is read_pdf else reader(path)
    draft = draft_from_tables(tables, title)
    draft.source = path.name
    return draft


# --------------------------------------------------------------------------- guesses


@functools.lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("dossier").joinpath("catalog", "_guess-words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def guess_kinds(text: str, negative: bool = False) -> list[str]:
    words = _words()
    if negative:
        return list(words["negative_kinds"])
    found = [kind for kind, ws in words["kinds"].items() if any(w in text for w in ws)]
    return found[:3] or list(words["default_kinds"])


def guess_departments(text: str) -> list[str]:
    found = [d for d, ws in _words()["departments"].items() if any(w in text for w in ws)]
    return found[:5]


def guess_short(text: str) -> str:
    """A first cut of 简称: the first clause, at most 24 characters."""
    first = re.split(r"[，。；：,;:]", text, maxsplit=1)[0].strip() or text
    return first if len(first) <= 24 else first[:24]


# --------------------------------------------------------------------------- YAML


def _q(text) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def to_yaml(draft: Draft, *, catalog_id: str = "new-scheme") -> str:
    out = [
        f"# 指标体系草稿：由 dossier catalog import 从 {draft.source or '通知'} 生成。",
        "# 项目、内容、工作标准的文字照抄原文；编号按顺序自动生成（见每条前的注释）。",
        "# 标有“猜测”的材料类型（kinds）、责任部门（departments）和简称（short）是按关键词猜的，请逐条核对；",
        "# 检查规则（rules）需要按 docs/CATALOG.md 第 8 节补写。改好后运行 dossier catalog validate 本文件。",
        f"id: {catalog_id}",
        f"name: {_q(draft.name or '（请填写指标体系名称）')}",
        "numbering:",
        f"  levels: {draft.levels}",
        f"  note: {_q(_numbering_note(draft.levels))}",
        "categories:",
    ]
    for ci, cat in enumerate(draft.categories, 1):
        out += [f"  # {ci}", f"  - name: {_q(cat['name'])}"]
        if "standards" in cat:
            out.append("    standards:")
            out += _standards(cat["standards"], f"{ci}", "      ")
            continue
        out.append("    subitems:")
        for si, sub in enumerate(cat.get("subitems") or [], 1):
            out += [f"      # {ci}.{si}", f"      - name: {_q(sub['name'])}"]
            if "subitems" in sub:
                out.append("        subitems:")
                for gi, g in enumerate(sub["subitems"], 1):
                    out += [f"          # {ci}.{si}.{gi}", f"          - name: {_q(g['name'])}", "            standards:"]
                    out += _standards(g.get("standards") or [], f"{ci}.{si}.{gi}", "              ")
            else:
                out.append("        standards:")
                out += _standards(sub.get("standards") or [], f"{ci}.{si}", "          ")
    if draft.negatives:
        out += ["negative_list:", f"  name: {_q(draft.negative_name or '负面清单')}", "  items:"]
        out += _standards(draft.negatives, "", "    ", negative=True)
    if draft.joined:
        out += ["", "# 跨页断开后拼接的单元格（请核对拼接处）：" + "、".join(draft.joined)]
    out += ["", f"# 未能放置的单元格（{len(draft.unplaced)} 个）：请对照原文决定放在哪里，或删除本注释。"]
    for where, text, why in draft.unplaced:
        one = text.replace("\n", " ")
        out.append(f"#   {where}：{one[:80]}{'…' if len(one) > 80 else ''}（{why}）")
    if not draft.unplaced:
        out.append("#   （无）")
    return "\n".join(out) + "\n"


def _numbering_note(levels: int) -> str:
    shape = {2: "项目.标准，如 2.3", 3: "项目.内容.标准，如 2.1.3", 4: "项目.内容.小项.标准，如 1.2.1.3"}[levels]
    return f"按在通知附件中首次出现的顺序编号（{shape}）；负面清单为 N1、N2…；分页后重复出现的名称是续表。"


def _standards(items: list[dict], prefix: str, pad: str, negative: bool = False) -> list[str]:
    out = []
    for n, s in enumerate(items, 1):
        item_id = f"N{n}" if negative else f"{prefix}.{n}"
        text = s["text"]
        out += [f"{pad}# {item_id}",
                f"{pad}- text: {_q(text)}",
                f"{pad}  short: {_q(guess_short(text))}   # 猜测，请改写",
                f"{pad}  kinds: [{', '.join(guess_kinds(text, negative))}]   # 猜测，请核对"]
        depts = guess_departments(text)
        if depts:
            out.append(f"{pad}  departments: [{', '.join(depts)}]   # 猜测，请核对")
        if "score" in s:
            out.append(f"{pad}  score: {s['score']}")
        if negative:
            out.append(f"{pad}  rules:   # 负面清单的常用规则，请核对年限")
            out.append(f"{pad}    - {{type: incident_lookback, years: 2}}")
            out.append(f"{pad}    - {{type: declaration, kind: 承诺书}}")
    return out


def write_draft(draft: Draft, target: Path, *, catalog_id: str = "new-scheme") -> Path:
    from dossier import atomic

    text = to_yaml(draft, catalog_id=catalog_id)
    # The draft must load: a draft that does not is a bug here, not the clerk's mistake.
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError("生成的草稿不是有效的 YAML", path=str(target))
    atomic.write_text(target, text)
    return target
