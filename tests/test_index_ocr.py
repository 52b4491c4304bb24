"""The OCR stage of ``dossier index`` (CONTRACT.md §8) on a county folder of scans and photos:
facts from OCR'd text, the per-year rule decided from OCR'd dates alone, the seal warning,
search, the JSON report, caching, and turning OCR off.

One project is indexed once for the module (7 scanned pages, on both cores); the other
tests read it or re-run cheap warm passes."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pikepdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evidence_makers import pdf_bytes  # noqa: E402
from scan_fixtures import as_pdf, page  # noqa: E402

from dossier import catalog as catalog_lib  # noqa: E402
from dossier import index as index_lib  # noqa: E402
from dossier import project as project_lib  # noqa: E402
from dossier.check import run_check  # noqa: E402

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "index-report.schema.json").read_text("utf-8"))
CONFIG = """catalog: minor-protection-2021
evidence_dir: 材料
application_date: 2021-10-25
period: {start: 2020-01-01, end: 2021-09-30}
population: 250000
"""


def _mixed_pdf(scan_jpeg: bytes) -> bytes:
    """Page 1 born digital (a text layer), page 2 a scan of a signed page."""
    out = pikepdf.new()
    for data in (pdf_bytes([["示范县未成年人保护工作情况报告", "2021年6月1日"] + ["正文内容"] * 5]), as_pdf(scan_jpeg)):
        src = pikepdf.open(io.BytesIO(data))
        out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Scanned minutes (two a year, dates only in the scans), a rotated 红头通知, a sealed and an
    unsealed 承诺书 (a phone photo), and a mixed PDF."""
    root = tmp_path_factory.mktemp("ocr") / "扫描县"
    meeting = root / "材料" / "2.1.3 县级会议"
    meeting.mkdir(parents=True)
    (root / "材料" / "N1 承诺书").mkdir(parents=True)
    (root / "材料" / "其他").mkdir(parents=True)
    (root / "材料" / "1.2.2 决策部署").mkdir(parents=True)
    (root / "dossier.yaml").write_text(CONFIG, encoding="utf-8")
    truths = {}
    for i, (year, rotation, photo) in enumerate([(2020, 0, False), (2020, 180, False), (2021, 0, True),
                                                   (2021, 0, False)]):
        data, truth = page(20 + i, kind="会议纪要", year=year, rotation=rotation, photo=photo, seal=True)
        name = f"材料/2.1.3 县级会议/第{i + 1}次会议纪要" + (".pdf" if i == 1 else ".jpg")
        (root / name).write_bytes(as_pdf(data) if i == 1 else data)
        truths[name] = truth
    data, truth = page(30, kind="红头通知", rotation=90, photo=False, seal=True)
    truths["材料/1.2.2 决策部署/通知扫描件.pdf"] = truth
    (root / "材料/1.2.2 决策部署/通知扫描件.pdf").write_bytes(as_pdf(data))
    data, truth = page(31, kind="承诺书", seal=True, photo=False, rotation=0)
    truths["材料/N1 承诺书/承诺书（盖章）.jpg"] = truth
    (root / "材料/N1 承诺书/承诺书（盖章）.jpg").write_bytes(data)
    data, truth = page(32, kind="承诺书", seal=False, photo=True, rotation=0)
    truths["材料/N1 承诺书/承诺书（未盖章）.jpg"] = truth
    (root / "材料/N1 承诺书/承诺书（未盖章）.jpg").write_bytes(data)
    data, truth = page(33, kind="签到表", seal=False, photo=False, rotation=0)
    (root / "材料/其他/情况报告.pdf").write_bytes(_mixed_pdf(data))
    truths["材料/其他/情况报告.pdf"] = truth
    project = project_lib.load(root)
    catalog = catalog_lib.load(project.catalog)
    calls = []
    result = index_lib.run_index(project, catalog, jobs=2, progress=lambda *a: calls.append(a))
    return root, truths, result, calls


def test_scans_give_titles_dates_and_doc_numbers(county):
    """Every scanned page's title, 文号 and dates come from OCR, as from a text layer.
    This test ensures that OCR text feeds the same facts as a text layer."""
    root, truths, result, calls = county
    assert result.stats.ocr_pages == 8
    assert calls[-1] == ("ocr", 8, 8)
    for path, truth in truths.items():
        f = result.file(path)
        assert f.ok, (path, f.error)
        if path.endswith("情况报告.pdf"):
            continue
        assert f.ocr_pages == 1 and f.scanned_pages == (1,)
        assert f.title == truth.title, path
        assert f.doc_number == truth.doc_number, path
        assert [d.isoformat() for d in f.dates] == truth.dates, path
        assert f.seal is truth.seal, path
    minutes = [result.file(p) for p in truths if "会议纪要" in p]
    assert all(f.kind == "会议纪要" and f.date_source == "会议时间" for f in minutes)
    assert result.file("材料/N1 承诺书/承诺书（盖章）.jpg").kind == "承诺书"


def test_mixed_pdf_ocrs_only_its_scanned_page(county):
    """A PDF whose first page has a text layer and whose second is a scan: only page 2 is OCR'd.
    This test ensures that text layers are kept and only missing ones recognised."""
    _, truths, result, _ = county
    f = result.file("材料/其他/情况报告.pdf")
    assert f.scanned_pages == (2,) and f.ocr_pages == 1 and f.pages == 2
    assert f.page_texts[0].startswith("示范县未成年人保护工作情况报告")
    assert "培训时间" in f.page_texts[1]
    assert "序号\t姓名\t单位\t联系电话" in f.page_texts[1]  # a skewed table still reads row by row


def test_per_year_rule_is_decided_from_ocr_dates_and_pledge_seal_is_checked(county):
    """2.1.3 needs two 会议纪要 in each year; the only dates are printed on the scans. The
    unsealed 承诺书 photo gets the ``unsealed`` warning, the stamped one does not.
    This test ensures that scanned minutes count per year and missing seals are reported."""
    root, _, _, _ = county
    report, _, _ = run_check(root)
    f = report.finding("2.1.3")
    assert f.status == "met", f.problems
    assert not [w for w in f.warnings if w.code == "undated-evidence"]
    n1 = report.finding("N1")
    assert n1.status == "declared"
    unsealed = [w for w in n1.warnings if w.code == "unsealed"]
    assert len(unsealed) == 1 and "未见公章" in unsealed[0].message
    assert "承诺书（未盖章）.jpg" in unsealed[0].message


def test_index_json_report_and_search(county, cli):
    """``dossier index --format json`` lists every file with the contract's keys and validates
    against the schema; ``dossier search`` finds a word printed on a scan, with its page.
    This test ensures that scripts and clerks see OCR results."""
    root, truths, _, _ = county
    res = cli("index", root, "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    jsonschema.validate(report, SCHEMA)
    by_path = {f["path"]: f for f in report["files"]}
    assert set(by_path) == set(truths)
    keys = {"path", "status", "message", "kind", "title", "date", "date_source", "doc_number", "issuer", "pages",
            "ocr_pages", "seal", "assigned"}
    assert all(keys <= set(f) for f in report["files"])
    first = by_path["材料/2.1.3 县级会议/第1次会议纪要.jpg"]
    assert first["date"] == truths["材料/2.1.3 县级会议/第1次会议纪要.jpg"].dates[0]
    assert first["date_source"] == "label" and first["assigned"] == ["2.1.3"] and first["ocr_pages"] == 1
    notice = by_path["材料/1.2.2 决策部署/通知扫描件.pdf"]
    assert notice["date_source"] == "closing" and notice["seal"] is True
    assert by_path["材料/N1 承诺书/承诺书（未盖章）.jpg"]["seal"] is False
    res = cli("search", "-p", root, "参会人员")
    assert res.exit_code == 0
    assert "第1次会议纪要.jpg  第 1 页" in res.stdout


def test_warm_run_and_turning_ocr_off_and_on(county, tmp_path, cli):
    """A second run recognises nothing; ``--no-ocr`` and ``ocr: false`` index the scans without
    their text; turning OCR back on takes the cached pages, recognising none.
    This test ensures that OCR happens once per content and can be switched off."""
    root, truths, _, _ = county
    copy = tmp_path / "副本"
    shutil.copytree(root, copy)
    project = project_lib.load(copy)
    catalog = catalog_lib.load(project.catalog)
    warm = index_lib.run_index(project, catalog)
    assert warm.stats.ocr_pages == 0 and warm.stats.read == 0
    res = cli("index", copy, "--no-ocr", "--format", "json")
    files = {f["path"]: f for f in json.loads(res.stdout)["files"]}
    photo = files["材料/N1 承诺书/承诺书（未盖章）.jpg"]
    assert photo["ocr_pages"] == 0 and photo["seal"] is None and photo["title"] == "承诺书（未盖章）"
    assert files["材料/2.1.3 县级会议/第2次会议纪要.pdf"]["date"] is None
    back = index_lib.run_index(project, catalog)
    assert back.stats.ocr_pages == 0  # all from the cache
    assert back.file("材料/N1 承诺书/承诺书（未盖章）.jpg").ocr_pages == 1
    (copy / "dossier.yaml").write_text(CONFIG + "ocr: false\n", encoding="utf-8")
    off = index_lib.run_index(project_lib.load(copy), catalog)
    assert all(f.ocr_pages == 0 for f in off.files)


def test_bound_dossier_is_upright_and_searchable(county, tmp_path, cli):
    """``dossier build``: the 90°-scanned 通知 and the 180°-scanned 纪要 are bound upright
    (portrait pages) and their recognised text is in the 汇编's text layer.
    This test ensures that the province's reviewer can search the scans."""
    import pdfplumber

    root, truths, _, _ = county
    copy = tmp_path / "装订县"
    shutil.copytree(root, copy)
    (copy / "dossier.yaml").write_text(CONFIG + "applicant: {name: 扫描县人民政府}\n"
                                       "request: {doc_number: 扫政〔2021〕12号, signer: 李明华, to: 南宁市民政局}\n",
                                       encoding="utf-8")
    res = cli("build", str(copy))
    assert res.exit_code in (0, 1), res.output
    bundle = copy / "输出" / "证明材料汇编.pdf"
    notice = truths["材料/1.2.2 决策部署/通知扫描件.pdf"]
    minutes = truths["材料/2.1.3 县级会议/第2次会议纪要.pdf"]
    # A line printed only on that scan identifies its page (the 目录 lists titles too).
    marks = {notice.title: "县直各有关单位", minutes.title: next(ln for ln in minutes.lines if "参会人员" in ln)[-8:]}
    found = {}
    with pdfplumber.open(bundle) as pdf:
        for page in pdf.pages:
            text = (page.extract_text() or "").replace("\n", "")
            for title, mark in marks.items():
                if mark in text:
                    found[title] = page.page_number
                    assert page.width < page.height
                    hit = page.search(title[-6:])
                    assert hit and hit[0]["top"] < page.height / 3  # a title sits at the top
    assert set(found) == set(marks)
