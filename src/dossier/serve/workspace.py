"""What the workbench does to a project, as plain methods the routes call.

Every write (upload, manifest edit, assignment, removal, restore) and every build runs under
one lock, so a build started while files arrive waits its turn; index runs take the
project's own lock too, which keeps the command line and the workbench out of each other's
way. The check report shown on pages is the last one computed; a background thread brings
it up to date after every write (the index is incremental, so that takes a moment).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import secrets
import shutil
import threading
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dossier import dates as dates_lib
from dossier import manifest as manifest_lib
from dossier import project as project_lib
from dossier.errors import DossierError, UsageError
from dossier.paths import rel_posix
from dossier.records import MATERIAL_KINDS, CheckReport, Standard
from dossier.serve.accounts import Accounts, User, now
from dossier.lock import is_locked, project_lock

DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024
TRASH = ".回收站"
UPLOAD_TMP = "uploads"
BUSY_WAIT = 300.0  # seconds a workbench run waits for a command-line run holding the project
# What the bytes must be for each accepted extension (readers/sniff.py names).
EXPECTED_TYPES = {
    ".pdf": {"pdf"}, ".docx": {"docx"}, ".xlsx": {"xlsx"}, ".doc": {"doc", "ole2"}, ".wps": {"doc", "ole2"},
    ".xls": {"xls", "ole2"}, ".et": {"xls", "ole2"}, ".jpg": {"jpeg"}, ".jpeg": {"jpeg"}, ".png": {"png"},
    ".tif": {"tiff"}, ".tiff": {"tiff"}, ".bmp": {"bmp"},
}
# Characters Windows forbids in names become their full-width look-alikes, so a project
# folder copied to a Windows share or USB stick keeps every file.
_FULLWIDTH = str.maketrans({"<": "＜", ">": "＞", ":": "：", '"': "＂", "/": "／", "\\": "＼", "|": "｜",
                            "?": "？", "*": "＊"})
EDITABLE = {"date": "日期", "unit": "主体", "kind": "材料类型", "note": "备注", "title": "材料名称"}


class Forbidden(DossierError):
    """The user may not do this (HTTP 403)."""


class Stale(DossierError):
    """材料清单.xlsx changed on disk after the page was loaded (HTTP 409)."""


class TooLarge(DossierError):
    """An upload over the size limit (HTTP 413)."""


STALE_MESSAGE = ("材料清单.xlsx 在您打开此页面之后已被修改（可能有人正在 Excel 或 WPS 中编辑）。"
                 "为避免覆盖他人的修改，本次操作没有保存。请重新载入页面后再操作。")


def safe_name(name: str, *, limit: int = 120) -> str:
    """A file or folder name that is one path component on every system; never empty, never '.'."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.translate(_FULLWIDTH).strip().strip(".").strip()
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else name[:limit]
    return name or "未命名"


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``名称(2).pdf``, ``名称(3).pdf`` … when taken: never overwrite."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}({n}){suffix}"
        n += 1
    return target


def _same(value: str) -> str:
    """Cells compared as a clerk reads them: a date cell equals its ISO text."""
    day = dates_lib.parse_date(value) if value else None
    return day.isoformat() if day else (value or "").strip()


def can_edit(user: User, std: Standard | None) -> bool:
    """Admins edit everything; a department user edits the standards its department owes."""
    if user.admin:
        return True
    return std is not None and bool(set(user.departments) & set(std.departments))


@dataclass
class BuildJob:
    user: str
    started: str
    state: str = "waiting"  # waiting | running | done | failed
    message: str = "等待开始……"
    stage: str = ""
    done: int = 0
    total: int = 0
    outputs: list[str] = field(default_factory=list)
    pages: int = 0
    verify_ok: bool | None = None
    verify_lines: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def running(self) -> bool:
        return self.state in ("waiting", "running")


class Workspace:
    def __init__(self, root: Path | str, accounts: Accounts, *, max_upload: int = DEFAULT_MAX_UPLOAD):
        self.project, self.catalog = project_lib.open_project(root)
        self.root = self.project.root
        self.accounts = accounts
        self.max_upload = max_upload
        self.lock = threading.RLock()
        self._refresh_lock = threading.Lock()
        self.report: CheckReport | None = None
        self.index = None
        self.generation = 0
        self.checked_at: str = ""
        # The manifest token of the data pages show: forms carry it, so a write based on what a
        # page showed is refused once the file has changed since (by Excel or by another user).
        self.shown_token = ""
        self.last_refresh_seconds = 0.0
        self.check_error: str = ""
        self._cond = threading.Condition()
        self._dirty = False
        self._refresher: threading.Thread | None = None
        self.job: BuildJob | None = None
        self._job_lock = threading.Lock()
        self._config_stamp = self._stamp_config()

    # ----------------------------------------------------------------------- checking

    def _stamp_config(self):
        try:
            st = self.project.config_path.stat()
            return (st.st_size, st.st_mtime_ns)
        except OSError:
            return None

    def _holding_project(self):
        """The project lock shared with the command line, waited for (not refused) here; the
        library stages called inside take it again (re-entry)."""
        return project_lock(self.project, wait=True, timeout=BUSY_WAIT, reentrant=True)

    def refresh(self) -> None:
        """Index incrementally and check; what pages show afterwards."""
        from dossier.check import check_project

        # Not under self.lock: uploads go on while the index runs (the next refresh picks them
        # up); a build and a refresh meet at the project lock, which both wait for.
        with self._refresh_lock:
            stamp = self._stamp_config()
            if stamp != self._config_stamp:
                self.project, self.catalog = project_lib.open_project(self.root)
                self._config_stamp = stamp
            # Taken before the manifest is read: if it changes meanwhile, the next page sees a mismatch.
            token = self.token()
            started = time.perf_counter()
            try:
                with self._holding_project():
                    report, index = check_project(self.project, self.catalog)
                # Page texts live in the index database (search reads them there): do not hold
                # ten thousand pages in the server's memory.
                index = dataclasses.replace(index, files=tuple(dataclasses.replace(f, page_texts=())
                                                               for f in index.files))
                self.report, self.index, self.check_error = report, index, ""
                self.shown_token = token
            except DossierError as e:
                self.check_error = e.message
            self.last_refresh_seconds = time.perf_counter() - started
            with self._cond:
                self.generation += 1
                self.checked_at = now()
                self._cond.notify_all()
        _trim_memory()

    def request_refresh(self) -> int:
        """Ask the background thread for a new check; returns the generation to wait past."""
        with self._cond:
            gen = self.generation
            self._dirty = True
            if self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(target=self._refresh_loop, name="dossier-refresh", daemon=True)
                self._refresher.start()
            self._cond.notify_all()
        return gen

    def _refresh_loop(self) -> None:
        while True:
            with self._cond:
                while not self._dirty:
                    self._cond.wait()
            # Let pages and uploads have the interpreter at least half the time: a large county's
            # check takes a second or two, and writes arriving meanwhile are taken in one go.
            time.sleep(min(5.0, max(0.2, self.last_refresh_seconds)))
            with self._cond:
                self._dirty = False
            try:
                self.refresh()
            except Exception:  # keep serving the last report; the next write tries again
                traceback.print_exc()

    def wait_past(self, generation: int, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.generation <= generation and time.monotonic() < deadline:
                self._cond.wait(timeout=max(0.01, deadline - time.monotonic()))
            return self.generation

    def by_path(self) -> dict:
        """path → its assignments, from the last index run (computed once per check)."""
        index = self.index
        cached = getattr(self, "_by_path", None)
        if cached is not None and cached[0] is index:
            return cached[1]
        table: dict = {}
        for a in (index.assignments if index else ()):
            table.setdefault(a.path, []).append(a)
        self._by_path = (index, table)
        return table

    def fresh_report(self) -> CheckReport:
        """A check made now; while a build runs (it holds the project), the last one."""
        if not (self.job is not None and self.job.running and self.report is not None):
            self.refresh()
        if self.report is None:
            raise DossierError(self.check_error or "检查未能完成")
        return self.report

    # ----------------------------------------------------------------------- manifest token

    def token(self) -> str:
        return manifest_lib.manifest_token(self.root)

    def _check_token(self, token: str | None) -> None:
        if not token or token != self.token():
            raise Stale(STALE_MESSAGE)

    # ----------------------------------------------------------------------- uploads

    def upload_folder(self, user: User, std: Standard) -> Path:
        mine = [d for d in user.departments if d in std.departments]
        department = (mine or list(user.departments) or list(std.departments) or ["综合"])[0]
        if user.admin and not mine:
            department = (list(std.departments) or ["综合"])[0]
        folder = f"{std.id} {std.short}" if std.short else std.id
        return self.root / self.project.evidence_dir / safe_name(department, limit=30) / safe_name(folder, limit=60)

    def tmp_upload(self) -> Path:
        """A fresh temporary file beside the evidence folder's disk (renamed into place later)."""
        tmp_dir = self.root / ".dossier" / UPLOAD_TMP
        tmp_dir.mkdir(parents=True, exist_ok=True)
        return tmp_dir / f"{secrets.token_hex(8)}.part"

    def check_upload(self, original: str, tmp: Path) -> str:
        """The sanitised name for ``original``; refuses unsupported or mislabelled files."""
        from dossier.readers.sniff import TYPE_NAMES, sniff

        name = safe_name(original)
        suffix = Path(name).suffix.lower()
        if suffix not in EXPECTED_TYPES:
            raise UsageError(f"“{original}”的类型不受支持；可上传 PDF、Word（.docx/.doc/.wps）、Excel（.xlsx/.xls/.et）"
                             "和图片（.jpg/.png/.tif/.bmp）")
        size = tmp.stat().st_size
        if size > self.max_upload:
            raise TooLarge(f"“{original}”超过大小限制（{self.max_upload // (1024 * 1024)} MB）")
        if size == 0:
            raise UsageError(f"“{original}”是空文件，未上传")
        real = sniff(tmp)
        if real not in EXPECTED_TYPES[suffix]:
            raise UsageError(f"“{original}”的扩展名是 {suffix}，但内容是{TYPE_NAMES.get(real, real)}；"
                             "请另存为正确的格式后再上传")
        return name

    def upload(self, user: User, std: Standard, original: str, tmp: Path) -> str:
        """Move an uploaded temporary file into ``材料/<部门>/<ID 简称>/`` and record its manifest row."""
        if not can_edit(user, std):
            raise Forbidden(f"{user.name} 所在部门不负责指标 {std.id}，不能为其上传材料")
        try:
            name = self.check_upload(original, tmp)
            with self.lock:
                folder = self.upload_folder(user, std)
                folder.mkdir(parents=True, exist_ok=True)
                target = self._place(tmp, folder, name)
                rel = rel_posix(target, self.root)
                try:
                    manifest_lib.add_row(self.project, self.catalog, rel, [std.id],
                                         note=f"{user.name} 于 {now()} 通过工作台上传")
                except DossierError:
                    target.unlink(missing_ok=True)  # no row, no file: the clerk uploads again after fixing
                    raise
                self.accounts.record_upload(rel, user.name, original)
                self.accounts.log(user.name, "上传", rel, f"指标 {std.id}；原文件名 {original}")
        finally:
            tmp.unlink(missing_ok=True)
        self.request_refresh()
        return rel

    def _place(self, tmp: Path, folder: Path, name: str) -> Path:
        folder_real = folder.resolve()
        evidence_real = (self.root / self.project.evidence_dir).resolve()
        if evidence_real not in folder_real.parents and folder_real != evidence_real:
            raise Forbidden("目标文件夹不在材料文件夹之内")
        while True:
            target = unique_path(folder, name)
            try:
                os.link(tmp, target)  # fails if the name was taken meanwhile: never overwrite
            except FileExistsError:
                continue
            except OSError:
                with open(target, "xb") as dst, open(tmp, "rb") as src:
                    shutil.copyfileobj(src, dst)
            return target

    # ----------------------------------------------------------------------- manifest edits

    def rows_of(self, path: str) -> list[tuple[str, int]]:
        """(manifest, row) of every manifest row naming ``path``, from the last index run."""
        seen = []
        for a in self.by_path().get(path, ()):
            if a.source == "manifest" and a.row and (a.manifest, a.row) not in seen:
                seen.append((a.manifest, a.row))
        return seen

    def edit(self, user: User, source: str, row: int, values: dict[str, str], token: str | None) -> str:
        """Write the changed cells of one manifest row (日期, 主体, 材料类型, 备注, 材料名称)."""
        clean = {}
        for field_name, value in values.items():
            if field_name not in EDITABLE:
                raise UsageError(f"不能修改这一列：{field_name}")
            value = (value or "").strip()
            if field_name == "date" and value:
                day = dates_lib.parse_date(value)
                if day is None:
                    raise UsageError(f"“{value}”不是有效的日期；请写成 2021-03-15 或 2021年3月15日")
                value = day.isoformat()
            if field_name == "kind" and value and value not in MATERIAL_KINDS:
                raise UsageError(f"材料类型应为：{'、'.join(MATERIAL_KINDS)}")
            clean[field_name] = value
        with self.lock:
            self._check_token(token)
            before = manifest_lib.row_values(self.root, source, row)
            self._may_edit_ids(user, before.get("indicator", ""))
            changed = {k: v for k, v in clean.items() if _same(before.get(k, "")) != _same(v)}
            if not changed:
                return self.token()
            manifest_lib.update_row(self.root, source, row, changed)
            what = "；".join(f"{EDITABLE[k]}：{before.get(k, '') or '（空）'} → {v or '（空）'}" for k, v in changed.items())
            self.accounts.log(user.name, "修改", f"{source} 第{row}行", f"{what}；文件 {before.get('file', '')}")
        self.request_refresh()
        return self.token()

    def _may_edit_ids(self, user: User, cell: str) -> None:
        from dossier import ids as ids_lib

        for one in ids_lib.split_ids(cell):
            std = self.catalog.get(one)
            if not can_edit(user, std):
                raise Forbidden(f"{user.name} 所在部门不负责指标 {one}，不能修改这一行")

    def assign(self, user: User, path: str, wanted: list[str], token: str | None, *, how: str = "指定") -> str:
        from dossier import ids as ids_lib

        chosen = []
        for raw in wanted:
            for one in ids_lib.split_ids(raw):
                std = self.catalog.get(one)
                if std is None:
                    raise UsageError(ids_lib.unknown_id_message(one, self.catalog.ids()))
                if not can_edit(user, std):
                    raise Forbidden(f"{user.name} 所在部门不负责指标 {one}，不能把材料分配到这一指标")
                chosen.append(std.id)
        if not chosen:
            raise UsageError("请至少选择一个指标编号")
        self._evidence_path(path)
        with self.lock:
            self._check_token(token)
            result = manifest_lib.add_row(self.project, self.catalog, path, chosen,
                                          note=f"{user.name} 于 {now()} 在工作台{how}")
            self.accounts.log(user.name, how, path, f"指标 {'、'.join(result.ids)}"
                              + ("" if result.added else "（材料清单中已有，未重复添加）"))
        self.request_refresh()
        return self.token()

    # ----------------------------------------------------------------------- removal

    def _evidence_path(self, path: str) -> Path:
        """The file ``path`` names, proven to be inside the evidence folder (and not in the 回收站)."""
        cleaned = unicodedata.normalize("NFC", (path or "").replace("\\", "/")).strip()
        evidence = (self.root / self.project.evidence_dir).resolve()
        target = (self.root / cleaned)
        try:
            real = target.resolve()
        except OSError:
            raise UsageError(f"文件 {path} 无效") from None
        if not cleaned or cleaned.startswith("/") or evidence not in real.parents:
            raise Forbidden("只能操作材料文件夹中的文件")
        if (evidence / TRASH) in real.parents or real == evidence / TRASH:
            raise Forbidden("回收站中的文件只能由管理员恢复")
        if not real.is_file():
            raise UsageError(f"找不到文件 {path}")
        return target

    def remove(self, user: User, path: str, token: str | None) -> str:
        target = self._evidence_path(path)
        rel = rel_posix(target, self.root)
        uploaded = self.accounts.uploads().get(rel)
        if not user.admin and (uploaded is None or uploaded["user"] != user.name):
            raise Forbidden(f"{user.name} 只能移除自己上传的文件；{rel} 不是您上传的")
        with self.lock:
            self._check_token(token)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            inner = Path(rel).relative_to(Path(self.project.evidence_dir)) if rel.startswith(
                self.project.evidence_dir.rstrip("/") + "/") else Path(Path(rel).name)
            trash_dir = self.root / self.project.evidence_dir / TRASH / f"{stamp}-{secrets.token_hex(2)}"
            destination = trash_dir / inner
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, destination)
            rows = []
            try:
                for source, row in sorted(self.rows_of(rel), key=lambda t: -t[1]):
                    if source != manifest_lib.XLSX_NAME:
                        continue
                    rows.append(manifest_lib.clear_row(self.root, source, row))
            except Exception:
                os.rename(destination, target)  # rows and file stay together
                raise
            upload = self.accounts.forget_upload(rel)
            self.accounts.add_trash(rel, rel_posix(destination, self.root), user.name, rows, upload)
            self.accounts.log(user.name, "移除", rel, f"移入 {rel_posix(destination, self.root)}；"
                                                    f"清除材料清单 {len(rows)} 行")
        self.request_refresh()
        return self.token()

    def restore(self, user: User, trash_id: int) -> str:
        if not user.admin:
            raise Forbidden("只有管理员可以从回收站恢复文件")
        item = next((t for t in self.accounts.trash() if t["id"] == trash_id), None)
        if item is None:
            raise UsageError("回收站中没有这一项（可能已恢复）")
        with self.lock:
            source = self.root / item["trash_path"]
            evidence = (self.root / self.project.evidence_dir).resolve()
            wanted = self.root / item["path"]
            if evidence not in wanted.resolve().parents or evidence / TRASH not in source.resolve().parents:
                raise Forbidden("回收站记录中的路径无效")
            if not source.is_file():
                raise UsageError(f"回收站中找不到 {item['trash_path']}")
            wanted.parent.mkdir(parents=True, exist_ok=True)
            target = unique_path(wanted.parent, wanted.name)
            os.rename(source, target)
            rel = rel_posix(target, self.root)
            for values in item["rows"]:
                manifest_lib.restore_row(self.project, self.catalog, {**values, "file": rel})
            if item.get("upload"):
                self.accounts.record_upload(rel, item["upload"]["user"], item["upload"]["original"])
            self.accounts.mark_restored(trash_id)
            self.accounts.log(user.name, "恢复", rel, f"从 {item['trash_path']} 恢复；材料清单 {len(item['rows'])} 行")
        self.request_refresh()
        return rel

    # ----------------------------------------------------------------------- build

    def start_build(self, user: User) -> BuildJob:
        if not user.admin:
            raise Forbidden("只有管理员可以生成申报材料")
        with self._job_lock:
            if self.job is not None and self.job.running:
                raise UsageError("已有一次生成正在进行，请等待它完成")
            self.job = BuildJob(user=user.name, started=now())
            job = self.job
        self.accounts.log(user.name, "生成", "输出/", "开始生成申报材料")
        threading.Thread(target=self._run_build, args=(job,), name="dossier-build", daemon=True).start()
        return job

    def _run_build(self, job: BuildJob) -> None:
        from dossier import build as build_lib
        from dossier import verify as verify_lib

        started = time.perf_counter()
        if not self.lock.acquire(blocking=False):
            job.message = "正在等待上传或其他修改完成，随后自动开始……"
            self.lock.acquire()
        try:
            job.state, job.message = "running", "正在生成……"

            def progress(stage: str, done: int, total: int) -> None:
                job.stage, job.done, job.total = stage, done, total
                job.message = f"{stage}：{done}/{total}"

            if is_locked(self.project):
                job.message = "另一个 dossier（命令行或后台检查）正在处理此项目，等待它完成……"
            with self._holding_project():
                job.message = "正在生成……"
                result = build_lib.build(self.root, progress=progress)
                job.outputs = [p.name for p in result.outputs]
                job.pages = result.total_pages
                job.gaps = list(result.gaps)
                job.message = "正在核对页码……"
                checked = verify_lib.verify(self.root)
            job.verify_ok = checked.ok
            job.verify_lines = [f"{m.where}：{m.message}" for m in checked.mismatches]
            job.state = "done"
            job.message = "生成完成"
            self.accounts.log(job.user, "生成", "输出/", f"共 {job.pages} 页；核对{'通过' if checked.ok else '未通过'}")
        except DossierError as e:
            job.state, job.error, job.message = "failed", e.message, "生成失败"
        except Exception:
            traceback.print_exc()
            job.state, job.message = "failed", "生成失败"
            job.error = "内部错误：生成时遇到意外情况，请把服务器窗口中的信息发给维护人员"
        finally:
            job.seconds = round(time.perf_counter() - started, 1)
            self.lock.release()
            self.request_refresh()

    def outputs(self) -> list[Path]:
        """Files under 输出/ a user may download: the packet, never caches or anything else."""
        out = self.project.output_dir
        if not out.is_dir():
            return []
        return sorted((p for p in out.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                       and p.suffix.lower() in (".pdf", ".docx", ".xlsx", ".html")), key=lambda p: p.name)

    # ----------------------------------------------------------------------- thumbnails

    _pdfium = threading.Lock()  # pdfium is not thread-safe

    def thumbnail(self, path: str) -> Path | None:
        """A PNG of the first page, cached by content hash under 输出/.dossier/thumbs/."""
        f = self.index.file(path) if self.index else None
        if f is None or not f.ok or not f.sha256 or not re.fullmatch(r"[0-9a-f]{64}", f.sha256):
            return None
        cache = self.project.state_dir / "thumbs" / f"{f.sha256}.png"
        if cache.is_file():
            return cache
        disk = self.root / path
        try:
            disk = self._evidence_path(path)
        except DossierError:
            return None
        cache.parent.mkdir(parents=True, exist_ok=True)
        try:
            image = self._render_first_page(disk, f.format)
        except Exception:  # an odd file gets no thumbnail, never an error page
            return None
        if image is None:
            return None
        tmp = cache.with_suffix(f".{secrets.token_hex(4)}.tmp")
        image.save(tmp, "PNG")
        os.replace(tmp, cache)
        return cache

    def _render_first_page(self, disk: Path, fmt: str):
        from PIL import Image

        if fmt == "pdf":
            import pypdfium2 as pdfium

            with self._pdfium:
                pdf = pdfium.PdfDocument(str(disk))
                try:
                    page = pdf[0]
                    scale = 180 / max(page.get_width(), 1)
                    image = page.render(scale=scale).to_pil().convert("RGB")
                    page.close()
                finally:
                    pdf.close()
            return image
        if fmt == "image" or disk.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"):
            with Image.open(disk) as im:
                im.thumbnail((180, 255))
                return im.convert("RGB")
        return None


def _trim_memory() -> None:
    """Give freed memory back to the system after a check (glibc keeps it otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
