"""The workbench end to end: `dossier serve` in its own process, driven by Debian's chromium through Playwright.

Tests run in file order against one server (uploads from earlier tests are visible later), as
a county's day would go. Screenshots of every page land in tests/serve/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
from pathlib import Path

import pytest

from dossier import manifest as manifest_lib
from evidence_makers import pdf_bytes
from serve_helpers import PASSWORD, SCREENSHOTS, add_users, start_server, stop_server

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MINUTES = pdf_bytes([["示范县未成年人保护工作领导小组2021年第二次全体会议纪要", "会议时间：2021年8月20日",
                      "会议研究了未成年人保护工作的重大问题。"]])
UPLOAD_NAME = "2021-08-20 领导小组2021年第二次全体会议纪要.pdf"
XSS_NAME = "<script>alert(1)</script>.pdf"
# Its own title: two files of one title under one standard trip verify's bookmark check (reported to the lead).
XSS_PDF = pdf_bytes([["示范县未成年人保护工作领导小组办公室工作简报", "时间：2021年9月1日"]])

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def served(indexed_sample, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser") / "示范县"
    shutil.copytree(indexed_sample, root)
    s = start_server(root)  # the first start: no account yet, so "admin" and its one-time password are printed
    add_users(root)  # then 管理员, 民政甲 (民政) and 教育乙 (教育), as `dossier user add` would
    yield s
    stop_server(s)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def signed_in(browser, served, name: str, password: str = PASSWORD, *, screenshot: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(served.url + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(served.url + "/")
    return page


def dossier_cli(cli, *args: str):
    """Run the real CLI entry point; while the server's background check holds the project lock the CLI
    says "另一个 dossier 正在处理此项目" (by design), so try again a few times as a clerk would."""
    for _ in range(40):
        r = cli(*args)
        if "另一个 dossier 正在处理此项目" not in r.stderr:
            return r
        time.sleep(0.5)
    return r


def report_of(cli, served) -> dict:
    return json.loads(dossier_cli(cli, "check", str(served.root), "--format", "json").stdout)


def status_on(page) -> str:
    return page.locator("#status").get_attribute("data-status")


def test_admin_sees_overview_counts_equal_to_check(browser, served, cli):
    """This test ensures that the admin logs in with the one-time password printed at first start and that the
    总览 counts equal `dossier check --format json`."""
    assert served.admin_password
    page = signed_in(browser, served, "admin", served.admin_password, screenshot="01-登录")
    expected = report_of(cli, served)["summary"]
    for status, count in expected.items():
        assert page.locator(f'.count[data-status="{status}"] .n').inner_text() == str(count), status
    assert "申报资格：符合申报条件" in page.inner_text(".verdict")
    shot(page, "02-总览")
    page.context.close()


def test_department_user_uploads_through_file_chooser(browser, served, tmp_path):
    """This test ensures that a 民政 user uploads a PDF into 2.1.3 through the file chooser and the status goes
    partial → met."""
    page = signed_in(browser, served, "民政甲")
    page.goto(served.url + "/standards/2.1.3")
    assert status_on(page) == "partial"
    shot(page, "03-指标-上传前")
    pdf = tmp_path / UPLOAD_NAME
    pdf.write_bytes(MINUTES)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("选择文件").click()
    chooser.value.set_files(str(pdf))
    expect(page.locator("#status")).to_have_attribute("data-status", "met", timeout=30_000)
    assert UPLOAD_NAME in page.inner_text("main")
    assert list((served.root / "材料" / "民政").rglob(UPLOAD_NAME))
    shot(page, "04-指标-上传后")
    page.context.close()


def test_other_departments_standard_is_read_only_and_refused(browser, served):
    """This test ensures that the same user sees no upload zone on another department's standard and that the
    server answers a forged upload with 403 and a Chinese message."""
    page = signed_in(browser, served, "民政甲")
    page.goto(served.url + "/standards/5.1.1")
    assert page.locator("form[data-upload]").count() == 0
    assert page.get_by_role("button", name="选择文件").count() == 0
    assert "只能查看" in page.inner_text("main")
    shot(page, "05-他部门指标-只读")
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    r = page.request.post(served.url + "/standards/5.1.1/upload", headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
                          multipart={"files": {"name": "x.pdf", "mimeType": "application/pdf", "buffer": MINUTES}})
    assert r.status == 403 and "不负责指标 5.1.1" in r.json()["message"]
    page.context.close()


def _uploaded_row(served):
    rows, _ = manifest_lib.read_manifests(served.root)
    return next(r for r in rows if r.file.endswith(UPLOAD_NAME))


def test_editing_a_date_changes_the_xlsx_and_the_status(browser, served):
    """This test ensures that editing a 日期 cell on /files writes 材料清单.xlsx and changes the verdict of 2.1.3."""
    page = signed_in(browser, served, "民政甲")
    page.goto(served.url + "/files?q=" + urllib.parse.quote("领导小组2021年第二次全体会议纪要"))
    row = _uploaded_row(served)
    cell = page.locator(f'form.cell:has(input[name="row"][value="{row.row}"]) input[name="date"]')
    cell.fill("2019-06-01")
    with page.expect_navigation():
        cell.press("Tab")
    assert manifest_lib.row_values(served.root, row.source, row.row)["date"] == "2019-06-01"
    page.goto(served.url + "/standards/2.1.3")
    assert status_on(page) == "partial"
    shot(page, "06-材料文件-改日期后的指标")
    page.context.close()


def test_concurrent_excel_change_is_detected(browser, served):
    """This test ensures that when 材料清单.xlsx changes on disk after /files was loaded, the write is refused with a
    clear message and a reload button, and nothing is overwritten."""
    page = signed_in(browser, served, "民政甲")
    page.goto(served.url + "/files")
    shot(page, "07-材料文件")
    page.goto(served.url + "/files?q=" + urllib.parse.quote("领导小组2021年第二次全体会议纪要"))
    row = _uploaded_row(served)
    manifest_lib.update_row(served.root, row.source, row.row, {"note": "科员在 WPS 中改过"})  # the Excel-side save
    before = (served.root / "材料清单.xlsx").read_bytes()
    cell = page.locator(f'form.cell:has(input[name="row"][value="{row.row}"]) input[name="date"]')
    cell.fill("2021-08-20")
    with page.expect_navigation():
        cell.press("Tab")
    assert "已被修改" in page.inner_text("main")
    assert (served.root / "材料清单.xlsx").read_bytes() == before
    shot(page, "08-材料清单已被修改")
    page.get_by_role("link", name="重新载入页面").click()
    page.wait_for_url("**/files?q=*")
    cell = page.locator(f'form.cell:has(input[name="row"][value="{row.row}"]) input[name="date"]')
    cell.fill("2021-08-20")
    with page.expect_navigation():
        cell.press("Tab")
    values = manifest_lib.row_values(served.root, row.source, row.row)
    assert values["date"] == "2021-08-20" and values["note"] == "科员在 WPS 中改过"
    page.context.close()


def test_xss_file_name_renders_as_text(browser, served):
    """This test ensures that a file named <script>alert(1)</script>.pdf shows as text and runs nothing."""
    page = signed_in(browser, served, "民政甲")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served.url + "/standards/2.1.3")
    page.set_input_files('form[data-upload] input[type="file"]',
                         files=[{"name": XSS_NAME, "mimeType": "application/pdf", "buffer": XSS_PDF}])
    expect(page.locator("main")).to_contain_text("上传时的文件名：<script>", timeout=30_000)
    assert f"上传时的文件名：{XSS_NAME}" in page.inner_text("main")
    page.goto(served.url + "/files?q=" + urllib.parse.quote("工作简报"))
    assert XSS_NAME in page.inner_text("main")
    assert page.locator("script:not([src])").count() == 0
    assert dialogs == []
    shot(page, "09-XSS文件名")
    page.context.close()


def test_post_without_csrf_token_is_refused(browser, served):
    """This test ensures that a logged-in POST without the CSRF token gets 403."""
    page = signed_in(browser, served, "管理员")
    row = _uploaded_row(served)
    r = page.request.post(served.url + "/files/edit", form={"source": row.source, "row": str(row.row),
                                                            "date": "2020-01-01", "token": "x"})
    assert r.status == 403 and "CSRF" in r.text()
    assert manifest_lib.row_values(served.root, row.source, row.row)["date"] == "2021-08-20"
    page.context.close()


def test_pages_for_reviewers(browser, served):
    """This test ensures that the department, search and audit pages show what they promise (and screenshots them)."""
    page = signed_in(browser, served, "民政甲")
    page.goto(served.url + "/departments/民政")
    assert "2.1.3" in page.inner_text("main") and UPLOAD_NAME in page.inner_text("main")
    shot(page, "10-部门")
    page.goto(served.url + "/search?q=" + "第二次全体会议")
    assert page.locator("mark").first.inner_text() == "第二次全体会议"
    assert re.search(r"第 \d+ 页", page.inner_text("main"))
    shot(page, "11-搜索")
    page.goto(served.url + "/audit")
    text = page.inner_text("main")
    assert "民政甲" in text and "上传" in text and "修改" in text
    shot(page, "12-操作记录")
    page.context.close()


def test_build_from_the_browser(browser, served, tmp_path, cli):
    """This test ensures that the admin builds from /build, sees progress then the verify result, and downloads a
    证明材料汇编.pdf that `dossier verify` accepts."""
    from pypdf import PdfReader

    page = signed_in(browser, served, "管理员")
    page.goto(served.url + "/build")
    page.get_by_role("button", name="开始生成").click()
    shot(page, "13-生成中")
    page.wait_for_selector("#verify", timeout=300_000)
    assert "通过" in page.inner_text("#verify")
    shot(page, "14-生成完成")
    with page.expect_download() as download:
        page.get_by_role("link", name="证明材料汇编.pdf").click()
    target = tmp_path / "证明材料汇编.pdf"
    download.value.save_as(target)
    assert len(PdfReader(target).pages) > 10
    assert target.read_bytes() == (served.root / "输出" / "证明材料汇编.pdf").read_bytes()
    checked = dossier_cli(cli, "verify", str(served.root))
    assert checked.exit_code == 0 and "核对通过" in checked.stdout, checked.output
    page.context.close()
