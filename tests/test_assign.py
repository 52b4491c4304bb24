"""Assignment from manifest rows and from names (CONTRACT.md §3), against real folders."""

from __future__ import annotations

import datetime as dt
import os

import openpyxl
import pytest

from dossier import catalog as catalog_lib
from dossier.assign import combine, name_assignments, resolve_manifest
from dossier.dates import cell_date
from dossier.manifest import read_manifests
from dossier.records import Assignment
from evidence_makers import make_project


@pytest.fixture(scope="module")
def cat():
    return catalog_lib.load()


def known_of(project):
    out = {}
    for dirpath, _, names in os.walk(project.root / "材料"):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), project.root).replace(os.sep, "/")
            out[rel] = rel
    return out


def resolve(project, cat, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注"])
    for r in rows:
        ws.append(list(r))
    wb.save(project.root / "材料清单.xlsx")
    parsed, problems = read_manifests(project.root)
    assert problems == []
    return resolve_manifest(project, cat, parsed, known_of(project))


@pytest.mark.parametrize("cell", ["2.1.3、2.1.7", "2.1.3,2.1.7", "2.1.3，2.1.7", "2.1.3;2.1.7",
                                  "2.1.3；2.1.7", "2.1.3 2.1.7", " ２．１．３ 、 2.1.7 "])
def test_every_id_separator(tmp_path, cat, cell):
    """Several IDs in one cell, separated by 、 , ， ; ； or a space (and full-width digits),
    assign the file to each. This test ensures that every separator a clerk types works."""
    project = make_project(tmp_path, ["材料/纪要.pdf"])
    res = resolve(project, cat, [(cell, "材料/纪要.pdf")])
    assert res.problems == ()
    assert [(a.path, a.indicator, a.row) for a in res.assignments] == [
        ("材料/纪要.pdf", "2.1.3", 2), ("材料/纪要.pdf", "2.1.7", 2)]


def test_columns_carry_into_assignments(tmp_path, cat):
    """Title, kind, date (Excel date cell or Chinese string), unit and note reach the assignment;
    paths may use \\ and be relative to the evidence folder. This test ensures that manifest facts override the file's."""
    project = make_project(tmp_path, ["材料/会议/纪要.pdf", "材料/活动.pdf"])
    res = resolve(project, cat, [
        ("2.1.7", "会议\\纪要.pdf", "乡镇会议纪要", "会议纪要", dt.date(2021, 3, 15), "城关镇", "原件"),
        ("4.1.2", "材料/活动.pdf", None, None, "二〇二一年五月四日", None, None),
    ])
    assert res.problems == ()
    a, b = res.assignments
    assert (a.path, a.title, a.kind, a.date, a.unit, a.note, a.manifest) == (
        "材料/会议/纪要.pdf", "乡镇会议纪要", "会议纪要", dt.date(2021, 3, 15), "城关镇", "原件", "材料清单.xlsx")
    assert (b.date, b.kind, b.title) == (dt.date(2021, 5, 4), None, None)


@pytest.mark.parametrize("value,expected", [
    (dt.datetime(2021, 3, 15, 0, 0), dt.date(2021, 3, 15)), (44270, dt.date(2021, 3, 15)),
    (20210315, dt.date(2021, 3, 15)), ("2021-03-15", dt.date(2021, 3, 15)), ("2021/3/15", dt.date(2021, 3, 15)),
    ("2021.3.15", dt.date(2021, 3, 15)), ("2021年3月15日", dt.date(2021, 3, 15)), ("2021年2月30日", None),
    ("三月", None), (3.5, None)])
def test_date_cells(value, expected):
    """日期 cells: real date cells, Excel serials that lost their format, 8-digit numbers and
    every written form; impossible or vague dates are None. This test ensures that dates are read as clerks mean them."""
    assert cell_date(value) == expected


def test_every_bad_row_reason_with_row_number(tmp_path, cat):
    """Unknown ID (with nearby IDs; the row's other IDs still count), missing file, path outside
    the project, unreadable date, bad 材料类型, missing ID or file, and a duplicate row are each
    reported with the spreadsheet row number and skipped. This test ensures that no bad row is silently used."""
    project = make_project(tmp_path, ["材料/a.pdf", "材料/b.pdf"])
    (tmp_path.parent / "outside.pdf").write_bytes(b"%PDF")
    res = resolve(project, cat, [
        ("2.1.9、2.1.3", "材料/a.pdf"),                   # 2: unknown ID, 2.1.3 still counts
        ("2.1.4", "材料/没有.pdf"),                        # 3: missing file
        ("2.1.4", "../outside.pdf"),                      # 4: outside the project
        ("2.1.4", "材料/b.pdf", None, None, "2021年13月1日"),  # 5: unreadable date
        ("2.1.4", "材料/b.pdf", None, "会议记录"),           # 6: not one of the nine kinds
        (None, "材料/b.pdf"),                              # 7: no ID
        ("2.1.4", None, "只有名称"),                        # 8: no file
        ("2.1.3", "材料/a.pdf"),                           # 9: same file and IDs as row 2
        ("N9", "材料/b.pdf"),                              # 10: only unknown IDs
        ("N1、N8", "材料/没有.pdf"),                         # 11: unknown ID and a missing file
    ])
    by_row = {}
    for p in res.problems:
        by_row.setdefault(p.row, []).append(p.message)
    assert by_row[2] == ["未知指标编号 2.1.9，相近的有效编号：2.1.1、2.1.2、2.1.3、2.1.4、2.1.5、2.1.6、2.1.7、2.1.8；"
                         "本行的 2.1.3 仍然有效"]
    assert "找不到文件 材料/没有.pdf" in by_row[3][0]
    assert "项目文件夹之外" in by_row[4][0]
    assert "日期“2021年13月1日”无法识别" in by_row[5][0]
    assert "材料类型“会议记录”无效" in by_row[6][0]
    assert "缺少指标编号" in by_row[7][0]
    assert "缺少文件路径" in by_row[8][0]
    assert "与第 2 行重复" in by_row[9][0]
    assert "未知指标编号 N9" in by_row[10][0] and by_row[10][0].endswith("此行已跳过")
    assert by_row[11][0].startswith("未知指标编号 N8") and "仍然有效" not in by_row[11][0]
    assert "找不到文件" in by_row[11][1]
    assert all(p.source == "材料清单.xlsx" for p in res.problems)
    assert [(a.path, a.indicator, a.row) for a in res.assignments] == [("材料/a.pdf", "2.1.3", 2)]


def test_paths_outside_evidence_folder_and_folders(tmp_path, cat):
    """A row may name a file elsewhere in the project (it is then indexed too) or a folder
    (every evidence file under it); a case or Unicode-form difference still finds the file.
    This test ensures that rows resolve the way a clerk on Windows expects."""
    project = make_project(tmp_path, ["材料/照片/1.jpg", "材料/照片/2.jpg", "其他/总结.PDF", "附件/甲.pdf",
                                      "附件/乙/丙.pdf", "附件/.隐藏.pdf", "空/.keep"])
    res = resolve(project, cat, [("4.1.2", "照片"), ("2.1.4", "其他/总结.PDF"), ("2.1.5", "材料/照片/1.JPG"),
                                 ("2.1.6", "附件"), ("2.1.7", "空")])
    assert [(p.row, p.message) for p in res.problems] == [(6, "文件夹 空 中没有证明材料，此行已跳过")]
    pairs = [(a.path, a.indicator) for a in res.assignments]
    assert pairs == [("材料/照片/1.jpg", "4.1.2"), ("材料/照片/2.jpg", "4.1.2"), ("其他/总结.PDF", "2.1.4"),
                     ("材料/照片/1.jpg", "2.1.5"), ("附件/乙/丙.pdf", "2.1.6"), ("附件/甲.pdf", "2.1.6")]
    assert res.paths["其他/总结.PDF"] == "其他/总结.PDF" and "附件/乙/丙.pdf" in res.paths


def test_symlink_out_of_project_is_refused(tmp_path, cat):
    """A manifest path through a link that leads outside the project is refused like ``..``.
    This test ensures that the manifest can never pull in files from elsewhere."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.pdf").write_bytes(b"%PDF")
    project = make_project(tmp_path / "县", ["材料/a.pdf"])
    os.symlink(secret, project.root / "材料" / "link")
    res = resolve(project, cat, [("2.1.3", "材料/link/x.pdf")])
    assert res.assignments == ()
    assert "项目文件夹之外" in res.problems[0].message and res.problems[0].row == 2


def test_names_assign_and_bogus_ids_are_reported(tmp_path, cat):
    """Folder and file names starting with an ID plus a separator assign the file; 2.1.9 is
    reported once under its folder and assigns nothing; dates and ID-like words are not IDs.
    This test ensures that name-based assignment follows CONTRACT.md §3."""
    paths = ["材料/2.1.3 县级会议/2021-03-15 纪要.pdf", "材料/2.1.3 县级会议/2021.3.20 纪要.pdf",
             "材料/2.1.9 会议/a.pdf", "材料/2.1.9 会议/b.pdf", "材料/N1_承诺书.pdf", "材料/4.1.2、活动.docx",
             "材料/5.2.2-学校/1.1.1.pdf", "材料/2.1.3纪要.pdf", "材料/２．１．７ 乡镇/纪要.pdf"]
    got, problems = name_assignments(cat, paths)
    pairs = sorted((a.path, a.indicator) for a in got)
    assert pairs == sorted([
        ("材料/2.1.3 县级会议/2021-03-15 纪要.pdf", "2.1.3"), ("材料/2.1.3 县级会议/2021.3.20 纪要.pdf", "2.1.3"),
        ("材料/N1_承诺书.pdf", "N1"), ("材料/4.1.2、活动.docx", "4.1.2"),
        ("材料/5.2.2-学校/1.1.1.pdf", "5.2.2"), ("材料/5.2.2-学校/1.1.1.pdf", "1.1.1"),
        ("材料/２．１．７ 乡镇/纪要.pdf", "2.1.7")])
    assert all(a.source == "name" for a in got)
    assert [(p.source, p.row) for p in problems] == [("材料/2.1.9 会议", None)]
    assert problems[0].message.startswith("文件夹名以 2.1.9 开头，但 2.1.9 不是有效的指标编号（相近的有效编号：2.1.1、")
    assert problems[0].message.endswith("；其中的文件未按名称分配")


def test_combine_prefers_manifest_and_counts_once(tmp_path, cat):
    """A file assigned to a standard by both manifest and name appears once, as the manifest's.
    This test ensures that double assignment never double-counts evidence."""
    m = Assignment("材料/2.1.3 会议/a.pdf", "2.1.3", "manifest", row=2, kind="会议纪要")
    n = Assignment("材料/2.1.3 会议/a.pdf", "2.1.3", "name")
    other = Assignment("材料/2.1.3 会议/a.pdf", "1.1.1", "name")
    assert combine([m], [n, other]) == (other, m)
