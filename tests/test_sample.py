"""The bundled sample county ``samples/示范县``: its generator, its contents and its expected check.

The generator runs once per module into a temporary folder (about 10 s, LibreOffice included);
the other tests read that output or the committed sample.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dossier import catalog as catalog_lib
from dossier import project as project_lib
from dossier.ids import NAME_PREFIX, split_ids

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
COMMITTED = SAMPLES / "示范县"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
CORRUPT = "材料/其他/损坏的扫描件.pdf"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The sample as the committed generator writes it today, via its command line."""
    base = tmp_path_factory.mktemp("sample")
    out = base / "示范县"
    proc = subprocess.run([sys.executable, str(SAMPLES / "make_sample.py"), "--out", str(out),
                           "--expected", str(base / "expected.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def project_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.relative_to(root).parts[0] != "输出")


def manifest_rows(root: Path) -> list[tuple[int, dict]]:
    ws = load_workbook(root / "材料清单.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [(n, dict(zip(header, row))) for n, row in enumerate(rows[1:], start=2) if any(row)]


def resolve(root: Path, written: str) -> Path:
    written = written.replace("\\", "/")
    direct = root / written
    return direct if direct.exists() else root / "材料" / written


def pdf_text(path: Path) -> str:
    import pypdf

    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def test_generator_writes_every_file_the_manifest_names(generated):
    """Every manifest row names a file that exists (project-relative, relative to 材料/, or with
    Windows separators), and the project has dossier.yaml, both registers and the roster.
    This test ensures that the generated project is complete and a clerk's manifest matches its files."""
    rows = manifest_rows(generated)
    assert len(rows) > 60
    missing = [(n, r["文件"]) for n, r in rows if not resolve(generated, r["文件"]).is_file()]
    assert missing == []
    assert any("\\" in r["文件"] for _, r in rows), "one row is written with Windows separators"
    assert any(not r["文件"].startswith("材料/") for _, r in rows), "one row is relative to 材料/"
    for name in ("dossier.yaml", "台账/培训台账.xlsx", "台账/村社区名单.xlsx", "台账/从业查询台账.xlsx", "材料/基本情况.docx"):
        assert (generated / name).is_file(), name


def test_manifest_ids_are_catalog_ids_except_the_deliberate_bad_row(generated):
    """Every ID in the manifest and in ID-prefixed folder/file names is a catalog ID, except the
    one deliberate 2.1.9 row that expected.json reports with its row number.
    This test ensures that the sample's only manifest mistake is the documented one."""
    valid = set(catalog_lib.load().ids())
    bad = [(n, i) for n, r in manifest_rows(generated) for i in split_ids(r["指标编号"]) if i not in valid]
    assert bad == [(m["row"], m["id"]) for m in EXPECTED["manifest"]] == [(bad[0][0], "2.1.9")]
    named = {m.group(1) for f in project_files(generated) for part in Path(f).parts
             if (m := NAME_PREFIX.match(part))}
    assert named and named <= valid
    multi = [r["指标编号"] for _, r in manifest_rows(generated) if len(split_ids(r["指标编号"])) > 1]
    assert len(multi) >= 3, "several IDs in one cell, with different separators"


def test_every_pdf_has_extractable_chinese_text_except_the_corrupt_scan(generated):
    """All PDFs — LibreOffice exports with embedded fonts and reportlab ones with the
    non-embedded STSong-Light — yield Chinese text; the deliberately truncated scan cannot be opened.
    This test ensures that the evidence is real text a reader can index, and the broken file is really broken."""
    import pypdf

    pdfs = [f for f in project_files(generated) if f.endswith(".pdf")]
    assert len(pdfs) > 80
    short = {f: len(CJK.findall(pdf_text(generated / f))) for f in pdfs if f != CORRUPT}
    assert {f: n for f, n in short.items() if n < 30} == {}
    with pytest.raises(Exception):
        pypdf.PdfReader(generated / CORRUPT, strict=True).pages[0].extract_text()
    minutes = pdf_text(generated / "材料/2.1.3 县级会议/2021-03-15 示范县未成年人保护工作领导小组2021年第一次全体会议纪要.pdf")
    assert "会议时间：2021年3月15日" in minutes.replace(" ", "")
    assert "示未保组纪〔2021〕1号" in minutes


def test_dossier_yaml_loads_with_every_contract_key(generated):
    """dossier.yaml passes the schema and yields the county's settings; the communities come from
    the Excel roster's 名称 column.
    This test ensures that the sample is a valid project per CONTRACT §2."""
    p = project_lib.load(generated)
    assert p.applicant == "示范县人民政府" and p.contact.mobile == "13907710001"
    assert (p.application_date, p.period_start, p.period_end) == (dt.date(2021, 10, 25), dt.date(2020, 1, 1),
                                                                   dt.date(2021, 9, 30))
    assert p.population == 350000
    assert p.units["townships"] == ("城关镇", "大坡镇", "六景镇", "新圩镇")
    assert len(p.units["communities"]) == 10 and "平安村" in p.units["communities"]
    assert len(p.units["schools"]) == 5
    assert "基本情况" in p.narrative and p.narrative_file == "材料/基本情况.docx"
    assert p.incidents == () and p.request.doc_number == "示政〔2021〕12号"


def test_expected_json_covers_every_catalog_item():
    """expected.json lists every standard and N-item in catalog order with a valid status, and
    explains each deliberate gap in README.md.
    This test ensures that the end-to-end expectation is complete."""
    cat = catalog_lib.load()
    assert [i["id"] for i in EXPECTED["indicators"]] == list(cat.ids())
    statuses = {i["id"]: i["status"] for i in EXPECTED["indicators"]}
    for item in cat.items():
        allowed = {"declared", "undeclared", "violated"} if item.negative else {"met", "partial", "missing",
                                                                               "not_applicable"}
        assert statuses[item.id] in allowed, item.id
    assert EXPECTED["eligible"] is True and EXPECTED["exit_code"] == 1
    assert sum(EXPECTED["summary"].values()) == 83
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for row in EXPECTED["indicators"]:
        if row["status"] not in ("met", "declared"):
            assert f"| {row['id']} |" in readme and row["problems"], row["id"]


def test_committed_sample_matches_the_generator(generated):
    """The committed sample has the same files as a fresh run, the same texts (whitespace aside,
    so another LibreOffice version still passes), and the same expected.json and README.
    This test ensures that nobody edits the generator without regenerating the sample, and that generation is stable."""
    import docx

    assert project_files(generated) == project_files(COMMITTED)
    assert json.loads((generated.parent / "expected.json").read_text(encoding="utf-8")) == EXPECTED

    def text(root: Path, f: str) -> str:
        if f.endswith(".pdf") and f != CORRUPT:
            return re.sub(r"\s+", "", pdf_text(root / f))
        if f.endswith(".docx"):
            return "\n".join(p.text for p in docx.Document(str(root / f)).paragraphs)
        if f.endswith(".xlsx"):
            return repr([list(r) for ws in load_workbook(root / f) for r in ws.iter_rows(values_only=True)])
        return ""

    differ = [f for f in project_files(COMMITTED) if text(generated, f) != text(COMMITTED, f)]
    assert differ == []


def test_committed_sample_is_small():
    """The committed sample stays within 3 MB and no file exceeds 400 KB.
    This test ensures that the repository stays light and tests stay fast."""
    sizes = {f: (COMMITTED / f).stat().st_size for f in project_files(COMMITTED)}
    assert sum(sizes.values()) <= 3 * 1024 * 1024
    assert {f: s for f, s in sizes.items() if s > 400 * 1024} == {}


def test_registers_and_photos_carry_real_dates(generated):
    """The training register has CONTRACT §4's headers with real Excel date cells and the three
    roles; photos carry EXIF DateTimeOriginal and one needs EXIF rotation (orientation 6).
    This test ensures that register and photo dates are real data, not text that merely looks like dates."""
    from PIL import Image

    ws = load_workbook(generated / "台账/培训台账.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时")
    assert {r[1] for r in rows[1:]} >= {"儿童主任", "儿童督导员", "强制报告责任人员"}
    assert all(isinstance(r[3], dt.datetime) and isinstance(r[4], dt.datetime) for r in rows[1:])
    late = [r for r in rows[1:] if r[0] == "潘玉兰"]
    assert late and all(r[4] > dt.datetime(2021, 6, 1) for r in late)
    photos = [f for f in project_files(generated) if f.endswith(".jpg")]
    assert len(photos) >= 8
    orientations = []
    for f in photos:
        exif = Image.open(generated / f).getexif()
        assert re.fullmatch(r"\d{4}:\d\d:\d\d \d\d:\d\d:\d\d", exif.get_ifd(0x8769)[0x9003]), f
        orientations.append(exif.get(0x0112))
    assert 6 in orientations


def test_per_unit_evidence_matches_the_rosters(generated):
    """The manifest's 主体 column covers every school (5.2.2) and community (11.1.3), 8 of 10
    communities for 10.2.2 (the gap), 3 of 4 townships for 10.1.2, two organisations for 10.3.1,
    and four minutes per township for 2.1.7.
    This test ensures that the coverage rules are met or missed exactly as documented."""
    p = project_lib.load(generated)
    units: dict[str, list[str]] = {}
    for _, r in manifest_rows(generated):
        for i in split_ids(r["指标编号"]):
            if r["主体"]:
                units.setdefault(i, []).append(r["主体"])
    assert set(units["5.2.2"]) == set(p.units["schools"])
    assert set(units["11.1.3"]) == set(p.units["communities"])
    assert set(p.units["communities"]) - set(units["10.2.2"]) == {"长塘村", "平安村"}
    assert len(set(units["10.1.2"]) & set(p.units["townships"])) == 3
    assert len(set(units["10.3.1"])) == 2
    assert sorted(units["2.1.7"]) == sorted(t for t in p.units["townships"] for _ in range(4))


def test_check_finds_exactly_the_deliberate_gaps(tmp_path, cli):
    """`dossier check --format json` on a copy of the committed sample gives expected.json's
    status and problem codes for every item, the same evidence, the unreadable scan, the bad
    manifest row, eligibility, and exit code 1.
    This test ensures that the sample and the check engine agree end to end."""
    project = tmp_path / "示范县"
    shutil.copytree(COMMITTED, project, ignore=shutil.ignore_patterns("输出"))
    result = cli("check", str(project), "--format", "json")
    assert result.exit_code == EXPECTED["exit_code"], result.stderr
    got = json.loads(result.stdout)
    assert got["eligible"] is EXPECTED["eligible"]
    assert got["summary"] == EXPECTED["summary"]
    found = {i["id"]: i for i in got["indicators"]}
    assert list(found) == [i["id"] for i in EXPECTED["indicators"]]
    for want in EXPECTED["indicators"]:
        have = found[want["id"]]
        codes = {p["code"] for p in have["problems"]}
        assert (want["id"], have["status"]) == (want["id"], want["status"])
        assert set(want["problems"]) <= codes, (want["id"], have["problems"])
        assert sorted(have["evidence"]) == want["assigned"], want["id"]
    files = {f["path"]: f for f in got["files"]}
    assert {p for p, f in files.items() if f["status"] == "error"} == set(EXPECTED["unreadable"])
    assert {(m["source"], m["row"]) for m in got["manifest"]} == {(m["source"], m["row"]) for m in EXPECTED["manifest"]}
    assert all("2.1.9" in m["message"] for m in got["manifest"])
