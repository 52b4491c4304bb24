"""A deterministic, realistic project folder for benchmarks (issue 7).

``plan(scale)`` decides everything (file names, types, standards, dates, page counts)
from a seed, without touching the disk; ``generate`` writes it; ``ensure`` returns a
cached copy when the same parameters and the same generator have already produced one.

The evidence is mixed the way a county's folder is: PDFs exported from Word by
LibreOffice (fonts embedded), PDFs with a non-embedded CJK font (reportlab's CID font
STSong-Light, as many scanners' OCR layers and report generators write them), Word and
Excel files, and camera JPEGs, some stored sideways with EXIF orientation 6.

LibreOffice is slow per call, so it runs once: a handful of multi-page "template"
documents plus one document holding a distinct cover page per embedded-font PDF. Each
embedded-font PDF is then that cover followed by a slice of a template (pikepdf page
copies), which keeps every file distinct (its own title, date and 文号 on page 1) while
generation stays fast.

    python bench/corpus.py --scale tiny --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO / "tests" / "fixtures" / "gx-minor-protection-notice-2021.txt"

TYPES = ("pdf-embedded", "pdf-cid", "docx", "xlsx", "jpg")


@dataclass(frozen=True)
class Scale:
    name: str
    files: int
    pages: int  # target for the whole corpus, Word/Excel files counted at their estimate
    templates: int  # distinct LibreOffice-made documents the embedded PDFs are sliced from
    template_pages: int
    communities: int
    trainees: int


SCALES = {
    "tiny": Scale("tiny", files=25, pages=110, templates=2, template_pages=8, communities=6, trainees=8),
    "county": Scale("county", files=300, pages=2000, templates=6, template_pages=24, communities=24,
                    trainees=40),
    "large": Scale("large", files=1500, pages=10000, templates=8, template_pages=30, communities=60,
                   trainees=120),
}

# Share of files by type; the rest of the pages go to the PDFs.
MIX = {"pdf-embedded": 0.36, "pdf-cid": 0.24, "docx": 0.15, "xlsx": 0.10, "jpg": 0.15}
DOCX_PAGES, XLSX_PAGES = 2, 1  # estimates used only to split the page budget
EXIF_ROTATED_SHARE = 0.3
COUNTY = "城南县"
PERIOD = (dt.date(2020, 1, 1), dt.date(2021, 9, 30))
TOWNSHIPS = ("城关镇", "大坡镇", "六景镇", "峦城镇", "新福镇", "马山乡", "石塘镇", "陶圩镇")
SCHOOLS = ("城南县第一中学", "城南县第二中学", "城关镇中心小学", "大坡镇中心小学", "六景镇中心小学",
           "峦城镇中学", "新福镇中心小学", "马山乡中心小学")
ORGS = ("城南县阳光社会工作服务中心", "城南县春苗青少年事务服务社", "城南县启航心理咨询中心")
VILLAGE_HEADS = "东西南北上下新旧大小前后长平安福禄寿康宁和兴旺青山水田林石桥"
DEPARTMENTS = ("县民政局", "县教育局", "县公安局", "县人民法院", "县人民检察院", "县司法局", "县卫生健康局",
               "团县委", "县妇联", "县财政局", "县文化广电体育和旅游局", "县残联")
CN_NUM = "〇一二三四五六七八九"
TITLE_FORMS = {
    "会议纪要": ("{county}未成年人保护工作领导小组{year}年第{nth}次会议纪要",
                "{dept}关于研究未成年人保护重点工作的专题会议纪要",
                "{county}人民政府常务会议纪要（{year}年第{nth}次）"),
    "培训记录": ("{dept}{year}年未成年人保护工作业务培训记录", "{county}儿童主任能力提升培训班签到表及课程安排"),
    "制度文件": ("关于印发《{county}{topic}实施方案》的通知", "{dept}关于建立{topic}工作制度的通知",
                "关于进一步加强{topic}工作的实施意见"),
    "经费文件": ("关于下达{year}年{topic}专项经费的通知", "{county}{year}年{topic}经费预算安排表"),
    "工作台账": ("{dept}{topic}工作台账（{year}年）", "{county}{topic}情况统计表"),
    "活动记录": ("{dept}开展{topic}主题活动记录", "{year}年“六一”儿童节{topic}活动总结",
                "{unit}家长学校{year}年第{nth}季度活动记录"),
    "照片": ("{unit}{topic}活动现场照片",),
    "承诺书": ("{county}人民政府关于{topic}的承诺书",),
    "其他": ("{dept}关于{topic}有关情况的报告", "{dept}关于{topic}工作情况的函"),
}
TOPICS = ("未成年人保护", "困境儿童关爱服务", "强制报告制度", "家庭教育指导", "校园安全", "网络保护",
          "留守儿童关爱保护", "儿童主任队伍建设", "未成年人保护工作站建设", "法治宣传教育")
DOC_PREFIX = {"县民政局": "城民发", "县教育局": "城教发", "县公安局": "城公发", "县人民法院": "城法发",
              "县人民检察院": "城检发", "县司法局": "城司发", "县卫生健康局": "城卫发", "团县委": "城团发",
              "县妇联": "城妇发", "县财政局": "城财发", "县文化广电体育和旅游局": "城文旅发", "县残联": "城残发"}


@dataclass
class FileSpec:
    path: str  # relative to the project folder, POSIX
    type: str  # one of TYPES
    standard: str | None  # the standard it proves (None: left for suggestions)
    assigned_by: str | None  # folder | name | manifest | None
    kind: str
    title: str
    date: str  # ISO
    doc_number: str
    pages: int  # exact for PDFs and JPEGs; an estimate for Word/Excel until converted
    seed: int
    unit: str | None = None
    template: int = 0
    template_start: int = 0
    exif_rotated: bool = False
    extra_ids: tuple[str, ...] = ()  # further standards named in the manifest


@dataclass
class Plan:
    scale: Scale
    seed: int
    files: list[FileSpec]
    communities: tuple[str, ...]
    manifest_rows: list[dict]
    trainees: list[dict]
    params_hash: str = ""

    def by_type(self) -> dict[str, list[FileSpec]]:
        out: dict[str, list[FileSpec]] = {t: [] for t in TYPES}
        for f in self.files:
            out[f.type].append(f)
        return out


# --------------------------------------------------------------------------- planning


def _catalog():
    from dossier import catalog

    return catalog.load()


def _sentences() -> list[str]:
    text = SEED_TEXT.read_text(encoding="utf-8")
    out = []
    for raw in text.replace("\n", "").split("。"):
        s = raw.strip()
        if 12 <= len(s) <= 110 and "附件" not in s:
            out.append(s + "。")
    for std in _catalog().items():
        out.append(std.text if std.text.endswith("。") else std.text + "。")
    return out


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _rand_date(rng: random.Random) -> dt.date:
    span = (PERIOD[1] - PERIOD[0]).days
    return PERIOD[0] + dt.timedelta(days=rng.randrange(span + 1))


def _safe(name: str) -> str:
    return name.replace("/", "／").replace("\\", "＼").replace(":", "：").replace("*", "")


def _split_pages(rng: random.Random, total: int, n: int, minimum: int) -> list[int]:
    """n positive lengths summing to ``total`` with a long tail, as real documents have."""
    if n == 0:
        return []
    mean = max(minimum, total / n)
    raw = [max(minimum, round(rng.lognormvariate(math.log(mean) - 0.32, 0.8))) for _ in range(n)]
    diff = total - sum(raw)
    while diff != 0:
        i = rng.randrange(n)
        if diff > 0:
            raw[i] += 1
            diff -= 1
        elif raw[i] > minimum:
            raw[i] -= 1
            diff += 1
    return raw


def plan(scale: str | Scale, seed: int = 2021) -> Plan:
    """Everything the corpus will contain, decided from ``seed`` alone."""
    sc = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(seed)
    cat = _catalog()
    standards = list(cat.items())
    by_id = {s.id: s for s in standards}

    counts = {t: round(sc.files * share) for t, share in MIX.items()}
    counts["pdf-embedded"] += sc.files - sum(counts.values())
    types = [t for t, n in counts.items() for _ in range(n)]
    rng.shuffle(types)

    pdf_budget = sc.pages - counts["docx"] * DOCX_PAGES - counts["xlsx"] * XLSX_PAGES - counts["jpg"]
    n_pdf = counts["pdf-embedded"] + counts["pdf-cid"]
    lengths = _split_pages(rng, pdf_budget, n_pdf, minimum=2)

    communities = []
    while len(communities) < sc.communities:
        name = rng.choice(TOWNSHIPS)[:2] + "".join(rng.sample(VILLAGE_HEADS, 2)) + rng.choice(("村", "社区"))
        if name not in communities:
            communities.append(name)

    def units_for(sid: str) -> tuple[str, ...] | None:
        return {"2.1.7": TOWNSHIPS, "5.2.2": SCHOOLS, "10.1.2": TOWNSHIPS, "10.2.2": tuple(communities),
                "11.1.3": tuple(communities), "10.3.1": ORGS}.get(sid)

    photo_ids = [s.id for s in standards if "照片" in s.kinds]
    ledger_ids = [s.id for s in standards if "工作台账" in s.kinds]
    # Quantitative standards get several files each, as a county that meets them would have.
    heavy = ["2.1.3"] * 8 + ["2.1.7"] * 16 + ["4.1.2"] * 8 + ["10.2.2"] * 6 + ["11.1.3"] * 6 + ["5.2.2"] * 4

    files: list[FileSpec] = []
    used_paths: set[str] = set()
    pdf_i = 0
    nth: dict[tuple[str, int], int] = {}
    for ftype in types:
        if ftype == "jpg":
            sid = rng.choice(photo_ids)
        elif ftype == "xlsx":
            sid = rng.choice(ledger_ids)
        elif heavy and rng.random() < 0.3:
            sid = heavy.pop(rng.randrange(len(heavy)))
        else:
            sid = rng.choice(standards).id
        std = by_id[sid]
        if ftype == "jpg":
            kind = "照片"
        elif ftype == "xlsx":
            kind = "工作台账"
        else:
            kinds = [k for k in std.kinds if k not in ("照片", "工作台账")] or ["其他"]
            kind = rng.choice(kinds)
        day = _rand_date(rng)
        unit_pool = units_for(sid)
        unit = rng.choice(unit_pool) if unit_pool else None
        dept = rng.choice(DEPARTMENTS)
        key = (sid, day.year)
        nth[key] = nth.get(key, 0) + 1
        title = rng.choice(TITLE_FORMS[kind]).format(
            county=COUNTY, dept=dept, year=day.year, nth=CN_NUM[nth[key]] if nth[key] < 10 else str(nth[key]),
            topic=rng.choice(TOPICS), unit=unit or rng.choice(TOWNSHIPS))
        if sid == "4.1.2" and unit is None:
            unit = rng.choice(communities)
        doc_number = ""
        if kind in ("制度文件", "经费文件", "其他") and ftype != "xlsx":
            doc_number = f"{DOC_PREFIX[dept]}〔{day.year}〕{rng.randrange(1, 120)}号"
        pages = 1 if ftype == "jpg" else DOCX_PAGES if ftype == "docx" else XLSX_PAGES if ftype == "xlsx" \
            else lengths[pdf_i]
        if ftype.startswith("pdf"):
            pdf_i += 1

        # Where the file lives decides how it is assigned (CONTRACT.md §3).
        roll = rng.random()
        ext = {"pdf-embedded": "pdf", "pdf-cid": "pdf"}.get(ftype, ftype)
        stem = _safe(f"{day.isoformat()} {title}" if rng.random() < 0.7 else title)
        if sid.startswith("N"):
            folder, assigned_by = f"材料/{sid} 负面清单承诺/", "folder"
        elif roll < 0.80:
            cat_obj = cat.category(std.category_id)
            folder = f"材料/{std.category_id}、{cat_obj.name}/{sid} {_safe(std.short[:14])}/"
            assigned_by = "folder"
        elif roll < 0.88:
            folder, assigned_by = f"材料/{dept}报送/", "name"
            stem = f"{sid}_{stem}"
        elif roll < 0.95:
            folder, assigned_by = "材料/其他材料/", "manifest"
        else:
            folder, assigned_by = "材料/待整理/", None
        path = f"{folder}{stem}.{ext}"
        k = 2
        while path in used_paths:
            path = f"{folder}{stem}（{k}）.{ext}"
            k += 1
        used_paths.add(path)
        files.append(FileSpec(
            path=path, type=ftype, standard=sid if assigned_by else None, assigned_by=assigned_by, kind=kind,
            title=title, date=day.isoformat(), doc_number=doc_number, pages=pages, seed=rng.randrange(1 << 30),
            unit=unit, template=rng.randrange(sc.templates), template_start=rng.randrange(sc.template_pages),
            exif_rotated=ftype == "jpg" and rng.random() < EXIF_ROTATED_SHARE))

    # Every N-item gets its 承诺书 (a real county signs all seven).
    for n in range(1, 8):
        sid = f"N{n}"
        if any(f.standard == sid for f in files):
            continue
        donor = next((f for f in files if f.type.startswith("pdf") and f.assigned_by == "folder"
                      and not f.standard.startswith("N") and f.standard not in ("2.1.3", "2.1.7", "4.1.2")),
                     None)
        if donor is None:  # the tiny scale has too few files to spare one per item
            break
        day = dt.date(2021, 10, 10)
        donor.standard, donor.kind, donor.unit, donor.doc_number = sid, "承诺书", None, ""
        donor.title = f"{COUNTY}人民政府关于{by_id[sid].short}的承诺书"
        donor.date = day.isoformat()
        donor.path = f"材料/{sid} 负面清单承诺/{_safe(donor.title)}.pdf"

    manifest_rows = _manifest_rows(rng, files)
    trainees = _trainees(rng, sc, communities)
    p = Plan(sc, seed, files, tuple(communities), manifest_rows, trainees)
    p.params_hash = _params_hash(sc, seed)
    return p


def _manifest_rows(rng: random.Random, files: list[FileSpec]) -> list[dict]:
    """Rows for files in 其他材料, 主体 for coverage standards, and a few files proving two standards."""
    rows = []
    multi_done = 0
    for f in files:
        rel = f.path
        written = rel if rng.random() < 0.6 else rel.removeprefix("材料/")
        if rng.random() < 0.2:
            written = written.replace("/", "\\")
        if f.assigned_by == "manifest":
            rows.append({"ids": [f.standard], "file": written, "title": f.title, "kind": f.kind,
                         "date": f.date, "unit": f.unit, "excel_date": rng.random() < 0.5})
        elif f.unit and f.assigned_by in ("folder", "name"):
            rows.append({"ids": [f.standard], "file": written, "title": "", "kind": f.kind if rng.random() < 0.5
                         else "", "date": "", "unit": f.unit, "excel_date": False})
        elif f.assigned_by == "folder" and f.kind == "制度文件" and multi_done < max(2, len(files) // 60):
            other = "2.1.2" if f.standard != "2.1.2" else "2.1.8"
            f.extra_ids = (other,)
            rows.append({"ids": [f.standard, other], "file": written, "title": "", "kind": "", "date": "",
                         "unit": None, "excel_date": False})
            multi_done += 1
    return rows


def _trainees(rng: random.Random, sc: Scale, communities: list[str]) -> list[dict]:
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙"
    given = "明华丽芳军伟静敏燕玲强磊洋勇艳杰娟涛超秀霞平刚桂英"
    out = []
    for i in range(sc.trainees):
        role = ("儿童主任", "儿童督导员", "强制报告责任人员")[i % 3]
        unit = communities[i % len(communities)] if role == "儿童主任" else rng.choice(TOWNSHIPS)
        appointed = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(0, 700))
        trainings = [appointed + dt.timedelta(days=rng.randrange(5, 80))]
        for year in range(max(appointed.year + 1, 2020), 2022):
            trainings.append(dt.date(year, rng.randrange(3, 9), rng.randrange(1, 28)))
        name = rng.choice(surnames) + "".join(rng.sample(given, rng.choice((1, 2))))
        for t in trainings:
            total = rng.choice((8, 12, 16, 24))
            out.append({"name": name, "role": role, "unit": unit, "appointed": appointed.isoformat(),
                        "trained": t.isoformat(), "course": f"{t.year}年{role}业务培训班", "total": total,
                        "child": math.ceil(total * rng.choice((0.5, 0.625, 0.75)))})
    return out


def _params_hash(sc: Scale, seed: int) -> str:
    h = hashlib.sha256(json.dumps([asdict(sc), seed, MIX, PERIOD[0].isoformat(), PERIOD[1].isoformat()],
                                  ensure_ascii=False).encode())
    # The generator's own text is part of the key: changing how files are made invalidates the cache.
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:12]


# --------------------------------------------------------------------------- writing


@dataclass
class Corpus:
    root: Path  # the project folder (contains dossier.yaml)
    scale: str
    params_hash: str
    files: list[dict]  # FileSpec as dicts, pages exact for PDFs/JPEGs
    generated_seconds: float
    cached: bool = False
    extra: dict = field(default_factory=dict)

    def of_type(self, *types: str) -> list[dict]:
        return [f for f in self.files if f["type"] in types]

    def pdf_paths(self) -> list[Path]:
        return [self.root / f["path"] for f in self.of_type("pdf-embedded", "pdf-cid")]


META = "corpus.json"
PROJECT_NAME = COUNTY


def ensure(scale: str, out_root: Path, seed: int = 2021,
           progress: Callable[[str], None] | None = None) -> Corpus:
    """The corpus for ``scale`` under ``out_root``, generated only when not already there."""
    p = plan(scale, seed)
    base = Path(out_root) / f"corpus-{scale}-{p.params_hash}"
    meta_path = base / META
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return Corpus(base / PROJECT_NAME, scale, p.params_hash, meta["files"], meta["generated_seconds"],
                      cached=True, extra=meta.get("extra", {}))
    if base.exists():  # an interrupted generation
        shutil.rmtree(base)
    for stale in Path(out_root).glob(f"corpus-{scale}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(out_root) / f".corpus-{scale}-{p.params_hash}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    t0 = time.perf_counter()
    generate(p, tmp / PROJECT_NAME, cache_dir=Path(out_root) / "lo-cache", progress=progress)
    seconds = time.perf_counter() - t0
    meta = {"scale": scale, "seed": seed, "params_hash": p.params_hash, "generated_seconds": round(seconds, 2),
            "files": [asdict(f) for f in p.files], "extra": {}}
    (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, base)
    return Corpus(base / PROJECT_NAME, scale, p.params_hash, meta["files"], seconds)


def generate(p: Plan, root: Path, cache_dir: Path, progress: Callable[[str], None] | None = None) -> None:
    say = progress or (lambda m: None)
    rng = random.Random(p.seed ^ 0x5EED)
    sentences = _sentences()
    root.mkdir(parents=True, exist_ok=True)
    for f in p.files:
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
    groups = p.by_type()

    say(f"LibreOffice: {p.scale.templates} templates + {len(groups['pdf-embedded'])} cover pages")
    templates, covers = _office_pdfs(p, rng, sentences, cache_dir, root.parent / "_lo")
    say(f"{len(groups['pdf-embedded'])} embedded-font PDFs")
    _write_embedded(groups["pdf-embedded"], root, templates, covers)
    say(f"{len(groups['pdf-cid'])} non-embedded CJK PDFs")
    for f in groups["pdf-cid"]:
        _write_cid_pdf(f, root / f.path, sentences)
    say(f"{len(groups['docx'])} docx, {len(groups['xlsx'])} xlsx, {len(groups['jpg'])} jpg")
    for f in groups["docx"]:
        _write_docx(f, root / f.path, sentences)
    for f in groups["xlsx"]:
        _write_xlsx(f, root / f.path, p.communities)
    for f in groups["jpg"]:
        _write_jpg(f, root / f.path)
    _write_project(p, root)
    shutil.rmtree(root.parent / "_lo", ignore_errors=True)


def _east_asian(run, font: str, size_pt: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), font)
    if size_pt:
        run.font.size = Pt(size_pt)


def _paragraphs(rng: random.Random, sentences: list[str], chars: int) -> list[str]:
    out, cur = [], ""
    while sum(map(len, out)) + len(cur) < chars:
        cur += rng.choice(sentences)
        if len(cur) > rng.randrange(120, 320):
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def _template_docx(path: Path, rng: random.Random, sentences: list[str], pages: int, index: int) -> None:
    """A Word document of about ``pages`` pages in 公文 style: headings, body, a table."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    for page in range(pages):
        head = doc.add_paragraph()
        _east_asian(head.add_run(f"{'一二三四五六七八九十'[page % 10]}、{rng.choice(TOPICS)}工作情况（{index + 1}-{page + 1}）"),
                    "黑体", 16)
        for text in _paragraphs(rng, sentences, 420):
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(32)
            _east_asian(para.add_run(text), "仿宋_GB2312", 16)
        if page % 4 == 1:
            table = doc.add_table(rows=4, cols=4)
            table.style = "Table Grid"
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = ("序号", "单位", "完成情况", "备注")[c] if r == 0 else \
                        (str(r), rng.choice(TOWNSHIPS), rng.choice(("已完成", "推进中")), "")[c]
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    doc.save(path)


def _organisation(dept: str) -> str:
    """县民政局 → 城南县民政局; 团县委 → 共青团城南县委员会; none → the county government."""
    if dept.startswith("县"):
        return COUNTY + dept[1:]
    if dept == "团县委":
        return f"共青团{COUNTY}委员会"
    return f"{COUNTY}人民政府"


def _covers_docx(path: Path, files: list[FileSpec]) -> None:
    """One page per embedded-font PDF: 版头, 文号, title, date — what page 1 of a 公文 shows."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    doc = Document()
    for i, f in enumerate(files):
        org = _organisation(next((d for d in DEPARTMENTS if d in f.title), ""))
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(p.add_run(f"{org}文件" if f.doc_number else org), "方正小标宋简体", 26)
        if f.doc_number:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _east_asian(p.add_run(f.doc_number), "仿宋_GB2312", 16)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(p.add_run(f.title), "方正小标宋简体", 22)
        label = "会议时间" if f.kind == "会议纪要" else "活动时间" if f.kind == "活动记录" else "培训时间" \
            if f.kind == "培训记录" else None
        day = dt.date.fromisoformat(f.date)
        if label:
            _east_asian(doc.add_paragraph().add_run(f"{label}：{_cn_date(day)}"), "仿宋_GB2312", 16)
        if f.unit:
            _east_asian(doc.add_paragraph().add_run(f"单位：{f.unit}"), "仿宋_GB2312", 16)
        _east_asian(doc.add_paragraph().add_run(f"{COUNTY}各有关单位：现将有关材料印发给你们，请认真贯彻落实。"),
                    "仿宋_GB2312", 16)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _east_asian(p.add_run(_cn_date(day)), "仿宋_GB2312", 16)
        if i < len(files) - 1:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    doc.save(path)


def _office_pdfs(p: Plan, rng: random.Random, sentences: list[str], cache_dir: Path, work: Path):
    import pikepdf

    from dossier import office

    work.mkdir(parents=True, exist_ok=True)
    sources = []
    for t in range(p.scale.templates):
        path = work / f"template-{t}.docx"
        _template_docx(path, rng, sentences, p.scale.template_pages, t)
        sources.append(path)
    covers_path = work / "covers.docx"
    embedded = p.by_type()["pdf-embedded"]
    _covers_docx(covers_path, embedded)
    sources.append(covers_path)
    # python-docx stamps the save time into docProps, so the content hash (the cache key)
    # would change every run; hash the text instead, which is what decides the output.
    hashes = {s: hashlib.sha256(_docx_text(s).encode()).hexdigest() for s in sources}
    results = office.convert(sources, "pdf", cache_dir, hashes=hashes)
    bad = [str(s) for s, r in results.items() if r.output is None]
    if bad:
        raise RuntimeError(f"LibreOffice could not convert {bad}: {[results[Path(b)].error for b in bad]}")
    templates = [pikepdf.open(results[s].output) for s in sources[:-1]]
    covers = pikepdf.open(results[covers_path].output)
    if len(covers.pages) != len(embedded):
        raise RuntimeError(f"cover document has {len(covers.pages)} pages, expected {len(embedded)}")
    return templates, covers


def _docx_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _write_embedded(files: list[FileSpec], root: Path, templates, covers) -> None:
    import pikepdf

    for i, f in enumerate(files):
        out = pikepdf.new()
        out.pages.append(covers.pages[i])
        tpl = templates[f.template]
        n = len(tpl.pages)
        for k in range(f.pages - 1):
            out.pages.append(tpl.pages[(f.template_start + k) % n])
        out.docinfo["/Title"] = f.title
        out.docinfo["/Producer"] = "LibreOffice 7 (bench corpus)"
        out.save(root / f.path, deterministic_id=True, compress_streams=True)
    for t in templates:
        t.close()
    covers.close()


def _write_cid_pdf(f: FileSpec, path: Path, sentences: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rng = random.Random(f.seed)
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f.title)
    per_line, lines_per_page, size = 30, 34, 14
    day = dt.date.fromisoformat(f.date)
    for page in range(f.pages):
        y = h - 80
        lines: list[str] = []
        if page == 0:
            c.setFont("STSong-Light", 20)
            title = f.title
            while title:
                c.drawCentredString(w / 2, y, title[:24])
                title = title[24:]
                y -= 30
            if f.doc_number:
                c.setFont("STSong-Light", size)
                c.drawCentredString(w / 2, y, f.doc_number)
                y -= 28
            label = {"会议纪要": "会议时间", "活动记录": "活动时间", "培训记录": "培训时间"}.get(f.kind)
            if label:
                lines.append(f"{label}：{_cn_date(day)}")
            if f.unit:
                lines.append(f"单位：{f.unit}")
        text = "".join(_paragraphs(rng, sentences, per_line * (lines_per_page - len(lines) - 4)))
        lines += ["　　" + text[i:i + per_line - 2] if i == 0 else text[i:i + per_line]
                  for i in range(0, len(text), per_line)]
        c.setFont("STSong-Light", size)
        for line in lines[: int((y - 80) / (size * 1.6))]:
            c.drawString(72, y, line)
            y -= size * 1.6
        if page == f.pages - 1:
            c.drawRightString(w - 72, max(y - 20, 60), _cn_date(day))
        c.showPage()
    c.save()


def _write_docx(f: FileSpec, path: Path, sentences: list[str]) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    rng = random.Random(f.seed)
    day = dt.date.fromisoformat(f.date)
    doc = Document()
    doc.core_properties.title = f.title
    doc.core_properties.author = _organisation(next((d for d in DEPARTMENTS if d in f.title), ""))
    fixed = dt.datetime(2021, 10, 1, 9, 0, 0)
    doc.core_properties.created = doc.core_properties.modified = fixed
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(p.add_run(f.title), "方正小标宋简体", 22)
    if f.doc_number:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(p.add_run(f.doc_number), "仿宋_GB2312", 16)
    label = {"会议纪要": "会议时间", "活动记录": "活动时间", "培训记录": "培训时间"}.get(f.kind)
    if label:
        _east_asian(doc.add_paragraph().add_run(f"{label}：{_cn_date(day)}"), "仿宋_GB2312", 16)
    for text in _paragraphs(rng, sentences, rng.randrange(500, 1100)):
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(32)
        _east_asian(para.add_run(text), "仿宋_GB2312", 16)
    table = doc.add_table(rows=5, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = ("序号", "事项", "责任单位")[c] if r == 0 else (str(r), rng.choice(TOPICS), rng.choice(DEPARTMENTS))[c]
    section = doc.sections[0]
    _east_asian(section.footer.paragraphs[0].add_run(f"{COUNTY}未成年人保护工作"), "仿宋_GB2312", 10)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _east_asian(p.add_run(_cn_date(day)), "仿宋_GB2312", 16)
    doc.save(path)


def _write_xlsx(f: FileSpec, path: Path, communities: tuple[str, ...]) -> None:
    from openpyxl import Workbook

    rng = random.Random(f.seed)
    wb = Workbook()
    wb.properties.created = wb.properties.modified = dt.datetime(2021, 10, 1, 9, 0, 0)
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = f.title
    ws.merge_cells("A1:F1")
    ws.append(["序号", "单位", "日期", "事项", "人数", "备注"])
    start = dt.date.fromisoformat(f.date)
    for i in range(rng.randrange(15, 45)):
        ws.append([i + 1, rng.choice(communities), start + dt.timedelta(days=rng.randrange(0, 60)),
                   rng.choice(TOPICS), rng.randrange(3, 80), ""])
        ws.cell(row=ws.max_row, column=3).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEF", (6, 16, 12, 24, 8, 10)):
        ws.column_dimensions[col].width = width
    wb.save(path)


def _write_jpg(f: FileSpec, path: Path) -> None:
    from PIL import Image, ImageDraw

    rng = random.Random(f.seed)
    w, h = 1600, 1200
    img = Image.new("RGB", (w, h), (rng.randrange(90, 200), rng.randrange(90, 200), rng.randrange(90, 200)))
    draw = ImageDraw.Draw(img)
    for _ in range(25):
        x, y = rng.randrange(w), rng.randrange(h)
        box = (x, y, x + rng.randrange(60, 500), y + rng.randrange(60, 400))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    # Sensor noise makes the JPEG as large as a phone photo's, which matters for I/O.
    noise = Image.effect_noise((w, h), 40).convert("RGB")
    img = Image.blend(img, noise, 0.25)
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "bench-camera"
    day = dt.date.fromisoformat(f.date)
    exif[0x0132] = f"{day:%Y:%m:%d} 10:30:00"
    exif.get_ifd(0x8769)[0x9003] = f"{day:%Y:%m:%d} 10:30:00"
    if f.exif_rotated:
        exif[0x0112] = 6  # stored sideways; a viewer turns it 90° clockwise
    img.save(path, "JPEG", quality=85, exif=exif.tobytes())


def _write_project(p: Plan, root: Path) -> None:
    from openpyxl import Workbook

    (root / "台账").mkdir(exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "村社区"
    ws.append(["序号", "名称", "所属乡镇"])
    for i, name in enumerate(p.communities, 1):
        ws.append([i, name, TOWNSHIPS[i % len(TOWNSHIPS)]])
    wb.save(root / "台账" / "村社区名单.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "培训台账"
    ws.append(["姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时"])
    for t in p.trainees:
        ws.append([t["name"], t["role"], t["unit"], dt.date.fromisoformat(t["appointed"]),
                   dt.date.fromisoformat(t["trained"]), t["course"], t["total"], t["child"]])
        for col in (4, 5):
            ws.cell(row=ws.max_row, column=col).number_format = "yyyy-mm-dd"
    wb.save(root / "台账" / "培训台账.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "材料清单"
    ws.append(["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"])
    for r in p.manifest_rows:
        date_cell = dt.date.fromisoformat(r["date"]) if r["date"] and r["excel_date"] else \
            _cn_date(dt.date.fromisoformat(r["date"])) if r["date"] else None
        ws.append(["、".join(r["ids"]), r["file"], r["title"] or None, r["kind"] or None, date_cell,
                   r["unit"], None])
        if isinstance(date_cell, dt.date):
            ws.cell(row=ws.max_row, column=5).number_format = "yyyy-mm-dd"
    wb.save(root / "材料清单.xlsx")

    schools = "\n".join(f"    - {s}" for s in SCHOOLS)
    townships = ", ".join(TOWNSHIPS)
    (root / "dossier.yaml").write_text(f"""\
# Benchmark corpus ({p.scale.name}, seed {p.seed}); generated by bench/corpus.py.
catalog: minor-protection-2021
evidence_dir: 材料
applicant:
  name: {COUNTY}人民政府
  contact: {{name: 覃丽娟, title: 县民政局副局长, phone: 0775-6213548, mobile: "13977561482"}}
application_date: 2021-10-25
period: {{start: {PERIOD[0].isoformat()}, end: {PERIOD[1].isoformat()}}}
population: 350000
units:
  townships: [{townships}]
  communities: {{file: 台账/村社区名单.xlsx}}
  schools:
{schools}
narrative: "{COUNTY}位于桂东南，辖8个乡镇、{len(p.communities)}个村（社区），常住人口35万人。近年来，县委、县政府高度重视未成年人保护工作，建立了县级未成年人保护工作协调机制。"
self_assessment: "对照创建达标体系逐项自评，各项工作标准均已落实。"
request:
  issuer: {COUNTY}人民政府
  doc_number: 城政〔2021〕12号
  signer: 莫建华
  to: 自治区民政厅
  date: 2021-10-25
""", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the benchmark corpus (cached by parameters).")
    ap.add_argument("--scale", choices=sorted(SCALES), default="county")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--seed", type=int, default=2021)
    args = ap.parse_args(argv)
    corpus = ensure(args.scale, args.out, args.seed, progress=lambda m: print(f"  · {m}", flush=True))
    state = "cached" if corpus.cached else f"generated in {corpus.generated_seconds:.1f} s"
    pages = sum(f["pages"] for f in corpus.files)
    print(f"{corpus.root}: {len(corpus.files)} files, ≈{pages} pages ({state})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
