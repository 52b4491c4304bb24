"""The workbench's routes: authenticate, authorise, call :mod:`dossier.serve.workspace`, render.

Routes are part of the contract (CONTRACT.md §7). Every state-changing request is a POST
carrying the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``); every
refusal is a Chinese message with the right status code (403, 409, 413, 429).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from dossier.catalog.describe import describe_condition, describe_rule
from dossier.errors import DossierError
from dossier.records import MATERIAL_KINDS
from dossier.reports import STATUS_LABELS, category_name, coverage, departments, json_report, need, verdict
from dossier.serve.accounts import Accounts, Session
from dossier.serve.workspace import EDITABLE, Forbidden, Stale, TooLarge, Workspace, can_edit

HERE = Path(__file__).parent
SESSION_COOKIE = "dossier_session"
LOGIN_COOKIE = "dossier_login"
LOGIN_WINDOW = 300.0
LOGIN_FAILURES = 5  # per user name and address within LOGIN_WINDOW
FILES_PER_PAGE = 100
STALE_AFTER = 15.0  # seconds after which a page view asks for a background re-check
GAP_ORDER = {"violated": 0, "missing": 1, "partial": 2, "undeclared": 3}


class LoginLimiter:
    """Failed logins per (address, name) in a sliding window."""

    def __init__(self) -> None:
        self.failures: dict[tuple[str, str], deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def blocked(self, key: tuple[str, str]) -> bool:
        with self.lock:
            q = self.failures[key]
            while q and q[0] < time.monotonic() - LOGIN_WINDOW:
                q.popleft()
            return len(q) >= LOGIN_FAILURES

    def fail(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.failures[key].append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.failures.pop(key, None)


def create_app(root: Path | str, *, max_upload: int | None = None, accounts: Accounts | None = None) -> Starlette:
    accounts = accounts or Accounts(Path(root))
    kwargs = {"max_upload": max_upload} if max_upload else {}
    ws = Workspace(root, accounts, **kwargs)
    ws.refresh()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(STATUS_LABELS=STATUS_LABELS, KINDS=MATERIAL_KINDS, EDITABLE=EDITABLE)
    templates.env.filters["q"] = lambda s: urllib.parse.quote(str(s), safe="")
    limiter = LoginLimiter()
    state = {"checked": time.monotonic()}

    # ------------------------------------------------------------------- helpers

    def session_of(request: Request) -> Session | None:
        return accounts.session(request.cookies.get(SESSION_COOKIE))

    def page(request: Request, template: str, sess: Session, status_code: int = 200, **context) -> HTMLResponse:
        if time.monotonic() - state["checked"] > STALE_AFTER or ws.token() != ws.shown_token:
            state["checked"] = time.monotonic()
            ws.request_refresh()  # files copied in by hand, a manifest saved in Excel
        context.update(user=sess.user, csrf=sess.csrf, project_name=ws.project.applicant or ws.root.name,
                       checked_at=ws.checked_at, check_error=ws.check_error, token=ws.shown_token,
                       nav=template.split(".")[0], departments_all=departments(ws.catalog))
        response = templates.TemplateResponse(request, template, context, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        return response

    def message(request: Request, sess: Session | None, text: str, status_code: int, *, reload: bool = False):
        if request.headers.get("HX-Request") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": False, "message": text, "reload": reload}, status_code=status_code)
        if sess is None:
            return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>出错</title><p>{_esc(text)}</p>",
                                status_code=status_code)
        return page(request, "message.html", sess, status_code=status_code, text=text, reload=reload)

    def guarded(handler, *, write: bool = False):
        """Login required; for writes the CSRF token too; library errors become Chinese answers."""

        async def endpoint(request: Request):
            sess = session_of(request)
            if sess is None:
                if request.url.path.startswith("/api/") or request.method != "GET":
                    return JSONResponse({"ok": False, "message": "请先登录"}, status_code=401)
                nxt = urllib.parse.quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
                return RedirectResponse(f"/login?next={nxt}", status_code=303)
            form = None
            if write:
                if request.headers.get("content-type", "").startswith("multipart/"):
                    length = request.headers.get("content-length")
                    if length is None:
                        return message(request, sess, "上传请求缺少长度信息，请用浏览器上传", 411)
                    if int(length) > ws.max_upload + 1024 * 1024:
                        return message(request, sess, f"文件超过大小限制（{ws.max_upload // (1024 * 1024)} MB），未上传",
                                       413)
                    form = await request.form(max_files=50, max_fields=100)
                else:
                    form = await request.form()
                sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
                if not isinstance(sent, str) or not hmac.compare_digest(sent, sess.csrf):
                    return message(request, sess, "请求缺少有效的安全令牌（CSRF），操作已拒绝。请刷新页面后重试。", 403)
            try:
                return await handler(request, sess, form) if write else await run_in_threadpool(handler, request, sess)
            except Forbidden as e:
                return message(request, sess, e.message, 403)
            except Stale as e:
                await run_in_threadpool(ws.refresh)  # so that "重新载入页面" shows the file as it is now
                return message(request, sess, e.message, 409, reload=True)
            except TooLarge as e:
                return message(request, sess, e.message, 413)
            except DossierError as e:
                return message(request, sess, e.message, 400)
            finally:
                if form is not None:
                    await form.close()

        return endpoint

    # ------------------------------------------------------------------- login

    def login_form(request: Request, error: str = "", status_code: int = 200) -> Response:
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        response = templates.TemplateResponse(request, "login.html", {
            "error": error, "login_csrf": token, "next": request.query_params.get("next", "/"),
            "project_name": ws.project.applicant or ws.root.name}, status_code=status_code)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
        response.headers["Cache-Control"] = "no-store"
        return response

    async def login(request: Request):
        if request.method == "GET":
            return login_form(request)
        form = await request.form()
        sent, cookie = str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(sent, cookie):
            return login_form(request, "登录页面已过期（缺少安全令牌），请重新登录。", 403)
        name, password = str(form.get("username", "")), str(form.get("password", ""))
        key = (request.client.host if request.client else "", name.strip())
        if limiter.blocked(key):
            return login_form(request, f"登录失败次数过多，请 {int(LOGIN_WINDOW // 60)} 分钟后再试。", 429)
        user = await run_in_threadpool(accounts.verify, name, password)
        if user is None:
            limiter.fail(key)
            return login_form(request, "用户名或密码不正确。", 401)
        limiter.clear(key)
        token = await run_in_threadpool(accounts.new_session, user)
        accounts.log(user.name, "登录", "工作台", "")
        nxt = str(form.get("next", "/"))
        if not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
            nxt = "/"
        response = RedirectResponse(nxt, status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/")
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    async def logout(request: Request):
        # A GET suffices: the cookie is SameSite=Strict, so no other site can log a user out.
        sess = session_of(request)
        if sess is not None:
            accounts.log(sess.user.name, "退出", "工作台", "")
        accounts.end_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------------- pages

    def overview(request: Request, sess: Session):
        report = ws.report
        if report is None:
            return page(request, "message.html", sess, text=ws.check_error or "正在检查……", reload=True)
        statuses = {f.id: f.status for f in report.findings}
        last_time, last = accounts.last_visit(sess.user.name)
        changes = [(i, last[i], s) for i, s in statuses.items() if last and i in last and last[i] != s]
        accounts.set_visit(sess.user.name, statuses)
        per_dep = []
        for dep in departments(ws.catalog):
            owed = [s for s in ws.catalog.items() if dep in s.departments]
            done = sum(1 for s in owed if statuses.get(s.id) in ("met", "declared", "not_applicable"))
            per_dep.append((dep, done, len(owed)))
        gaps = sorted((f for f in report.findings if f.status in GAP_ORDER),
                      key=lambda f: GAP_ORDER[f.status])
        return page(request, "overview.html", sess, report=report, summary=report.summary, verdict=verdict(report),
                    coverage=coverage(report, ws.catalog), per_dep=per_dep, changes=changes, last_time=last_time,
                    gaps=gaps[:200], catalog=ws.catalog,
                    unreadable=[f for f in report.files if f.status != "ok"])

    def standard(request: Request, sess: Session):
        item_id = request.path_params["item_id"]
        std = ws.catalog.get(item_id)
        if std is None:
            return message(request, sess, f"没有指标 {item_id}", 404)
        report, index = ws.report, ws.index
        finding = report.finding(std.id) if report else None
        files = {f.path: f for f in index.files} if index else {}
        uploads = accounts.uploads()
        evidence = []
        by_path = ws.by_path()
        for path in (finding.evidence if finding else ()):
            f = files.get(path)
            rows = [a for a in by_path.get(path, ()) if a.indicator == std.id]
            row = next((a for a in rows if a.source == "manifest"), rows[0] if rows else None)
            evidence.append({"path": path, "file": f, "row": row, "upload": uploads.get(path),
                             "removable": sess.user.admin or (uploads.get(path) or {}).get("user") == sess.user.name})
        ignored = accounts.ignored()
        suggestions = [s for s in (index.suggestions if index else ()) if s.indicator == std.id
                       and (s.path, s.indicator) not in ignored]
        rules = [describe_rule(r) for r in std.rules]
        condition = describe_condition(std.applies_when) if std.applies_when else ""
        return page(request, "standard.html", sess, std=std, finding=finding, evidence=evidence,
                    suggestions=suggestions[:20], rules=rules, condition=condition,
                    category=category_name(ws.catalog, std), editable=can_edit(sess.user, std),
                    max_mb=ws.max_upload // (1024 * 1024),
                    need=need(_gap(ws, std, finding)) if finding and finding.status in GAP_ORDER else "")

    def files_page(request: Request, sess: Session):
        index, report = ws.index, ws.report
        by_path = ws.by_path()
        files = list(index.files) if index else []
        needle = request.query_params.get("q", "").strip()
        if needle:
            files = [f for f in files if needle in f.path or needle in (f.title or "")]
        # Unreadable, then unassigned, then the rest: that is where the clerk's work is.
        files.sort(key=lambda f: (0 if not f.ok else 1 if f.path not in by_path else 2, f.path))
        total = len(files)
        try:
            number = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            number = 1
        pages = max(1, -(-total // FILES_PER_PAGE))
        number = min(number, pages)
        uploads = accounts.uploads()
        evidence_prefix = ws.project.evidence_dir.rstrip("/") + "/"
        rows = []
        for f in files[(number - 1) * FILES_PER_PAGE: number * FILES_PER_PAGE]:
            assigned = by_path.get(f.path, [])
            manifest_rows, seen = [], set()
            for a in assigned:
                if a.source == "manifest" and (a.manifest, a.row) not in seen:
                    seen.add((a.manifest, a.row))
                    manifest_rows.append(a)
            ids = list(dict.fromkeys(a.indicator for a in assigned))
            mine = (uploads.get(f.path) or {}).get("user") == sess.user.name
            rows.append({"file": f, "ids": ids, "rows": manifest_rows, "upload": uploads.get(f.path),
                         "editable": all(can_edit(sess.user, ws.catalog.get(i)) for i in ids) if ids else True,
                         "removable": f.path.startswith(evidence_prefix) and (sess.user.admin or mine)})
        choices = [s for s in ws.catalog.items() if can_edit(sess.user, s)]
        trash = accounts.trash() if sess.user.admin else []
        return page(request, "files.html", sess, rows=rows, choices=choices, trash=trash, total=total,
                    page_number=number, pages=pages, needle=needle,
                    manifest_problems=report.manifest if report else ())

    def department(request: Request, sess: Session):
        name = request.path_params["name"]
        if name not in departments(ws.catalog):
            return message(request, sess, f"指标体系中没有部门“{name}”", 404)
        report = ws.report
        owed = [s for s in ws.catalog.items() if name in s.departments]
        uploads = accounts.uploads()
        items = [(s, report.finding(s.id) if report else None) for s in owed]
        by_path = ws.by_path()
        owed_ids = {s.id for s in owed}
        delivered = [(p, u) for p, u in uploads.items() if any(a.indicator in owed_ids for a in by_path.get(p, ()))]
        return page(request, "department.html", sess, name=name, items=items, delivered=sorted(delivered))

    def build_page(request: Request, sess: Session):
        return page(request, "build.html", sess, job=ws.job, outputs=ws.outputs())

    def build_status(request: Request, sess: Session):
        return page(request, "build_status.html", sess, job=ws.job, outputs=ws.outputs())

    def search(request: Request, sess: Session):
        from dossier import index as index_lib

        q = request.query_params.get("q", "").strip()[:100]
        hits = []
        if q:
            terms = q.split()
            for hit in index_lib.search(ws.project, terms, limit=200):
                parts, pos = [], 0
                for start, end in hit.marks:
                    parts.append((hit.snippet[pos:start], False))
                    parts.append((hit.snippet[start:end], True))
                    pos = end
                parts.append((hit.snippet[pos:], False))
                hits.append({"path": hit.path, "page": hit.page, "parts": parts,
                             "ids": list(dict.fromkeys(a.indicator for a in ws.by_path().get(hit.path, ())))})
        return page(request, "search.html", sess, q=q, hits=hits)

    def audit(request: Request, sess: Session):
        return page(request, "audit.html", sess, entries=accounts.audit())

    def api_report(request: Request, sess: Session):
        report = ws.fresh_report()
        return JSONResponse(json_report.to_dict(report, ws.catalog))

    def api_wait(request: Request, sess: Session):
        try:
            after = int(request.query_params.get("after", "0"))
        except ValueError:
            after = 0
        gen = ws.wait_past(after, timeout=20.0)
        return JSONResponse({"generation": gen})

    def thumb(request: Request, sess: Session):
        path = request.query_params.get("path", "")
        cache = ws.thumbnail(path)
        if cache is None:
            return Response(status_code=404)
        return FileResponse(cache, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    def download(request: Request, sess: Session):
        name = request.path_params["name"]
        allowed = {p.name: p for p in ws.outputs()}
        if name not in allowed:
            return message(request, sess, "只能下载 输出/ 中生成的申报材料", 404)
        return FileResponse(allowed[name], filename=name)

    # ------------------------------------------------------------------- writes

    async def upload(request: Request, sess: Session, form):
        std = ws.catalog.get(request.path_params["item_id"])
        if std is None:
            return message(request, sess, "没有这个指标", 404)
        if not can_edit(sess.user, std):
            raise Forbidden(f"{sess.user.name} 所在部门不负责指标 {std.id}，不能为其上传材料")
        uploads = [v for k, v in form.multi_items() if k == "files" and hasattr(v, "filename")]
        if not uploads:
            raise DossierError("请选择要上传的文件")
        saved, generation = [], ws.generation
        for item in uploads:
            tmp = ws.tmp_upload()
            size = await run_in_threadpool(_spool, item.file, tmp, ws.max_upload)
            if size > ws.max_upload:
                tmp.unlink(missing_ok=True)
                raise TooLarge(f"“{item.filename}”超过大小限制（{ws.max_upload // (1024 * 1024)} MB），未上传")
            saved.append(await run_in_threadpool(ws.upload, sess.user, std, item.filename or "未命名", tmp))
        if request.headers.get("HX-Request") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": True, "saved": saved, "generation": generation})
        return RedirectResponse(f"/standards/{std.id}", status_code=303)

    def _back(request: Request, default: str) -> str:
        ref = request.headers.get("referer", "")
        path = urllib.parse.urlsplit(ref).path if ref else ""
        return path if path.startswith("/") and not path.startswith("//") else default

    async def edit(request: Request, sess: Session, form):
        try:
            row = int(form.get("row", ""))
        except ValueError:
            raise DossierError("行号无效") from None
        values = {k: str(form.get(k)) for k in EDITABLE if form.get(k) is not None}
        await run_in_threadpool(ws.edit, sess.user, str(form.get("source", "")), row, values,
                                str(form.get("token", "")))
        return await _after_write(request)

    async def _after_write(request: Request, default: str = "/files"):
        generation = ws.generation
        if request.headers.get("HX-Request") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": True, "generation": generation})
        await run_in_threadpool(ws.wait_past, generation, 10.0)
        return RedirectResponse(_back(request, default), status_code=303)

    async def assign(request: Request, sess: Session, form):
        wanted = [str(v) for k, v in form.multi_items() if k == "ids"]
        how = "确认建议" if form.get("how") == "suggestion" else "指定"
        await run_in_threadpool(ws.assign, sess.user, str(form.get("path", "")), wanted, str(form.get("token", "")),
                                how=how)
        return await _after_write(request)

    async def ignore(request: Request, sess: Session, form):
        path, item_id = str(form.get("path", "")), str(form.get("id", ""))
        std = ws.catalog.get(item_id)
        if not can_edit(sess.user, std):
            raise Forbidden(f"{sess.user.name} 所在部门不负责指标 {item_id}")
        accounts.ignore(path, std.id)
        accounts.log(sess.user.name, "忽略建议", path, f"指标 {std.id}")
        return RedirectResponse(_back(request, f"/standards/{std.id}"), status_code=303)

    async def remove(request: Request, sess: Session, form):
        await run_in_threadpool(ws.remove, sess.user, str(form.get("path", "")), str(form.get("token", "")))
        return await _after_write(request)

    async def restore(request: Request, sess: Session, form):
        try:
            trash_id = int(form.get("id", ""))
        except ValueError:
            raise DossierError("回收站编号无效") from None
        await run_in_threadpool(ws.restore, sess.user, trash_id)
        return await _after_write(request)

    async def refresh(request: Request, sess: Session, form):
        await run_in_threadpool(ws.refresh)
        return RedirectResponse(_back(request, "/"), status_code=303)

    async def build_start(request: Request, sess: Session, form):
        ws.start_build(sess.user)
        return RedirectResponse("/build", status_code=303)

    routes = [
        Route("/", guarded(overview)),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["GET", "POST"]),
        Route("/standards/{item_id}", guarded(standard)),
        Route("/standards/{item_id}/upload", guarded(upload, write=True), methods=["POST"]),
        Route("/files", guarded(files_page)),
        Route("/files/edit", guarded(edit, write=True), methods=["POST"]),
        Route("/files/assign", guarded(assign, write=True), methods=["POST"]),
        Route("/files/ignore", guarded(ignore, write=True), methods=["POST"]),
        Route("/files/remove", guarded(remove, write=True), methods=["POST"]),
        Route("/files/restore", guarded(restore, write=True), methods=["POST"]),
        Route("/refresh", guarded(refresh, write=True), methods=["POST"]),
        Route("/departments/{name}", guarded(department)),
        Route("/build", guarded(build_page)),
        Route("/build/start", guarded(build_start, write=True), methods=["POST"]),
        Route("/build/status", guarded(build_status)),
        Route("/download/{name}", guarded(download)),
        Route("/search", guarded(search)),
        Route("/audit", guarded(audit)),
        Route("/thumb", guarded(thumb)),
        Route("/api/report", guarded(api_report)),
        Route("/api/wait", guarded(api_wait)),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def server_error(request: Request, exc: Exception):
        import traceback

        traceback.print_exception(exc)
        return HTMLResponse("<!doctype html><meta charset=utf-8><title>内部错误</title>"
                            "<p>内部错误：工作台遇到了意外情况。请把服务器窗口中的信息发给维护人员。</p>"
                            "<p><a href=\"/\">返回总览</a></p>", status_code=500)

    app = Starlette(routes=routes, exception_handlers={Exception: server_error},
                    middleware=[Middleware(SecurityHeaders)])
    app.state.workspace = ws
    app.state.accounts = accounts
    return app


class SecurityHeaders:
    """No sniffing, no framing, no foreign scripts: a second wall behind the escaping."""

    HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"same-origin"),
               (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' "
                                            b"'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, sending)


def _spool(src, tmp: Path, limit: int) -> int:
    """Copy an upload to ``tmp``, stopping once it exceeds ``limit``; returns bytes seen."""
    size = 0
    with open(tmp, "wb") as dst:
        while True:
            chunk = src.read(1024 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                break
            dst.write(chunk)
    return size


def _gap(ws: Workspace, std, finding):
    from dossier.reports import Gap

    return Gap(std, finding, category_name(ws.catalog, std))


def _esc(text: str) -> str:
    import html

    return html.escape(text)
