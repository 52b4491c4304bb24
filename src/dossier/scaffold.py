"""``dossier init``: a new project folder a clerk can fill in Excel (CONTRACT.md §2)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dossier import catalog as catalog_lib
from dossier.atomic import atomic_path
from dossier.errors import UsageError
from dossier.records import MATERIAL_KINDS, Catalog

MANIFEST_HEADERS = ("指标编号", "文件", "材料名称", "材料类型", "日期", "主体", "备注")
TRAINING_HEADERS = ("姓名", "岗位", "所属单位", "任职日期", "培训日期", "培训名称", "总课时", "儿童社会工作课时")

CONFIG_TEMPLATE = """\
# dossier 申报项目设置。键用英文，值一般写中文；以 # 开头的是说明，可以删除。
# 完整说明见 README 和 CONTRACT（指标编号、材料清单、检查规则）。

catalog: {catalog}      # 指标体系：内置名称，或指标体系 YAML 文件的路径
evidence_dir: 材料                   # 证明材料所在的文件夹（可以有任意层子文件夹）

applicant:                          # → 申报表
  name: {name}                      # 单位名称
  contact:
    name: 张三                       # 联系人姓名
    title: 县民政局副局长              # 职务
    phone: 0771-1234567              # 办公电话
    mobile: "13800000000"            # 手机（请加引号）

application_date: 2021-10-25        # 申报日期
period: {{start: 2020-01-01, end: 2021-09-30}}   # 评估期：按年、按季度的规则只看这段时间
population: 350000                  # 常住人口（30 万以上才检查 8.2.2）

units:                              # 名册：按乡镇、社区、学校统计覆盖率的规则使用
  townships: [城关镇, 大坡镇, 六景镇]  # 乡镇（街道），也可写 {{file: 台账/乡镇名单.xlsx}}
  communities: []                   # 村（社区），可写 {{file: 台账/村社区名单.xlsx}}（第一张表，“名称”列）
  schools: []                       # 中小学

narrative: ""                       # 基本情况、主要制度及工作成效：文件路径（.docx/.txt）或直接写文字
self_assessment: ""                 # 县级人民政府自评意见

incidents: []                       # 已知的负面清单事件，如 - {{item: N4, date: 2021-05-01, summary: "……"}}

request:                            # → 请示.docx
  issuer: {name}                    # 发文机关（默认为申报单位）
  doc_number: 某政〔2021〕12号        # 发文字号
  signer: 李某某                     # 签发人
  # 主送机关：按自治区通知，县（市、区）经设区的市级民政部门查验后，向自治区民政厅申报，
  # 请示一般主送自治区民政厅。“某某”等占位内容不改，build/render 会拒绝生成（--draft 除外）。
  to: 某某自治区民政厅                  # 主送机关
  date: 2021-10-25                  # 成文日期（默认为申报日期）
"""


def init_project(target: Path, *, catalog_name: str = catalog_lib.DEFAULT, name: str = "某某县人民政府") -> list[Path]:
    """Create the skeleton in ``target``; refuse to overwrite an existing project."""
    cat = catalog_lib.load(catalog_name)
    target = Path(target)
    if (target / "dossier.yaml").exists():
        raise UsageError(f"{target} 已经是一个申报项目（已有 dossier.yaml），没有改动任何文件")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 是一个文件，不是文件夹")
    created = []
    for sub in ("材料", "台账", "输出"):
        (target / sub).mkdir(parents=True, exist_ok=True)
        created.append(target / sub)
    config = target / "dossier.yaml"
    with atomic_path(config) as tmp:
        tmp.write_text(CONFIG_TEMPLATE.format(catalog=catalog_name, name=name), encoding="utf-8")
    created.append(config)
    manifest = target / "材料清单.xlsx"
    if not manifest.exists():
        with atomic_path(manifest) as tmp:
            manifest_workbook(cat).save(tmp)
        created.append(manifest)
    register = target / "台账" / "培训台账.xlsx"
    if not register.exists():
        with atomic_path(register) as tmp:
            training_register_workbook().save(tmp)
        created.append(register)
    return created


_HEADER_FONT = Font(bold=True, name="宋体")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws, headers, widths) -> None:
    ws.append(list(headers))
    for cell, width in zip(ws[1], widths):
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"


def manifest_workbook(cat: Catalog, rows: int = 500) -> Workbook:
    """材料清单 template: 指标编号 and 材料类型 offer dropdowns; sheet 2 lists the catalog."""
    wb = Workbook()
    ws = wb.active
    ws.title = "材料清单"
    _header(ws, MANIFEST_HEADERS, (14, 48, 36, 12, 14, 16, 24))

    ref = wb.create_sheet("指标体系")
    _header(ref, ("指标编号", "项目", "内容", "简称", "工作标准"), (10, 12, 14, 40, 100))
    for s in cat.standards:
        c, sub = cat.category(s.category_id), cat.subitem(s.subitem_id)
        ref.append([s.id, c.name, sub.name, s.short, s.text])
    for s in cat.negative_items:
        ref.append([s.id, cat.negative_name, "", s.short, s.text])
    for row in ref.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")

    kinds = wb.create_sheet("材料类型")
    for k in MATERIAL_KINDS:
        kinds.append([k])
    kinds.sheet_state = "hidden"

    # A list longer than 255 characters must be a range, not an inline list.
    n = len(cat.standards) + len(cat.negative_items)
    id_list = DataValidation(type="list", formula1=f"=指标体系!$A$2:$A${n + 1}", allow_blank=True,
                             showErrorMessage=False, promptTitle="指标编号",
                             prompt="从下拉列表选择；一行可写多个编号，用顿号分隔")
    id_list.showInputMessage = True
    kind_list = DataValidation(type="list", formula1=f"=材料类型!$A$1:$A${len(MATERIAL_KINDS)}",
                               allow_blank=True, showErrorMessage=True,
                               errorTitle="材料类型", error="请从下拉列表选择材料类型")
    ws.add_data_validation(id_list)
    ws.add_data_validation(kind_list)
    id_list.add(f"A2:A{rows + 1}")
    kind_list.add(f"D2:D{rows + 1}")
    for r in range(2, rows + 2):
        ws.cell(r, 5).number_format = "yyyy-mm-dd"
    return wb


def training_register_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "培训台账"
    _header(ws, TRAINING_HEADERS, (10, 18, 20, 14, 14, 36, 10, 16))
    for r in range(2, 502):
        ws.cell(r, 4).number_format = ws.cell(r, 5).number_format = "yyyy-mm-dd"
    return wb
