"""``dossier init``: a new project folder a clerk can fill in Excel (CONTRACT.md §2)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dossier import catalog as catalog_lib
from dossier import cells
from dossier.atomic import atomic_path
from dossier.errors import UsageError
from dossier.records import Catalog

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
    title: {contact_title}              # 职务
    phone: 0771-1234567              # 办公电话
    mobile: "13800000000"            # 手机（请加引号）

application_date: {application_date}        # 申报日期
period: {{start: {period_start}, end: {period_end}}}   # 评估期：按年、按季度的规则只看这段时间
{facts}
{units}
narrative: ""                       # {narrative_label}：文件路径（.docx/.txt）或直接写文字
self_assessment: ""                 # {opinion}

incidents: []                       # 已知的负面清单事件，如 - {{item: N1, date: 2021-05-01, summary: "……"}}

request:                            # → 请示.docx
  issuer: {name}                    # 发文机关（默认为申报单位）
  doc_number: {doc_number}        # 发文字号
  signer: 李某某                     # 签发人
  # 主送机关：按通知规定的申报渠道填写。全国未成年人保护示范县：县（市、区）经设区的市级
  # 民政部门查验后，向自治区民政厅申报，请示主送自治区民政厅。
  # 张三、李某某、0771-1234567 等示例值和“某某”“待填”不改，build/render 会拒绝生成（--draft 除外）。
  to: {request_to}                    # 主送机关
  date: {application_date}                  # 成文日期（默认为申报日期）
"""


def _conditions_on(cat: Catalog, key: str) -> list[str]:
    return [s.id for s in cat.items() if s.applies_when and s.applies_when.key == key]


def _facts_block(cat: Catalog) -> str:
    """population and the catalog's other facts, each with the standards it decides."""
    from dossier.rules import describe_condition

    lines = []
    keys = ["population"] + [k for k in cat.facts if k != "population"]
    for key in keys:
        used = [s for s in cat.items() if s.applies_when and s.applies_when.key == key]
        spec = cat.facts.get(key)
        if key == "population":
            value = cat.init.get("population", spec.example if spec and spec.example is not None else 350000)
            why = "；".join(f"{s.id} {describe_condition(s.applies_when, cat)}" for s in used)
            lines.append(f"population: {value}                  # 常住人口" + (f"（{why}）" if why else ""))
            continue
        example = spec.example if spec.example is not None else (False if spec.type == "boolean" else 0)
        shown = ("true" if example else "false") if isinstance(example, bool) else example
        why = "；".join(f"{s.id} {describe_condition(s.applies_when, cat)}" for s in used)
        lines.append(f"  {key}: {shown}        # {spec.label}" + (f"（{why}）" if why else "")
                     + (f"；{spec.note}" if spec.note else ""))
    head, rest = lines[0], lines[1:]
    if rest:
        return head + "\nfacts:                              # 项目情况：指标体系的适用条件使用\n" + "\n".join(rest) + "\n"
    return head + "\n"


def _units_block(cat: Catalog) -> str:
    """The rosters the catalog's rules count, with what their members are called."""
    from dossier.rules import unit_label

    used = [r.get("units") for s in cat.items() for r in s.rules if r.get("units")]
    keys = list(dict.fromkeys([*cat.units, *used]))
    if not keys:
        return ""
    lines = ["units:                              # 名册：按单位统计覆盖率的规则使用；"
             "可写列表，或 {file: 台账/名单.xlsx}（第一张表，“名称”列）"]
    for key in keys:
        spec = cat.units.get(key)
        example = list(spec.example) if spec and spec.example else []
        shown = "[" + ", ".join(example) + "]" if example else "[]"
        note = f"；{spec.note}" if spec and spec.note else ""
        lines.append(f"  {key}: {shown}        # {unit_label(cat, key)}{note}")
    return "\n".join(lines) + "\n"


def config_text(cat: Catalog, catalog_name: str, name: str) -> str:
    """dossier.yaml for a new project: the catalog's facts, rosters and examples as comments."""
    init = cat.init
    period = init.get("period") or {}
    opinions = list(cat.form.get("opinions") or [])
    return CONFIG_TEMPLATE.format(
        catalog=_scalar(catalog_name), name=_scalar(name),
        contact_title=init.get("contact_title", "（联系人职务）"),
        application_date=init.get("application_date", "2021-10-25"),
        period_start=period.get("start", "2020-01-01"), period_end=period.get("end", "2021-09-30"),
        facts=_facts_block(cat), units=_units_block(cat),
        narrative_label=cat.form.get("narrative_label", "基本情况、主要制度及工作成效"),
        opinion=opinions[0] if opinions else "自评意见",
        doc_number=init.get("doc_number", "某政〔2021〕12号"),
        request_to=init.get("request_to", "（主送机关）"))


def init_project(target: Path, *, catalog_name: str = catalog_lib.DEFAULT, name: str = "某某县人民政府") -> list[Path]:
    """Create the skeleton in ``target``; refuse to overwrite an existing project."""
    if not str(target).strip():
        # Path("") is the current folder: an empty argument (a script's unset variable) must
        # not quietly turn wherever the clerk stands into a project.
        raise UsageError("项目文件夹名为空；请写出要创建的文件夹，例如 dossier init 某某县"
                         "（确要在当前文件夹创建，请写 dossier init .）")
    cat = catalog_lib.load(catalog_name)
    target = Path(target)
    if catalog_name not in catalog_lib.builtin_names():
        # dossier.yaml resolves a catalog path from the project folder, not from where init ran.
        import os

        source = Path(cat.source).resolve()
        try:
            catalog_name = Path(os.path.relpath(source, target.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            catalog_name = source.as_posix()
    if (target / "dossier.yaml").exists():
        raise UsageError(f"{target} 已经是一个申报项目（已有 dossier.yaml），没有改动任何文件")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 是一个文件，不是文件夹")
    created = []
    for sub in ("材料", "台账", "输出"):
        try:
            (target / sub).mkdir(parents=True, exist_ok=True)
        except OSError as e:  # no such drive, read-only place, no permission: the clerk's to fix
            import errno

            from dossier.errors import OutputError

            reason = {errno.ENOENT: "该位置不存在", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
                      errno.EROFS: "该位置只读", errno.ENOSPC: "磁盘已满"}.get(e.errno, "系统拒绝创建")
            raise OutputError(f"无法创建文件夹 {target / sub}：{reason}；请换一个可写的位置") from None
        created.append(target / sub)
    config = target / "dossier.yaml"
    with atomic_path(config) as tmp:
        tmp.write_text(config_text(cat, catalog_name, name), encoding="utf-8")
    created.append(config)
    manifest = target / "材料清单.xlsx"
    if not manifest.exists():
        with atomic_path(manifest) as tmp:
            manifest_workbook(cat).save(tmp)
        created.append(manifest)
    for rel, headers in register_templates(cat).items():
        register = target / rel
        if register.exists():
            continue
        register.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(register) as tmp:
            training_register_workbook(headers, title=Path(rel).stem).save(tmp)
        created.append(register)
    return created


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly ``value`` (a name with ``:``,
    ``#`` or quotes would otherwise break dossier.yaml or lose its tail)."""
    import json
    import re

    import yaml

    if value and re.fullmatch(r"[\w\u4e00-\u9fff（）()〔〕·.\-/]+", value) and value[0] not in "-.":
        try:
            if yaml.safe_load(value) == value:  # not 123, true, null, 2021-01-01
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


_HEADER_FONT = Font(bold=True, name="宋体")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws, headers, widths) -> None:
    cells.append(ws, list(headers))
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
        cells.append(ref, [s.id, c.name, sub.name, s.short, s.text])  # a custom catalog's text stays text
    for s in cat.negative_items:
        cells.append(ref, [s.id, cat.negative_name, "", s.short, s.text])
    for row in ref.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")

    kinds = wb.create_sheet("材料类型")
    for k in cat.kind_names:
        cells.append(kinds, [k])
    kinds.sheet_state = "hidden"

    # A list longer than 255 characters must be a range, not an inline list.
    n = len(cat.standards) + len(cat.negative_items)
    id_list = DataValidation(type="list", formula1=f"=指标体系!$A$2:$A${n + 1}", allow_blank=True,
                             showErrorMessage=False, promptTitle="指标编号",
                             prompt="从下拉列表选择；一行可写多个编号，用顿号分隔")
    id_list.showInputMessage = True
    kind_list = DataValidation(type="list", formula1=f"=材料类型!$A$1:$A${len(cat.kind_names)}",
                               allow_blank=True, showErrorMessage=True,
                               errorTitle="材料类型", error="请从下拉列表选择材料类型")
    ws.add_data_validation(id_list)
    ws.add_data_validation(kind_list)
    id_list.add(f"A2:A{rows + 1}")
    kind_list.add(f"D2:D{rows + 1}")
    for r in range(2, rows + 2):
        ws.cell(r, 5).number_format = "yyyy-mm-dd"
    return wb


def register_templates(cat: Catalog) -> dict[str, tuple[str, ...]]:
    """Registers to create empty: those the catalog defines with columns; without a
    ``registers`` section, the contract's training register when a training rule reads it."""
    if cat.registers:
        return {rel: tuple(aliases[0] for aliases in spec.columns.values())
                for rel, spec in cat.registers.items() if spec.columns}
    rels = [r.get("register") for s in cat.items() for r in s.rules if r.type == "training_register"]
    return {rel: TRAINING_HEADERS for rel in dict.fromkeys(rels)}


def training_register_workbook(headers: tuple[str, ...] = TRAINING_HEADERS, title: str = "培训台账") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    _header(ws, headers, tuple(16 if "日期" in h or "课时" in h else 18 for h in headers))
    for c, h in enumerate(headers, 1):
        if "日期" in h or "时间" in h:
            for r in range(2, 502):
                ws.cell(r, c).number_format = "yyyy-mm-dd"
    return wb
