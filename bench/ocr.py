"""The OCR stage of ``make bench`` (issue 14): dossier against Tesseract and OCRmyPDF on the same
generated scans, in the same run.

    .venv/bin/python bench/ocr.py [--pages 40] [--seed 14] [--out bench/out] [--ocrmypdf-pages 12]

* set — bench/scans.py (seeded): 会议纪要, 红头通知, 承诺书, 签到表 at 150–300 dpi, skewed,
  noisy, blurred, JPEG 40–70, seals over dates, some turned 90°/180°, some phone photos;
  every third page a scanned PDF.
* dossier — ``dossier index --format json`` as a subprocess on a project holding the set
  (2 OCR workers), with the peak memory of its process tree; then a warm run. Facts are what
  the JSON says; the character error rate is taken from the index's page texts.
* Tesseract 5 chi_sim (``--psm 3``, OMP_THREAD_LIMIT=1, two processes at once) on the same
  pages (PDFs rendered to PNG beforehand, not timed); its text goes through the same
  title/date/文号 extraction after the spaces it puts between Chinese characters are removed.
* OCRmyPDF (``-l chi_sim --rotate-pages``, two at once) on the first ``--ocrmypdf-pages``
  pages: it costs minutes; its text layer is read with pdftotext.

Accuracy per page: title exact, every printed date found, 文号 exact (pages without one must
not get one), seal as printed; CER = edit distance / characters printed (whitespace ignored).
Writes bench/out/ocr-results.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scans  # noqa: E402

BIN = Path(sys.executable).parent
OCRMYPDF_TIMEOUT = 300  # seconds per page; a page past it counts as read wrong
DOSSIER = str(BIN / "dossier") if (BIN / "dossier").exists() else "dossier"
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9])"
                      r"|(?<=[0-9]) +(?=[\u4e00-\u9fff])")


def cer(truth: str, got: str) -> float:
    a, b = re.sub(r"\s+", "", truth), re.sub(r"\s+", "", got)
    if not a:
        return 0.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1] / len(a)


def facts(text: str) -> dict:
    from dossier import extract

    return {"title": extract.title_of(text), "dates": [d.isoformat() for d in extract.all_dates(text)],
            "doc_number": extract.find_doc_number(text)}


def score(truths: list, got: dict[str, dict]) -> dict:
    """got: file → {title, dates, doc_number, text, seal?}."""
    n = len(truths)
    title = sum(1 for t in truths if got[t.file]["title"] == t.title)
    dates = sum(1 for t in truths if set(t.dates) <= set(got[t.file]["dates"]))
    number = sum(1 for t in truths if got[t.file]["doc_number"] == t.doc_number)
    task = sum(1 for t in truths if got[t.file]["title"] == t.title and set(t.dates) <= set(got[t.file]["dates"])
               and got[t.file]["doc_number"] == t.doc_number)
    rates = [cer("".join(t.lines), got[t.file]["text"]) for t in truths]
    out = {"pages": n, "title": title / n, "every_date": dates / n, "doc_number": number / n, "task": task / n,
           "cer": sum(rates) / n,
           "misses": [t.file for t in truths if not (got[t.file]["title"] == t.title
                                                       and set(t.dates) <= set(got[t.file]["dates"])
                                                       and got[t.file]["doc_number"] == t.doc_number)]}
    if all("seal" in got[t.file] for t in truths):
        tp = sum(1 for t in truths if t.seal and got[t.file]["seal"])
        fp = sum(1 for t in truths if not t.seal and got[t.file]["seal"])
        fn = sum(1 for t in truths if t.seal and not got[t.file]["seal"])
        out["seal_precision"] = tp / (tp + fp) if tp + fp else 1.0
        out["seal_recall"] = tp / (tp + fn) if tp + fn else 1.0
        out["seal_counts"] = {"sealed": tp + fn, "unsealed": n - tp - fn, "tp": tp, "fp": fp, "fn": fn}
    return out


def run_dossier(folder: Path, truths: list, work: Path) -> dict:
    import run as run_mod  # bench/run.py: the process-tree memory sampler

    proj = work / "扫描县"
    if proj.exists():
        shutil.rmtree(proj)
    (proj / "材料").mkdir(parents=True)
    (proj / "dossier.yaml").write_text("catalog: minor-protection-2021\nevidence_dir: 材料\n", encoding="utf-8")
    for t in truths:
        os.link(folder / t.file, proj / "材料" / t.file)
    cold = run_mod.run_measured([DOSSIER, "index", str(proj), "--format", "json", "--jobs", "2"])
    if cold.rc not in (0, 1):
        raise RuntimeError(f"dossier index failed: {cold.stderr[-2000:]}")
    report = {Path(f["path"]).name: f for f in json.loads(cold.stdout)["files"]}
    warm = [run_mod.run_measured([DOSSIER, "index", str(proj)]).wall for _ in range(3)]
    from dossier.store import open_store

    with open_store(proj / "输出" / ".dossier") as store:
        texts = {Path(f.path).name: f.text for f in store.files()}
    got = {}
    for t in truths:
        f = report[t.file]
        got[t.file] = {"title": f["title"], "doc_number": f["doc_number"] or "", "seal": bool(f["seal"]),
                       "dates": [d.isoformat() for d in _dates_of(texts[t.file])], "text": texts[t.file]}
    res = score(truths, got)
    res.update(seconds=round(cold.wall, 2), pages_per_s=round(len(truths) / cold.wall, 3),
               cpu_s_per_page=round(cold.cpu_tree / len(truths), 3),
               peak_rss_tree_mib=round(cold.peak_rss_tree / (1 << 20)), peak_pss_tree_mib=round(cold.peak_pss_tree / (1 << 20)),
               max_single_rss_mib=round(cold.max_single_rss / (1 << 20)), processes=cold.processes,
               warm_seconds=round(sorted(warm)[1], 3), ocr_pages=sum(f["ocr_pages"] for f in report.values()))
    return res


def _dates_of(text: str):
    from dossier import extract

    return extract.all_dates(text)


def images_for_tesseract(folder: Path, truths: list, work: Path) -> dict[str, Path]:
    out = {}
    for t in truths:
        src = folder / t.file
        if src.suffix == ".pdf":
            stem = work / f"{src.stem}"
            subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(src), str(stem)], check=True)
            out[t.file] = stem.with_suffix(".png")
        else:
            out[t.file] = src
    return out


def run_tesseract(images: dict[str, Path], truths: list) -> dict:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(path: Path) -> str:
        p = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "3"], capture_output=True,
                           text=True, env=env)
        return p.stdout

    t0, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with ThreadPoolExecutor(2) as pool:
        texts = dict(zip(images, pool.map(one, images.values())))
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    got = {}
    for name, text in texts.items():
        text = _CJK_GAP.sub("", text)
        got[name] = {**facts(text), "text": text}
    res = score(truths, got)
    res.update(seconds=round(wall, 2), pages_per_s=round(len(truths) / wall, 3),
               cpu_s_per_page=round(cpu / len(truths), 3))
    return res


def run_ocrmypdf(folder: Path, truths: list, work: Path) -> dict:
    def one(t) -> str:
        src = folder / t.file
        dst = work / f"{Path(t.file).stem}.ocr.pdf"
        cmd = ["ocrmypdf", "-q", "-l", "chi_sim", "--rotate-pages", "--jobs", "1", "--output-type", "pdf",
               "--optimize", "0"]
        if src.suffix != ".pdf":
            cmd += ["--image-dpi", str(t.dpi)]
        try:
            p = subprocess.run([*cmd, str(src), str(dst)], capture_output=True, text=True, timeout=OCRMYPDF_TIMEOUT,
                               env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        except subprocess.TimeoutExpired:
            return ""
        if p.returncode != 0 or not dst.exists():
            return ""
        return subprocess.run(["pdftotext", "-layout", str(dst), "-"], capture_output=True, text=True).stdout

    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        texts = dict(zip((t.file for t in truths), pool.map(one, truths)))
    wall = time.perf_counter() - t0
    got = {}
    for name, text in texts.items():
        raw_title = facts(text)["title"]
        text = _CJK_GAP.sub("", text)
        got[name] = {**facts(text), "text": text, "raw_title": raw_title}
    res = score(truths, got)
    res.update(seconds=round(wall, 2), pages_per_s=round(len(truths) / wall, 3))
    return res


def seal_only(pages: int = 110, seed: int = 140) -> dict:
    """The seal detector alone on more pages than the OCR set (no OCR needed): precision,
    recall and milliseconds per page. Pages as the scanner/phone delivers them (EXIF applied)."""
    import io
    import random

    from PIL import Image, ImageOps

    from dossier.readers.seal import has_seal

    tp = fp = fn = tn = 0
    spent = 0.0
    for n in range(pages):
        rng = random.Random(seed * 100003 + n)
        # Every 红头通知 without a seal is the hard negative: red characters and a red rule.
        kind = scans.KINDS[n % 4]
        seal = None if n % 3 else (kind != "签到表" and n % 2 == 0)
        data, truth, _ = scans.make_page(n, rng, kind=kind, seal=seal)
        img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        t0 = time.perf_counter()
        found = has_seal(img)
        spent += time.perf_counter() - t0
        tp += truth.seal and found
        fp += (not truth.seal) and found
        fn += truth.seal and not found
        tn += (not truth.seal) and not found
    return {"pages": pages, "sealed": tp + fn, "unsealed": fp + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "ms_per_page": round(1000 * spent / pages, 1)}


def run(out: Path, pages: int = 40, seed: int = 14, ocrmypdf_pages: int = 12) -> dict:
    folder = out / f"scans-{pages}-{seed}"
    if not (folder / "truth.json").is_file():
        scans.generate(folder, pages, seed)
    truths = scans.load_truth(folder)
    res = {"pages": len(truths), "seed": seed, "cores": os.cpu_count(), "load_start": os.getloadavg()[0],
           "set": {"photos": sum(t.photo for t in truths), "turned": sum(1 for t in truths if t.rotation),
                   "sealed": sum(t.seal for t in truths), "pdf": sum(t.file.endswith(".pdf") for t in truths),
                   "dpi": sorted({t.dpi for t in truths})}}
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        work = Path(tmp)
        print(f"OCR bench: dossier on {len(truths)} pages …", flush=True)
        res["dossier"] = run_dossier(folder, truths, work)
        _save(out, res)
        if shutil.which("tesseract"):
            print("OCR bench: Tesseract chi_sim …", flush=True)
            res["tesseract"] = run_tesseract(images_for_tesseract(folder, truths, work), truths)
            _save(out, res)
        if shutil.which("ocrmypdf") and ocrmypdf_pages:
            print(f"OCR bench: OCRmyPDF on {min(ocrmypdf_pages, len(truths))} pages …", flush=True)
            res["ocrmypdf"] = run_ocrmypdf(folder, truths[:ocrmypdf_pages], work)
    print("OCR bench: seal detector alone on 110 pages …", flush=True)
    res["seal_detector"] = seal_only()
    res["load_end"] = os.getloadavg()[0]
    d, t = res["dossier"], res.get("tesseract")
    res["targets"] = {
        "every date ≥ 95 %": d["every_date"] >= 0.95,
        "titles ≥ 98 %": d["title"] >= 0.98,
        "文号 ≥ 98 %": d["doc_number"] >= 0.98,
        "pages/s ≥ 0.5× Tesseract": (d["pages_per_s"] >= 0.5 * t["pages_per_s"]) if t else None,
        # The same on a shared machine: CPU seconds per page do not depend on the neighbours' load.
        "CPU s/page ≤ 2× Tesseract's": (d["cpu_s_per_page"] <= 2 * t["cpu_s_per_page"]) if t else None,
        "index tree < 1.5 GiB": d["peak_pss_tree_mib"] < 1536,
    }
    _save(out, res)
    return res


def _save(out: Path, res: dict) -> None:
    # Written after every engine: a long run interrupted late keeps what it measured.
    (out / "ocr-results.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")


def print_table(res: dict) -> None:
    print(f"\nOCR: {res['pages']} pages ({res['set']}), load {res['load_start']:.1f} → {res['load_end']:.1f}")
    print(f"{'engine':<12}{'pages/s':>9}{'CPU s/p':>9}{'title':>8}{'dates':>8}{'文号':>7}{'task':>8}{'CER':>8}")
    for name in ("dossier", "tesseract", "ocrmypdf"):
        r = res.get(name)
        if r:
            print(f"{name:<12}{r['pages_per_s']:>9.3f}{r.get('cpu_s_per_page', float('nan')):>9.3f}{r['title']:>8.2f}{r['every_date']:>8.2f}{r['doc_number']:>7.2f}"
                  f"{r['task']:>8.2f}{r['cer']:>8.3f}  ({r['pages']} pages)")
    d = res["dossier"]
    print(f"dossier: seal precision {d.get('seal_precision')} recall {d.get('seal_recall')} {d.get('seal_counts')}; "
          f"peak tree RSS {d['peak_rss_tree_mib']} MiB, PSS {d['peak_pss_tree_mib']} MiB; warm {d['warm_seconds']} s")
    print("misses:", d["misses"])
    if res.get("seal_detector"):
        print("seal detector alone:", res["seal_detector"])
    for k, v in res["targets"].items():
        print(f"  {'✓' if v else '✗'} {k}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--ocrmypdf-pages", type=int, default=12)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print_table(run(args.out, args.pages, args.seed, args.ocrmypdf_pages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
