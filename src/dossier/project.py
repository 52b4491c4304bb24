"""``dossier.yaml``: load, validate against ``schemas/project.schema.json``, apply defaults."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from dossier import ids, yamlio
from dossier.dates import parse_date
from dossier.errors import ConfigError
from dossier.paths import OutsideProject, inside
from dossier.records import Catalog, Contact, Incident, Project, Request

CONFIG_NAME = "dossier.yaml"


def find_config(project_dir: Path) -> Path:
    project_dir = Path(project_dir)
    if project_dir.is_file() and project_dir.name.endswith((".yaml", ".yml")):
        return project_dir
    cfg = project_dir / CONFIG_NAME
    if not project_dir.exists():
        raise ConfigError(f"项目文件夹不存在：{project_dir}")
    if not cfg.is_file():
        raise ConfigError(f"{project_dir} 中没有 {CONFIG_NAME}；可用 dossier init 创建申报项目")
    return cfg


def _fold_incident_ids(data: dict) -> None:
    """An incident's item is an ID like any other: ``Ｎ４`` or `` n4 `` is N4 (CONTRACT.md §1)."""
    incidents = data.get("incidents")
    if isinstance(incidents, list):
        for inc in incidents:
            if isinstance(inc, dict) and isinstance(inc.get("item"), str):
                inc["item"] = ids.normalize(inc["item"])


def load(project_dir: Path | str = ".") -> Project:
    cfg = find_config(Path(project_dir))
    root = cfg.parent
    data, located = yamlio.read_yaml(cfg, what="项目设置")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("dossier.yaml 应为键值表（YAML mapping）", path=str(cfg), line=1)
    _fold_incident_ids(data)
    yamlio.validate(data, "project.schema.json", path=cfg, located=located, what="dossier.yaml")

    def fail(message: str, *key) -> ConfigError:
        return ConfigError(message, path=str(cfg), line=located.line(key), key=yamlio.key_path(key))

    def date_at(*key):
        value = _dig(data, key)
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            raise fail(f"日期 {value} 不存在或无法识别", *key)
        return day

    application_date = date_at("application_date")
    start, end = date_at("period", "start"), date_at("period", "end")
    if start and end and end < start:
        raise fail(f"评估期结束日期 {end} 早于开始日期 {start}", "period", "end")

    incidents = []
    for i, inc in enumerate(data.get("incidents") or []):
        incidents.append(Incident(inc["item"], date_at("incidents", i, "date"), inc.get("summary", "")))

    units = {}
    for name, roster in (data.get("units") or {}).items():
        if isinstance(roster, list):
            units[name] = tuple(str(x).strip() for x in roster if str(x).strip())
        else:
            units[name] = _read_roster(root, roster, lambda m: fail(m, "units", name, "file"))

    applicant_raw = data.get("applicant") or {}
    contact_raw = applicant_raw.get("contact") or {}
    applicant = applicant_raw.get("name", "")
    contact = Contact(**{k: str(contact_raw.get(k, "")) for k in ("name", "title", "phone", "mobile")})

    req = data.get("request") or {}
    request = Request(
        issuer=req.get("issuer") or applicant,
        doc_number=req.get("doc_number", ""),
        signer=req.get("signer", ""),
        to=req.get("to", ""),
        date=date_at("request", "date") or application_date,
        title=req.get("title", ""),
        attachments=tuple(req.get("attachments") or ()),
        note=req.get("note", ""),
    )

    narrative, narrative_file = _narrative(root, data.get("narrative"), lambda m: fail(m, "narrative"))

    templates = {}
    for name, written in (data.get("templates") or {}).items():
        try:
            path = inside(root, written)
        except OutsideProject as e:
            raise fail(f"模板路径 {written} 无效：{e}", "templates", name) from None
        if not path.is_file():
            raise fail(f"找不到模板文件 {written}", "templates", name)
        templates[name] = str(path)

    evidence_dir = data.get("evidence_dir", "材料")
    try:
        inside(root, evidence_dir)
    except OutsideProject as e:
        raise fail(f"材料文件夹 {evidence_dir} 无效：{e}", "evidence_dir") from None
    if ([p for p in str(evidence_dir).replace("\\", "/").split("/") if p.strip() not in ("", ".")] or [""])[0] \
            .strip().casefold() in ("输出", ".dossier"):
        raise fail(f"材料文件夹不能是 {evidence_dir}：那里是 dossier 写出的文件，不是证明材料", "evidence_dir")

    return Project(
        root=root, config_path=cfg, catalog=data.get("catalog", "minor-protection-2021"),
        evidence_dir=evidence_dir.replace("\\", "/").strip("/"), applicant=applicant, contact=contact,
        application_date=application_date, period_start=start, period_end=end,
        population=data.get("population"), units=units, narrative=narrative,
        narrative_file=narrative_file, self_assessment=data.get("self_assessment", ""),
        incidents=tuple(incidents), request=request, templates=templates, raw=data,
        facts=dict(data.get("facts") or {}),
        ocr=data.get("ocr", True) is not False,
    )


def open_project(project_dir: Path | str = ".") -> tuple[Project, Catalog]:
    """Load ``dossier.yaml`` and the catalog it names: what every project command starts with."""
    from dossier import catalog as catalog_lib

    from dossier.errors import CatalogNotFound

    project = load(project_dir)
    try:
        return project, catalog_lib.load(project.catalog, base=project.root)
    except CatalogNotFound as e:
        if "catalog" not in project.raw:
            raise
        # Say where the name was written, like every other settings error (CONTRACT.md §5: what and where).
        line = yamlio.read_yaml(project.config_path, what="项目设置")[1].line(("catalog",))
        raise CatalogNotFound(e.message, path=str(project.config_path), line=line, key="catalog") from None


def missing_evidence_dir(project: Project) -> ConfigError:
    """The exit-2 error for an evidence folder that is not there, naming the key and line."""
    path = project.root / project.evidence_dir
    what = "不是文件夹" if path.exists() else "不存在"
    line = None
    if "evidence_dir" in project.raw:
        try:
            line = yamlio.read_yaml(project.config_path, what="项目设置")[1].line(("evidence_dir",))
        except ConfigError:
            line = None
    return ConfigError(f"材料文件夹 {project.evidence_dir} {what}，材料清单中也没有列出可用的文件；"
                       "请检查拼写，或新建该文件夹并放入证明材料", path=str(project.config_path), line=line,
                       key="evidence_dir" if "evidence_dir" in project.raw else "evidence_dir（未填写，默认为 材料）")


def _dig(data: Any, key: tuple) -> Any:
    for k in key:
        if isinstance(data, dict):
            data = data.get(k)
        elif isinstance(data, list) and isinstance(k, int) and k < len(data):
            data = data[k]
        else:
            return None
    return data


def _read_roster(root: Path, spec: dict, fail) -> tuple[str, ...]:
    """First sheet (or ``sheet``), header row, names under 名称 (or ``column``, else the first column)."""
    written = spec["file"]
    try:
        path = inside(root, written)
    except OutsideProject as e:
        raise fail(f"名册路径 {written} 无效：{e}") from None
    if not path.is_file():
        raise fail(f"找不到名册文件 {written}")
    try:
        from python_calamine import CalamineWorkbook

        from dossier.readers.guard import check_workbook_file

        check_workbook_file(path)
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))  # from_path cannot take every file name
        sheet = spec.get("sheet") or book.sheet_names[0]
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises several unrelated types for broken files
        raise fail(f"无法读取名册文件 {written}：{e}") from None
    if not rows:
        return ()
    header = [str(c).strip() for c in rows[0]]
    wanted = spec.get("column") or "名称"
    col = header.index(wanted) if wanted in header else 0
    names = []
    for row in rows[1:]:
        value = row[col] if col < len(row) else ""
        text = str(value).strip() if value is not None else ""
        if text:
            names.append(text)
    return tuple(names)


_TEXT_FILES = (".docx", ".txt", ".md")


def _narrative(root: Path, value: str | None, fail) -> tuple[str, str | None]:
    if not value:
        return "", None
    looks_like_file = "\n" not in value and value.strip().lower().endswith(_TEXT_FILES)
    if not looks_like_file:
        return value.strip(), None
    try:
        path = inside(root, value.strip())
    except OutsideProject as e:
        raise fail(f"narrative 路径无效：{e}") from None
    if not path.is_file():
        raise fail(f"找不到 narrative 文件 {value}")
    if path.suffix.lower() == ".docx":
        try:
            import docx

            doc = docx.Document(str(path))
            text = "\n".join(p.text for p in doc.paragraphs if p.text.strip())
        except Exception as e:  # python-docx raises zipfile/lxml/KeyError variants
            raise fail(f"无法读取 narrative 文件 {value}：{e}") from None
    else:
        text = path.read_text(encoding="utf-8-sig", errors="replace").strip()
    return text, value.strip()
