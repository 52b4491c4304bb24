"""The example scheme of docs/CATALOG.md (食品安全示范县, pure data): it validates, a project
generated for it is checked with its own kinds, rosters, facts, register columns, wording and
scores, and its 通知 with 附件1/附件2 renders — without a line of Python for the scheme."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import docx
import pytest
import yaml
from openpyxl import Workbook

from dossier import catalog as catalog_lib
from dossier.records import MATERIAL_KINDS
from evidence_makers import pdf_bytes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "food-safety-demo.yaml"


def test_example_is_documented_and_complete(cli):
    """The file validates, and has what the issue asks an example to show: ≥3 categories,
    ≥10 standards, 2 negative items, ≥4 rule types, a custom kind and a custom roster, and
    docs/CATALOG.md quotes it whole.
    This test ensures that the clerk's example stays a complete, valid scheme."""
    r = cli("catalog", "validate", str(EXAMPLE))
    assert r.exit_code == 0, r.stderr
    assert "格式正确" in r.stdout and "总分 100 分" in r.stdout
    cat = catalog_lib.load(str(EXAMPLE), validate=True)
    assert len(cat.categories) >= 3 and len(cat.standards) >= 10 and len(cat.negative_items) == 2
    assert len({r.type for s in cat.items() for r in s.rules}) >= 4
    assert set(cat.kinds) - set(MATERIAL_KINDS) == {"影像资料", "检测报告"}
    assert "markets" in cat.units and cat.units["markets"].label == "农贸市场"
    doc = (REPO / "docs" / "CATALOG.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8").strip() in doc


def _png(color: tuple[int, int, int]) -> bytes:
    """A small photo; each a different colour so no two are identical copies."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "PNG")
    return buf.getvalue()


def _register(path: Path, rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "人员类别", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "食品安全课时"])
    for row in rows:
        ws.append(row)
    wb.save(path)


@pytest.fixture
def food_project(tmp_path, cli):
    root = tmp_path / "某某县"
    r = cli("init", str(root), "--catalog", str(EXAMPLE))
    assert r.exit_code == 0, r.stderr
    cfg = yaml.safe_load((root / "dossier.yaml").read_text(encoding="utf-8"))
    assert cfg["facts"] == {"is_minority_area": False}
    cfg["units"] = {"townships": ["城关镇", "大坡镇"], "markets": ["城关农贸市场", "大坡农贸市场"]}
    cfg["population"] = 420000
    (root / "dossier.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    files = {
        "材料/1.1.1 食安委/2023年第一次全体会议纪要.pdf": ["县食品安全委员会2023年第一次全体会议纪要", "会议时间：2023年3月10日"],
        "材料/1.1.1 食安委/2023年第二次全体会议纪要.pdf": ["县食品安全委员会2023年第二次全体会议纪要", "会议时间：2023年9月12日"],
        "材料/1.1.1 食安委/2024年第一次全体会议纪要.pdf": ["县食品安全委员会2024年第一次全体会议纪要", "会议时间：2024年4月2日"],
        "材料/1.1.2 考核/食品安全工作考核办法.pdf": ["关于印发食品安全工作考核办法的通知", "2023年2月1日"],
        "材料/1.2.1 经费/2023年食品安全工作经费预算.pdf": ["2023年食品安全工作经费预算", "2023年1月5日"],
        "材料/2.1.1 监管所/城关镇市场监管所挂牌.pdf": ["城关镇市场监管所挂牌通知", "2023年5月6日"],
        "材料/2.1.1 监管所/大坡镇市场监管所挂牌.pdf": ["大坡镇市场监管所挂牌通知", "2023年5月8日"],
        "材料/3.1.2 明厨亮灶/明厨亮灶改造台账.pdf": ["学校食堂明厨亮灶改造台账", "2024年3月1日"],
        "材料/N1 承诺书/未发生重大食品安全事故承诺书.pdf": ["承诺书", "2024年10月10日"],
        "材料/N2 承诺书/不存在瞒报谎报迟报承诺书.pdf": ["承诺书", "2024年10月10日"],
    }
    for rel, lines in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(pdf_bytes([lines]))
    quarters = [("2023-02-10", "2023"), ("2023-05-10", "2023"), ("2023-08-10", "2023"), ("2023-11-10", "2023"),
                ("2024-02-10", "2024"), ("2024-05-10", "2024")]  # 2024 Q3 is missing
    for day, _ in quarters:
        rel = f"材料/2.2.1 抽检/{day} 食品安全监督抽检报告.pdf"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(pdf_bytes([["食品安全监督抽检报告", f"抽检日期：{day}"]]))
    # A photo whose title says 截图: the scheme's own kind 影像资料, not dossier's 照片.
    video = root / "材料/3.1.1 宣传周/2023-06-12 宣传周活动视频截图.png"
    video.parent.mkdir(parents=True, exist_ok=True)
    video.write_bytes(_png((20, 120, 200)))
    (root / "材料/2.1.2 快检室").mkdir(parents=True)
    (root / "材料/2.1.2 快检室/城关农贸市场快检室.png").write_bytes(_png((200, 30, 30)))
    _register(root / "台账/监管人员培训台账.xlsx", [
        ["李明", "食品安全监管员", "城关镇市场监管所", dt.datetime(2020, 3, 1), dt.datetime(2023, 4, 10), "食品安全法规培训", 10, 6],
        ["李明", "食品安全监管员", "城关镇市场监管所", dt.datetime(2020, 3, 1), dt.datetime(2024, 4, 12), "快检技术培训", 10, 3],
    ])
    return root


def test_generated_project_is_checked_by_the_schemes_data(food_project, cli):
    """dossier check on a project of the example scheme: per-year 会议纪要, the custom kind
    影像资料 inferred from a title, the custom roster 农贸市场, the register's own hours
    column 食品安全课时, conditions on a boolean fact and on population, the scheme's
    what-to-supply wording and its 分值 in JSON and terminal.
    This test ensures that a second scheme works end to end as data only."""
    r = cli("check", str(food_project), "--format", "json")
    assert r.exit_code == 1, r.stderr
    got = json.loads(r.stdout)
    status = {i["id"]: i["status"] for i in got["indicators"]}
    problems = {i["id"]: [p["message"] for p in i["problems"]] for i in got["indicators"]}
    assert status["1.1.1"] == "partial" and problems["1.1.1"] == ["2024年仅1份会议纪要，需至少2份"]
    assert status["1.1.2"] == status["1.2.1"] == status["2.1.1"] == "met"
    assert status["2.1.2"] == "partial"
    assert problems["2.1.2"] == ["大坡农贸市场未见快检室材料（1/2，需≥90%）"]
    assert status["2.1.3"] == "partial"
    assert any("食品安全课时 3/10（30%），需≥40%" in m for m in problems["2.1.3"])
    assert status["2.2.1"] == "partial" and problems["2.2.1"] == ["2024年第3季度没有检测报告，需至少1份"]
    assert status["3.1.1"] == "partial" and problems["3.1.1"] == ["2024年没有影像资料，需至少1份"]
    assert status["3.1.2"] == "partial" and "学校食堂" in problems["3.1.2"][0]
    assert status["3.2.1"] == status["3.2.2"] == "not_applicable"
    assert status["N1"] == status["N2"] == "declared"
    assert got["score"] == {"total": 100, "met": 30, "not_applicable": 15}
    assert {i["id"]: i.get("score") for i in got["indicators"]}["1.1.1"] == 10

    term = cli("check", str(food_project))
    assert "分值：达标项合计 30 分 / 总分 100 分" in term.stdout
    assert "markets" not in term.stdout.replace("units.markets", "")
    assert "需补充：未覆盖单位的建设情况材料（材料清单“主体”列写单位名称）" in term.stdout
    assert "需补充：缺少季度的抽检报告（注明抽检日期）" in term.stdout
    assert "需补充：食品安全课程课时证明（监管人员培训台账）" in term.stdout


def test_example_renders_notice_and_form(tmp_path, cli):
    """render-notice for the example: the issuer and title from the file, 附件1 with every
    standard's text verbatim and the 一票否决项, 附件2 the scheme's form with its opinion boxes.
    This test ensures that a data-only scheme gets its documents."""
    out = tmp_path / "通知.docx"
    r = cli("render-notice", str(EXAMPLE), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    d = docx.Document(str(out))
    body = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    text = body + "\n" + cells
    cat = catalog_lib.load(str(EXAMPLE))
    assert "某某省食品安全委员会办公室" in text
    for s in cat.items():
        assert s.text in text, s.id
    assert "一票否决项" in text and "食品安全示范县申报表" in text
    for box in cat.form["opinions"]:
        assert re.sub(r"\s", "", box) in re.sub(r"\s", "", text)
    assert not re.search("未成年人|民政厅|民政局|民政部", text)


def _real_values(root: Path) -> None:
    """What the clerk fills in before rendering (scaffold examples are refused)."""
    cfg = yaml.safe_load((root / "dossier.yaml").read_text(encoding="utf-8"))
    cfg["applicant"] = {"name": "大坡县人民政府", "contact": {"name": "王芳", "title": "县市场监督管理局副局长",
                                                       "phone": "0771-5551234", "mobile": "13907710001"}}
    cfg["request"].update(issuer="大坡县人民政府", doc_number="坡政〔2024〕8号", signer="陈立新",
                          to="南山市食品安全委员会办公室")
    cfg["narrative"] = "近年来，大坡县坚持把食品安全作为重大民生工程来抓，建立了县、乡、村三级监管网络。"
    cfg["self_assessment"] = "经自评，我县基本达到食品安全示范县创建标准，同意申报。"
    (root / "dossier.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")


def test_example_renders_project_documents_in_its_own_words(food_project, cli):
    """dossier render and render-notice on a project of the example scheme, laid out by
    LibreOffice and read back from the PDFs: the 请示 opens with the scheme's purpose clause
    (catalog documents.request_purpose), the 申报表 has the scheme's own rows (form.fields:
    label and value from dossier.yaml) instead of the notice's 单位名称/联系人 rows, the
    自评报告 prints 分值 for each standard and the total with the self-assessed score
    (reports.score), and no wording of the minor-protection scheme (未成年人, 民政厅/局/部, 儿童,
    负面工作清单, 创建达标体系) appears anywhere, since this catalog does not say so.
    This test ensures that the documents of a second scheme speak its words, from data only."""
    import pdfplumber

    from dossier import office

    _real_values(food_project)
    r = cli("render", str(food_project))
    assert r.exit_code == 0, r.stderr
    out = food_project / "输出"
    assert cli("render-notice", str(EXAMPLE), "-o", str(out / "通知.docx")).exit_code == 0
    docs = [out / f"{n}.docx" for n in ("请示", "申报表", "自评报告", "通知")]
    converted = office.convert(docs, "pdf", food_project / "输出" / ".cache", instances=1)
    text = {}
    for path in docs:
        with pdfplumber.open(converted[path].output) as pdf:
            text[path.stem] = re.sub(r"\s", "", "".join(p.extract_text() or "" for p in pdf.pages))

    assert "为深入贯彻落实《中华人民共和国食品安全法》，进一步提升食品安全治理能力，大坡县人民政府对照" in text["请示"]
    assert "大坡县人民政府关于申报食品安全示范县的请示" in text["请示"]
    form = text["申报表"]
    assert "食品安全示范县申报表" in form
    for label, value in (("申报单位", "大坡县人民政府"), ("联系人", "王芳"), ("办公电话", "0771-5551234"),
                         ("手机", "13907710001"), ("常住人口", "420000")):
        assert label + value in form, label
    assert "单位名称" not in form and "联系人姓名及职务" not in form
    assert "设区的市食品安全委员会办公室意见" in form
    report = text["自评报告"]
    cat = catalog_lib.load(str(EXAMPLE))
    for std in cat.standards:
        assert f"指标编号：{std.id}自评情况：" in report
    assert report.count("分值：10分") == len([s for s in cat.standards if s.score == 10])
    assert "工作标准总分100分，自评得分30分，不适用的工作标准15分不计。" in report
    assert "对照评价细则逐项抓好整改落实" in report and "一票否决项" in report
    assert "申报单位" in text["通知"] and "常住人口" in text["通知"]
    for name, body in text.items():
        assert not re.search("未成年人|民政厅|民政局|民政部|儿童|负面工作清单|创建达标体系", body), name
    assert "办公室办公室" not in text["通知"]  # 版记 印发机关: an issuer that is an 办公室 prints once


def test_document_titles_follow_the_catalogs_documents_section(tmp_path):
    """documents.scheme_name names the scheme in the 请示 and 申报表 titles, and
    documents.self_assessment_title ({applicant}, {scheme}) titles the 自评报告 — which the
    请示's 附件说明 then lists by the same name; without them the defaults hold.
    This test ensures that a scheme's document titles are data, not code."""
    import dataclasses

    from dossier import project as project_lib
    from dossier.documents import context as ctx
    from evidence_makers import make_project

    root = tmp_path / "县"
    make_project(root, {})
    project = project_lib.load(root)
    cat = catalog_lib.load(str(EXAMPLE))
    assert ctx.self_report_title(project, cat) == f"{project.applicant}创建食品安全示范县自评报告"
    own = dataclasses.replace(cat, form={}, documents={**cat.documents, "scheme_name": "国家食品安全示范县",
                                                      "self_assessment_title": "{applicant}{scheme}创建工作自评报告"})
    assert not project.request.title
    assert ctx.request_title(project, own) == f"{project.request.issuer or project.applicant}关于申报国家食品安全示范县的请示"
    assert ctx.self_report_title(project, own) == f"{project.applicant}国家食品安全示范县创建工作自评报告"
    assert ctx.attachment_titles(project, own)[:2] == ["国家食品安全示范县申报表",
                                                      f"{project.applicant}国家食品安全示范县创建工作自评报告"]
