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
# Paper pages as the scanner or a phone delivers them: their text exists only in the image.
SCANNED_MINUTES = "材料/2.1.3 县级会议/领导小组第二次全体会议纪要（扫描件）.pdf"
STAMPED_PHOTO = "材料/N1 承诺书/示范县人民政府承诺书（盖章原件照片）.jpg"
SCANS = (SCANNED_MINUTES, STAMPED_PHOTO)


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
    The scanned minutes are the exception: an image without a text layer.
    This test ensures that the evidence is real text a reader can index, and the broken file is really broken."""
    import pypdf

    pdfs = [f for f in project_files(generated) if f.endswith(".pdf")]
    assert len(pdfs) > 80
    short = {f: len(CJK.findall(pdf_text(generated / f))) for f in pdfs if f not in (CORRUPT, *SCANS)}
    assert {f: n for f, n in short.items() if n < 30} == {}
    assert pdf_text(generated / SCANNED_MINUTES).strip() == ""  # an image only: OCR has to read it
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
    # The scans are drawn from seeds: the same bytes every time.
    assert [f for f in SCANS if (generated / f).read_bytes() != (COMMITTED / f).read_bytes()] == []


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


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """A copy of the committed sample and its `dossier check --format json` (OCR on, the default)."""
    from cli_runner import invoke

    project = tmp_path_factory.mktemp("checked") / "示范县"
    shutil.copytree(COMMITTED, project, ignore=shutil.ignore_patterns("输出"))
    result = invoke("check", str(project), "--format", "json")
    return project, result


def test_check_finds_exactly_the_deliberate_gaps(checked):
    """`dossier check --format json` on a copy of the committed sample gives expected.json's
    status and problem codes for every item, the same evidence, the unreadable scan, the bad
    manifest row, eligibility, and exit code 1.
    This test ensures that the sample and the check engine agree end to end."""
    _, result = checked
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


def _per_year(check: dict) -> list[str]:
    row = next(i for i in check["indicators"] if i["id"] == "2.1.3")
    return sorted(p["message"] for p in row["problems"] if p["code"] == "too-few-per-year")


def test_scanned_minutes_decide_2_1_3_by_their_ocr_date(checked, tmp_path, cli):
    """The scanned 2020 minutes carry their date only in the page image: with OCR the index
    reads 2020年11月26日 from its 会议时间 line, so 2020 has its two meetings and 2.1.3 misses
    only 2021; with `ocr: false` the scan is undated and 2020 falls short as well. The phone
    photo of the stamped 承诺书 is read as a 承诺书 with its 公章 found.
    This test ensures that 2.1.3's per-year rule is decided by OCR'd dates alone and that the demo shows OCR at work."""
    project, result = checked
    assert _per_year(json.loads(result.stdout)) == ["2021年仅1份会议纪要，需至少2份"]
    index = cli("index", str(project), "--format", "json")
    files = {f["path"]: f for f in json.loads(index.stdout)["files"]}
    minutes, photo = files[SCANNED_MINUTES], files[STAMPED_PHOTO]
    assert (minutes["date"], minutes["ocr_pages"], minutes["kind"]) == ("2020-11-26", 1, "会议纪要")
    assert minutes["date_source"] not in ("manifest", "filename")
    assert minutes["title"] == "示范县未成年人保护工作领导小组2020年第二次全体会议纪要"
    assert (photo["kind"], photo["seal"], photo["date"]) == ("承诺书", True, "2021-09-28")

    off = tmp_path / "示范县"
    shutil.copytree(COMMITTED, off, ignore=shutil.ignore_patterns("输出"))
    with open(off / "dossier.yaml", "a", encoding="utf-8") as f:
        f.write("ocr: false\n")
    without = json.loads(cli("check", str(off), "--format", "json").stdout)
    assert _per_year(without) == ["2020年仅1份会议纪要，需至少2份", "2021年仅1份会议纪要，需至少2份"]


def test_sample_builds_with_the_scans_searchable(checked, cli):
    """`dossier build` and `verify` exit 0 on the sample; in the 汇编, the page the scanned
    minutes' bookmark points to carries the recognised date as (invisible) text that
    pdfplumber extracts, and the stamped photo's page carries its title.
    This test ensures that a reviewer can search the bound scans of the demo packet."""
    import pdfplumber
    import pypdf

    project, _ = checked
    built = cli("build", str(project))
    assert built.exit_code == 0, built.output
    verified = cli("verify", str(project))
    assert verified.exit_code == 0, verified.output
    packet = project / "输出" / "证明材料汇编.pdf"
    reader = pypdf.PdfReader(packet)

    def pages_of(title_part: str) -> list[int]:
        found, todo = [], list(reader.outline)
        while todo:
            node = todo.pop()
            if isinstance(node, list):
                todo.extend(node)
            elif title_part in node.title:
                found.append(reader.get_destination_page_number(node))
        return found

    minutes_pages = pages_of("2020年第二次全体会议纪要")
    photo_pages = pages_of("重大安全事故的承诺书")
    assert len(minutes_pages) == 1 and len(photo_pages) == 1
    with pdfplumber.open(packet) as pdf:
        minutes = re.sub(r"\s+", "", pdf.pages[minutes_pages[0]].extract_text() or "")
        photo = re.sub(r"\s+", "", pdf.pages[photo_pages[0]].extract_text() or "")
    assert "会议时间：2020年11月26日" in minutes
    assert "示未保组纪〔2020〕4号" in minutes
    assert "重大安全事故" in photo
