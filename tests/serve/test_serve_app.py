"""The workbench in-process (Starlette TestClient): accounts, permissions, CSRF, paths, sizes, escaping."""

from __future__ import annotations

import json
import zipfile

import pytest
from starlette.testclient import TestClient

from dossier import manifest as manifest_lib
from dossier.serve.app import create_app
from evidence_makers import pdf_bytes
from serve_helpers import PASSWORD, add_users, csrf_of, login

MINUTES = pdf_bytes([["示范县未成年人保护工作领导小组2021年第二次全体会议纪要", "会议时间：2021年8月20日",
                      "会议研究了未成年人保护工作的重大问题。"]])
OTHER = "5.1.1"  # a standard 民政 does not owe (教育's)


@pytest.fixture
def app(county):
    add_users(county)
    return create_app(county)


def client_for(app, name: str | None) -> TestClient:
    c = TestClient(app)
    if name:
        r = login(c, name)
        assert r.status_code == 303, r.text
    return c


def upload(c, item_id: str, name: str, data: bytes, *, csrf: str | None = "auto"):
    token = csrf_of(c) if csrf == "auto" else csrf
    form = {"csrf": token} if token else {}
    return c.post(f"/standards/{item_id}/upload", data=form, files=[("files", (name, data, "application/pdf"))],
                  headers={"Accept": "application/json"})


def test_login_page_labels_and_refusals(app):
    """This test ensures that the login page has 用户名/密码/登录, that wrong passwords are refused and rate-limited,
    and that pages need a login."""
    c = TestClient(app)
    page = c.get("/login").text
    assert 'for="username">用户名</label>' in page and 'for="password">密码</label>' in page and ">登录</button>" in page
    assert c.get("/", follow_redirects=False).headers["location"].startswith("/login")
    assert c.get("/api/report").status_code == 401
    for _ in range(5):
        assert login(c, "民政甲", "wrong-password").status_code == 401
    blocked = login(c, "民政甲", PASSWORD)
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.text


def test_login_without_csrf_is_refused(app):
    """This test ensures that the login form itself carries a CSRF token and a POST without it gets 403."""
    c = TestClient(app)
    r = c.post("/login", data={"username": "管理员", "password": PASSWORD})
    assert r.status_code == 403 and "安全令牌" in r.text


def test_cookie_flags(app):
    """This test ensures that the session cookie is HttpOnly and SameSite=Strict."""
    c = TestClient(app)
    r = login(c, "管理员")
    cookie = r.headers["set-cookie"]
    assert "dossier_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_api_report_equals_check_json(app, county, cli):
    """This test ensures that /api/report is the same JSON object as `dossier check --format json`."""
    c = client_for(app, "教育乙")
    served = c.get("/api/report").json()
    printed = json.loads(cli("check", str(county), "--format", "json").stdout)
    assert served == printed


def test_every_page_renders_in_chinese(app):
    """This test ensures that every route of the contract answers 200 for a logged-in user, in Chinese."""
    c = client_for(app, "民政甲")
    for url, text in [("/", "申报资格"), ("/standards/2.1.3", "县级党委或政府每年至少召开两次会议"), ("/files", "材料文件"),
                      ("/departments/民政", "负责的指标"), ("/build", "生成申报材料"), ("/search?q=会议纪要", "会议纪要"),
                      ("/audit", "操作记录")]:
        r = c.get(url)
        assert r.status_code == 200, url
        assert text in r.text, url
    assert c.get("/logout", follow_redirects=False).headers["location"] == "/login"
    assert c.get("/", follow_redirects=False).status_code == 303


def test_department_user_uploads_own_standard_and_is_refused_elsewhere(app, county):
    """This test ensures that a department user uploads into its own standard (file under 材料/<部门>/<ID …>/,
    manifest row with user and time in 备注) and gets 403 with a Chinese message on another department's."""
    c = client_for(app, "民政甲")
    r = upload(c, "2.1.3", "第二次会议纪要.pdf", MINUTES)
    assert r.status_code == 200, r.text
    saved = r.json()["saved"][0]
    assert saved.startswith("材料/民政/2.1.3 ") and saved.endswith("/第二次会议纪要.pdf")
    assert (county / saved).read_bytes() == MINUTES
    rows, _ = manifest_lib.read_manifests(county)
    row = next(r for r in rows if r.file == saved)
    assert row.indicator == "2.1.3" and row.note.startswith("民政甲 于 20") and "通过工作台上传" in row.note

    refused = upload(c, OTHER, "x.pdf", MINUTES)
    assert refused.status_code == 403 and "不负责指标" in refused.json()["message"]
    assert 'data-upload' not in c.get(f"/standards/{OTHER}").text
    assert "只能查看" in c.get(f"/standards/{OTHER}").text


def test_upload_never_overwrites(app, county):
    """This test ensures that uploading the same name twice keeps both files: 名称(2).pdf."""
    c = client_for(app, "管理员")
    first = upload(c, "2.1.3", "纪要.pdf", MINUTES).json()["saved"][0]
    second = upload(c, "2.1.3", "纪要.pdf", MINUTES + b"\n%second").json()["saved"][0]
    assert second.endswith("/纪要(2).pdf") and (county / first).is_file() and (county / second).is_file()
    assert (county / first).read_bytes() == MINUTES


def test_upload_status_goes_met(app, county):
    """This test ensures that a 2021 meeting minute uploaded into 2.1.3 turns it from partial to met."""
    ws = app.state.workspace
    assert ws.report.finding("2.1.3").status == "partial"
    c = client_for(app, "民政甲")
    assert upload(c, "2.1.3", "2021年第二次会议纪要.pdf", MINUTES).status_code == 200
    served = {i["id"]: i["status"] for i in c.get("/api/report").json()["indicators"]}
    assert served["2.1.3"] == "met"


def test_size_limit(county):
    """This test ensures that a file over the upload limit is refused with 413 and nothing is written."""
    add_users(county)
    app = create_app(county, max_upload=1024)
    c = client_for(app, "管理员")
    r = upload(c, "2.1.3", "大文件.pdf", b"%PDF-1.4\n" + b"0" * 5000)
    assert r.status_code == 413 and "超过大小限制" in r.json()["message"]
    assert not list((county / "材料").rglob("大文件*"))


def test_type_sniffing(app, county):
    """This test ensures that a file whose bytes are not what its extension says is refused, and unsupported types too."""
    c = client_for(app, "管理员")
    r = upload(c, "2.1.3", "伪装.pdf", b"<html><body>not a pdf</body></html>")
    assert r.status_code == 400 and "内容是" in r.json()["message"]
    r = upload(c, "2.1.3", "脚本.exe", b"MZ\x90\x00")
    assert r.status_code == 400 and "不受支持" in r.json()["message"]
    assert not list((county / "材料").rglob("伪装*")) and not list((county / "材料").rglob("脚本*"))


def test_xss_file_name_is_escaped(app, county):
    """This test ensures that a file named <script>alert(1)</script>.pdf is stored under a safe name and shown as text."""
    c = client_for(app, "管理员")
    saved = upload(c, "2.1.3", "<script>alert(1)</script>.pdf", MINUTES).json()["saved"][0]
    assert "/" not in saved.split("材料/", 1)[1].split("/", 2)[2]  # one path component, inside the standard's folder
    app.state.workspace.refresh()
    for url in ("/standards/2.1.3", "/files", "/audit"):
        html = c.get(url).text
        assert "<script>alert(1)" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in c.get("/standards/2.1.3").text


def test_csrf_required_on_writes(app, county):
    """This test ensures that every state-changing POST without the CSRF token gets 403 and changes nothing."""
    c = client_for(app, "管理员")
    before = (county / "材料清单.xlsx").read_bytes()
    for url, data in [("/files/edit", {"source": "材料清单.xlsx", "row": "2", "date": "2021-01-01"}),
                      ("/files/assign", {"path": "材料/未分类/IMG_20210601_093015.jpg", "ids": "6.1.1"}),
                      ("/files/remove", {"path": "材料/未分类/IMG_20210601_093015.jpg"}),
                      ("/build/start", {}), ("/refresh", {})]:
        r = c.post(url, data=data)
        assert r.status_code == 403 and "CSRF" in r.text, url
    assert upload(c, "2.1.3", "a.pdf", MINUTES, csrf=None).status_code == 403
    assert (county / "材料清单.xlsx").read_bytes() == before
    assert (county / "材料/未分类/IMG_20210601_093015.jpg").is_file()


def test_paths_stay_inside(app, county):
    """This test ensures that removal, thumbnails and downloads refuse paths outside the evidence folder / outputs."""
    c = client_for(app, "管理员")
    token = manifest_lib.manifest_token(county)
    csrf = csrf_of(c)
    for bad in ("../dossier.yaml", "材料/../dossier.yaml", "/etc/passwd", "材料/../../x", "台账/培训台账.xlsx"):
        r = c.post("/files/remove", data={"csrf": csrf, "token": token, "path": bad}, headers={"Accept": "application/json"})
        assert r.status_code in (400, 403), bad
    assert (county / "dossier.yaml").is_file()
    assert c.get("/thumb", params={"path": "../dossier.yaml"}).status_code == 404
    for name in ("..%2Fdossier.yaml", "dossier.yaml", ".dossier", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"):
        assert c.get(f"/download/{name}").status_code == 404, name
    saved = upload(c, "2.1.3", "../../逃逸.pdf", MINUTES).json()["saved"][0]
    assert saved.startswith("材料/民政/2.1.3 ") or saved.startswith("材料/县委/2.1.3 ")
    assert (county / saved).resolve().is_relative_to((county / "材料").resolve())


def test_remove_to_trash_and_restore(app, county):
    """This test ensures that removing moves the file to 材料/.回收站/ with its manifest rows (never evidence, never
    deleted), that a department user may remove only its own uploads, and that an admin restores it."""
    mz = client_for(app, "民政甲")
    saved = upload(mz, "2.1.3", "将被移除.pdf", MINUTES).json()["saved"][0]
    ws = app.state.workspace
    ws.refresh()
    token = manifest_lib.manifest_token(county)
    others = "材料/2.1.3 县级会议/2020-04-23 示范县未成年人保护工作领导小组2020年第一次全体会议纪要.pdf"
    r = mz.post("/files/remove", data={"csrf": csrf_of(mz), "token": token, "path": others},
                headers={"Accept": "application/json"})
    assert r.status_code == 403 and "只能移除自己上传的文件" in r.json()["message"]
    r = mz.post("/files/remove", data={"csrf": csrf_of(mz), "token": token, "path": saved},
                headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert not (county / saved).exists()
    trashed = list((county / "材料" / ".回收站").rglob("将被移除.pdf"))
    assert len(trashed) == 1 and trashed[0].read_bytes() == MINUTES
    rows, _ = manifest_lib.read_manifests(county)
    assert not any(r.file == saved for r in rows)
    report = ws.fresh_report()
    assert not any(".回收站" in f.path for f in report.files)

    admin = client_for(app, "管理员")
    assert "将被移除.pdf" in admin.get("/files").text
    trash_id = app.state.accounts.trash()[0]["id"]
    r = admin.post("/files/restore", data={"csrf": csrf_of(admin), "id": str(trash_id)},
                   headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert (county / saved).read_bytes() == MINUTES
    rows, _ = manifest_lib.read_manifests(county)
    assert any(r.file == saved and r.indicator == "2.1.3" for r in rows)
    actions = [e["action"] for e in app.state.accounts.audit()]
    assert {"上传", "移除", "恢复"} <= set(actions)


def test_edit_date_and_stale_manifest(app, county):
    """This test ensures that editing 日期 writes the xlsx cell (every other part byte for byte) and changes the status, and that
    a write after the manifest changed on disk is refused with 409 and changes nothing."""
    c = client_for(app, "民政甲")
    saved = upload(c, "2.1.3", "会议纪要.pdf", MINUTES).json()["saved"][0]
    ws = app.state.workspace
    assert ws.fresh_report().finding("2.1.3").status == "met"
    source, row = ws.rows_of(saved)[0]
    token = manifest_lib.manifest_token(county)
    with zipfile.ZipFile(county / "材料清单.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist() if not n.startswith("xl/worksheets/")}
    r = c.post("/files/edit", data={"csrf": csrf_of(c), "token": token, "source": source, "row": str(row),
                                    "date": "2019年6月1日"}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert manifest_lib.row_values(county, source, row)["date"] == "2019-06-01"
    with zipfile.ZipFile(county / "材料清单.xlsx") as z:
        assert {n: z.read(n) for n in z.namelist() if not n.startswith("xl/worksheets/")} == parts  # styles kept
    assert ws.fresh_report().finding("2.1.3").status == "partial"

    stale = manifest_lib.manifest_token(county)
    manifest_lib.update_row(county, source, row, {"note": "在 Excel 中改过"})  # someone else saves the file
    before = (county / "材料清单.xlsx").read_bytes()
    r = c.post("/files/edit", data={"csrf": csrf_of(c), "token": stale, "source": source, "row": str(row),
                                    "date": "2021-08-20"})
    assert r.status_code == 409 and "已被修改" in r.text and "重新载入页面" in r.text
    assert (county / "材料清单.xlsx").read_bytes() == before


def test_state_lives_in_dot_dossier(app, county):
    """This test ensures that accounts, sessions and the audit log live in .dossier/ at the project root and that
    passwords are not stored in clear."""
    db = county / ".dossier" / "workbench.sqlite"
    assert db.is_file()
    assert PASSWORD.encode() not in db.read_bytes()
