"""The workbench under load (issue 12): simulated department users browsing and uploading.

    .venv/bin/python bench/load.py [--scale large] [--users 20] [--seconds 60]

On a working copy of the bench county (bench/corpus.py; hard links, so the cached corpus is
never touched; the manifest is a real copy because the workbench writes it), starts
``dossier serve`` on 127.0.0.1 and a free port, and measures:

* ``/`` render time (20 sequential requests by one logged-in admin) at the corpus' size;
* 20 department users (threads, one session each) for 60 s: each opens 总览, its department,
  its standards, a search, a page of /files, and now and then uploads a small PDF into one of
  its standards, thinking 0.2–1.0 s between requests — p50/p95/max page time, errors;
* lost uploads: every upload the server confirmed must be on disk and have a manifest row;
* server memory (VmRSS of the server process) idle after start and idle after the load.

Every request goes to 127.0.0.1; the run is bounded in time (``--seconds``) and in count
(``--max-requests`` per user). Writes bench/out/load-<scale>.json and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

import corpus as corpus_mod  # noqa: E402  (bench/ is not a package)

OUT = HERE / "out"
PASSWORD = "bench-password-1"
TARGETS = {"p95_page_s": 1.0, "errors": 0, "lost_uploads": 0, "overview_s": 0.300, "idle_rss_mib": 300}
SEARCH_WORDS = ("会议纪要", "未成年人保护", "培训", "儿童之家", "工作方案", "关爱服务")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def work_copy(root: Path, work: Path) -> None:
    """Hard links of the corpus, keeping the index of an earlier run (it is only a cache)."""
    keep = work.parent / "index-keep"
    if (work / "输出" / ".dossier").is_dir():
        if keep.exists():
            shutil.rmtree(keep)
        shutil.move(str(work / "输出" / ".dossier"), keep)
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(root, work, copy_function=os.link)
    for name in ("材料清单.xlsx", "材料清单.csv"):
        if (work / name).exists():  # written by the workbench: a real copy, not a link into the corpus
            (work / name).unlink()
            shutil.copy2(root / name, work / name)
    shutil.rmtree(work / ".dossier", ignore_errors=True)
    shutil.rmtree(work / "输出", ignore_errors=True)
    if keep.is_dir():
        (work / "输出").mkdir()
        shutil.move(str(keep), work / "输出" / ".dossier")


def pdf_bytes(text: str) -> bytes:
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 780, text)
    c.drawString(72, 750, "时间：2021年6月1日")
    c.showPage()
    c.save()
    return buf.getvalue()


class Client:
    def __init__(self, base: str, name: str):
        import httpx

        self.http = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
        page = self.http.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = self.http.post("/login", data={"csrf": token, "username": name, "password": PASSWORD})
        if r.status_code != 200:
            raise RuntimeError(f"login of {name} failed: {r.status_code}")
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', r.text).group(1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dossier workbench load test (issue 12)")
    ap.add_argument("--scale", choices=sorted(corpus_mod.SCALES), default="large")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=400, help="per user: the run is bounded in count too")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    print(f"[1/6] corpus ({args.scale})", flush=True)
    corp = corpus_mod.ensure(args.scale, out, progress=lambda m: print(f"        · {m}", flush=True))
    work = out / f"load-{args.scale}" / corpus_mod.PROJECT_NAME
    work_copy(corp.root, work)

    from dossier import catalog as catalog_lib
    from dossier import manifest as manifest_lib
    from dossier.serve.accounts import Accounts

    catalog = catalog_lib.load("minor-protection-2021")
    departments = []
    for std in catalog.standards:
        for d in std.departments:
            if d not in departments:
                departments.append(d)
    accounts = Accounts(work)
    accounts.add_user("bench-admin", PASSWORD, admin=True)
    users = []
    for i in range(args.users):
        dep = departments[i % len(departments)]
        name = f"用户{i + 1:02d}"
        accounts.add_user(name, PASSWORD, departments=[dep])
        users.append((name, dep, [s.id for s in catalog.standards if dep in s.departments]))

    print("[2/6] dossier serve (first start indexes the county)", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "serve", str(work), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None or time.perf_counter() - started > 1800:
            print("".join(log))
            raise SystemExit("dossier serve did not start")
        time.sleep(0.2)
    startup = time.perf_counter() - started
    res: dict = {"scale": args.scale, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "files": len(corp.files), "users": args.users, "seconds": args.seconds, "startup_s": round(startup, 2)}
    try:
        time.sleep(2)
        res["idle_rss_mib_start"] = round(rss_mib(proc.pid), 1)

        print("[3/6] / render time", flush=True)
        admin = Client(base, "bench-admin")
        times = []
        for _ in range(20):
            t = time.perf_counter()
            r = admin.http.get("/")
            times.append(time.perf_counter() - t)
            assert r.status_code == 200
        res["overview_s"] = {"median": round(statistics.median(times), 4), "max": round(max(times), 4)}
        m = re.search(r"材料文件（(\d+) 个）", admin.http.get("/files").text)
        res["files_indexed"] = int(m.group(1)) if m else None

        print(f"[4/6] {args.users} users for {args.seconds:g} s", flush=True)
        samples: list[tuple[str, float, int]] = []
        errors: list[str] = []
        confirmed: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        start_gate = threading.Barrier(args.users)

        def user_loop(n: int, name: str, dep: str, mine: list[str]) -> None:
            rng = random.Random(n)
            try:
                c = Client(base, name)
            except Exception as e:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(f"{name}: login {e}")
                start_gate.wait()
                return
            start_gate.wait()
            count = 0
            while time.monotonic() < deadline and count < args.max_requests:
                count += 1
                roll = rng.random()
                kind, method = "page", "GET"
                if roll < 0.15:
                    url = "/"
                elif roll < 0.25:
                    url = f"/departments/{dep}"
                elif roll < 0.55:
                    url = f"/standards/{rng.choice(mine)}"
                elif roll < 0.65:
                    url = f"/search?q={rng.choice(SEARCH_WORDS)}"
                elif roll < 0.75:
                    url = f"/files?page={rng.randint(1, 15)}"
                elif roll < 0.82:
                    url = "/audit"
                else:
                    kind, method = "upload", "POST"
                    url = f"/standards/{rng.choice(mine)}/upload"
                t = time.perf_counter()
                try:
                    if method == "GET":
                        r = c.http.get(url)
                    else:
                        data = pdf_bytes(f"{dep}工作材料（{name}第{count}份）")
                        r = c.http.post(url, data={"csrf": c.csrf},
                                        files=[("files", (f"{name}-{count}.pdf", data, "application/pdf"))],
                                        headers={"Accept": "application/json"})
                    took = time.perf_counter() - t
                    ok = r.status_code == 200
                    with lock:
                        samples.append((kind, took, r.status_code))
                        if not ok:
                            errors.append(f"{name} {method} {url}: {r.status_code} {r.text[:120]}")
                        elif kind == "upload":
                            confirmed.extend(r.json()["saved"])
                except Exception as e:  # noqa: BLE001
                    with lock:
                        samples.append((kind, time.perf_counter() - t, 0))
                        errors.append(f"{name} {method} {url}: {type(e).__name__} {e}")
                time.sleep(rng.uniform(0.2, 1.0))

        threads = [threading.Thread(target=user_loop, args=(i, *u)) for i, u in enumerate(users)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        pages = sorted(t for k, t, _ in samples if k == "page")
        uploads = sorted(t for k, t, _ in samples if k == "upload")

        def pct(values, q):
            return round(values[min(len(values) - 1, int(q * len(values)))], 4) if values else None

        res["requests"] = len(samples)
        res["pages"] = {"count": len(pages), "p50": pct(pages, 0.5), "p95": pct(pages, 0.95), "max": pct(pages, 1.0)}
        res["uploads"] = {"count": len(uploads), "p50": pct(uploads, 0.5), "p95": pct(uploads, 0.95),
                          "max": pct(uploads, 1.0)}
        res["errors"] = len(errors)
        res["error_samples"] = errors[:10]

        print("[5/6] lost uploads", flush=True)
        rows, _ = manifest_lib.read_manifests(work)
        in_manifest = {r.file for r in rows}
        lost = [p for p in confirmed if not (work / p).is_file() or p not in in_manifest]
        res["uploads_confirmed"] = len(confirmed)
        res["lost_uploads"] = len(lost)
        res["lost_samples"] = lost[:10]

        print("[6/6] idle memory after the load", flush=True)
        time.sleep(15)  # the background re-check after the last upload
        res["idle_rss_mib_after"] = round(rss_mib(proc.pid), 1)
        t = time.perf_counter()
        admin.http.get("/")
        res["overview_after_s"] = round(time.perf_counter() - t, 4)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

    res["targets"] = {
        "p95 page time < 1 s": res["pages"]["p95"] is not None and res["pages"]["p95"] < TARGETS["p95_page_s"],
        "0 errors": res["errors"] == 0,
        "0 lost uploads": res["lost_uploads"] == 0,
        "/ < 300 ms": res["overview_s"]["median"] < TARGETS["overview_s"],
        "idle < 300 MiB": max(res["idle_rss_mib_start"], res["idle_rss_mib_after"]) < TARGETS["idle_rss_mib"],
    }
    target = out / f"load-{args.scale}.json"
    target.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"written {target}")
    return 0 if all(res["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
