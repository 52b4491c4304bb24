"""OCR of pages without a text layer (scans, photos): text, line positions, orientation, seal.

Engine: rapidocr 3.x (PP-OCR models shipped in its wheel, onnxruntime), chosen by the
measurements in issue 14 (task accuracy 0.97 with the red channel, against 0.23 for
Tesseract chi_sim). What matters here and why:

* The model files are pinned to the ones the wheel ships: a configuration naming any other
  model makes rapidocr try to download it, which fails offline.
* Recognition reads the image's red channel as greyscale: a red 公章 over the sign-off
  date nearly vanishes there while black toner stays black (every PP-OCR failure in the
  issue's measurement was a date under a seal). Masking red to white instead left holes
  on photos and wiped 红头 text.
* One engine (one onnxruntime session per model) per process, with intra-op threads set
  by the caller so that two page workers on two cores do not fight over them.
* Pages are turned upright before recognition: EXIF orientation first (phones), then the
  text's own direction — tall line boxes mean a page fed sideways (90°/270°), and the
  line classifier's majority vote tells 0° from 180°. Small skew is left alone.
* PP-OCR sometimes returns traditional forms (會议時間) and drops a 日 under a seal:
  :func:`normalise_line` folds to simplified Chinese and restores the 日 of a date that
  ends a line, before the text facts are extracted.
"""

from __future__ import annotations

import functools
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

# Longest side of the page image the lines are cut from for reading: 1600 px keeps A4 at
# ≈140 dpi, enough for official documents' 三号/四号 text and a 五号 sign-in table.
MAX_SIDE = 1600
# Longest side the line detector works at (rapidocr's default, limit_type "min" with 736,
# never scales down: it ran on the full 1600 px). The lines are still cut out of the
# MAX_SIDE image for reading, so only the boxes' outline is coarser.
DET_SIDE = 960
# Lines read per onnxruntime call. One at a time: a batch is padded to its widest line (and
# to 320 px at least), which cost 1.4× the CPU of line by line on the bench set.
REC_BATCH = 1
# The longest lines of a page vote on its direction (0° or 180°).
CLS_LINES = 12
# Below this recognition confidence a line is noise (a smudge, a photo's texture).
MIN_SCORE = 0.5
ENGINE_NAME = "rapidocr-3/PP-OCRv6-small/red/det960"  # changes → cached OCR results are redone


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the upright page
    score: float


@dataclass(frozen=True)
class OcrPage:
    """One recognised page. ``rotation`` is how many degrees clockwise the page as shown
    (after EXIF) must be turned to stand upright; ``lines`` are in reading order."""

    text: str
    lines: tuple[OcrLine, ...] = ()
    rotation: int = 0
    seal: bool = False
    size: tuple[int, int] = (0, 0)  # upright image size in pixels (what ``box`` is relative to)
    error: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"text": self.text, "rotation": self.rotation, "seal": self.seal, "size": list(self.size),
                "error": self.error, "lines": [[ln.text, *(round(v, 5) for v in ln.box), round(ln.score, 3)]
                                               for ln in self.lines]}

    @classmethod
    def from_json(cls, d: dict) -> "OcrPage":
        return cls(text=d.get("text", ""), rotation=int(d.get("rotation", 0)), seal=bool(d.get("seal")),
                   size=tuple(d.get("size") or (0, 0)), error=d.get("error", ""),
                   lines=tuple(OcrLine(t, (x0, y0, x1, y1), s) for t, x0, y0, x1, y1, s in d.get("lines", ())))


# --------------------------------------------------------------------------- engine


def available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except Exception:
        return False
    return True


@functools.lru_cache(maxsize=1)
def engine(threads: int = 1):
    """This process's engine, loaded once. ``threads``: onnxruntime intra-op threads."""
    import logging

    from rapidocr import RapidOCR

    models = Path(__import__("rapidocr").__file__).parent / "models"

    def shipped(prefix: str) -> str:
        found = sorted(models.glob(prefix + "*.onnx"))
        if not found:
            raise RuntimeError(f"rapidocr 安装不完整：缺少模型 {prefix}*.onnx")
        return str(found[-1])

    params = {
        "Global.log_level": "error",
        "Global.max_side_len": MAX_SIDE,
        "Global.text_score": MIN_SCORE,
        "Det.model_path": shipped("PP-OCRv6_det"),
        "Rec.model_path": shipped("PP-OCRv6_rec"),
        "Cls.model_path": shipped("ch_ppocr_mobile_v2.0_cls"),
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_SIDE,
        "Rec.rec_batch_num": REC_BATCH,
        "EngineConfig.onnxruntime.intra_op_num_threads": max(1, threads),
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    ocr = RapidOCR(params=params)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return ocr


# --------------------------------------------------------------------------- page images


def page_image(path: Path, page: int, fmt: str) -> Image.Image:
    """Page ``page`` (1-based) of an evidence file as an RGB image, as a viewer shows it
    (PDF /Rotate and EXIF orientation applied). One page at a time: a 300-page scan
    never holds more than one page image."""
    if fmt == "pdf":
        import pypdfium2 as pdfium

        from dossier.readers.pdf import _lock

        with _lock:
            doc = pdfium.PdfDocument(str(path))
            try:
                p = doc[page - 1]
                w, h = p.get_size()
                scale = min(MAX_SIDE / max(w, h, 1), 300 / 72)
                bitmap = p.render(scale=scale, rotation=0)
                img = bitmap.to_pil().convert("RGB")
                p.close()
            finally:
                doc.close()
        return img
    img = Image.open(path)
    try:
        img.seek(page - 1)
    except EOFError:
        raise ValueError(f"图片没有第 {page} 帧") from None
    img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a fraction of a huge photo's size
    img = ImageOps.exif_transpose(img) if page == 1 else img
    return img.convert("RGB")


def upright(img: Image.Image, rotation: int) -> Image.Image:
    """``img`` turned ``rotation`` degrees clockwise."""
    if not rotation:
        return img
    return img.rotate(-rotation, expand=True)


# --------------------------------------------------------------------------- recognition


def _scaled(img: Image.Image, side: int) -> Image.Image:
    k = side / max(img.size)
    if k >= 1:
        return img
    return img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.BILINEAR)


def _red_grey(img: Image.Image) -> np.ndarray:
    """The red channel as a 3-channel (BGR-ordered, all equal) array for the engine."""
    r = np.asarray(img.getchannel("R"))
    return np.ascontiguousarray(np.repeat(r[..., None], 3, axis=2))


def _detect(ocr, arr: np.ndarray) -> np.ndarray | None:
    det = ocr._load_det_model()(arr)
    boxes = getattr(det, "boxes", None)
    return None if boxes is None or not len(boxes) else np.asarray(boxes, dtype=np.float32)


def _lies_sideways(boxes: np.ndarray) -> bool:
    """Line boxes taller than wide, by area: the page was fed in on its side."""
    w = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)
    h = np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1)
    weight = w * h
    return len(boxes) >= 2 and weight[h > 1.5 * w].sum() > weight[w > 1.5 * h].sum()


def _turn_boxes_90(boxes: np.ndarray, height: int) -> np.ndarray:
    """Boxes found on a page lying on its side, as they lie once the page is turned 90°
    clockwise (an image ``height`` pixels tall becomes as wide), corners re-ordered
    top-left, top-right, bottom-right, bottom-left for the now horizontal lines."""
    x, y = boxes[..., 0], boxes[..., 1]
    turned = np.stack([height - y, x], axis=-1)
    s, d = turned.sum(axis=-1), turned[..., 1] - turned[..., 0]
    pick = np.stack([s.argmin(1), d.argmin(1), s.argmax(1), d.argmax(1)], axis=1)
    return np.take_along_axis(turned, pick[..., None], axis=1).astype(np.float32)


def _upside_down(ocr, crops: list[np.ndarray]) -> bool:
    """The page's direction, by a vote of its longest lines: the classifier is sure of a
    line of ten characters, and a two-character line (a heading's tail) it sometimes
    takes for upside down. The vote turns the whole page; no line is turned on its own."""
    longest = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1] / max(1, crops[i].shape[0]))[:CLS_LINES]
    cls = ocr._load_cls_model()([crops[i] for i in longest])
    labels = [label for label, score in (cls.cls_res or []) if score >= 0.8]
    return bool(labels) and sum(1 for lb in labels if lb == "180") > len(labels) / 2


def recognise(img: Image.Image, *, ocr=None, find_seal: bool = True) -> OcrPage:
    """OCR one page image (RGB, as shown): upright it, read its red channel, find a seal.

    The engine's steps are run one by one (detect → vote on the direction → read) so that one
    detection pass serves both the orientation and the text: a page lying on its side has its
    boxes turned with it (no second detection), and a page the longest lines find upside down
    is turned 180° with its boxes."""
    import time

    started = time.perf_counter()
    ocr = ocr or engine()
    img = _scaled(img, MAX_SIDE)
    seal = False
    if find_seal:
        from dossier.readers.seal import has_seal

        seal = has_seal(img)
    rotation = 0
    arr = _red_grey(img)
    boxes = _detect(ocr, arr)
    if boxes is not None and _lies_sideways(boxes):
        rotation = 90
        boxes = _turn_boxes_90(boxes, arr.shape[0])
        arr = np.ascontiguousarray(np.rot90(arr, -1))
    H, W = arr.shape[:2]
    lines: list[OcrLine] = []
    if boxes is not None:
        crops = ocr.crop_text_regions(arr, boxes)
        if _upside_down(ocr, crops):
            rotation = (rotation + 180) % 360
            boxes = np.stack([W - boxes[..., 0], H - boxes[..., 1]], axis=-1)
            crops = [np.ascontiguousarray(np.rot90(c, 2)) for c in crops]
        rec = ocr.recognize_txt(crops)
        for box, text, score in zip(boxes, rec.txts or (), rec.scores or ()):
            text = normalise_line(text)
            if not text or score < MIN_SCORE:
                continue
            x0, y0 = float(box[:, 0].min()) / W, float(box[:, 1].min()) / H
            x1, y1 = float(box[:, 0].max()) / W, float(box[:, 1].max()) / H
            lines.append(OcrLine(text, (max(0.0, x0), max(0.0, y0), min(1.0, x1), min(1.0, y1)), float(score)))
    skew = 0.0
    if boxes is not None:
        skew = _skew(boxes) if rotation in (0, 90) else _skew(boxes[:, [2, 3, 0, 1]])
    lines, rows = reading_order(lines, skew, H / W)
    # A 180° turn keeps the size: (W, H) is the upright page's in every case.
    return OcrPage(text=join_lines(lines, rows), lines=tuple(lines), rotation=rotation, seal=seal, size=(W, H),
                   seconds=round(time.perf_counter() - started, 3))


def reading_order(lines: list[OcrLine], skew: float = 0.0, aspect: float = 1.0) -> tuple[list[OcrLine], list[int]]:
    """Top to bottom; boxes whose centres fall within half a line height of a row read as that
    row, left to right (a 署名 beside a date, table cells). ``skew`` (radians, the lines' slope)
    and ``aspect`` (page height / width) let a row of a skewed scan stay one row."""
    sin, cos = np.sin(skew), np.cos(skew)

    def level(ln: OcrLine) -> float:
        cx, cy = (ln.box[0] + ln.box[2]) / 2, (ln.box[1] + ln.box[3]) / 2 * aspect
        return cy * cos - cx * sin

    def height(ln: OcrLine) -> float:
        # A skewed line's box is taller than its text: take the text's own height.
        return max(1e-4, (ln.box[3] - ln.box[1]) * aspect - abs(sin) * (ln.box[2] - ln.box[0]))

    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=level):
        if rows:
            last = rows[-1][-1]
            if abs(level(ln) - level(last)) < 0.5 * min(height(ln), height(last)):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    ordered = [sorted(row, key=lambda l: l.box[0]) for row in rows]
    return [ln for row in ordered for ln in row], [len(row) for row in ordered]


def _skew(boxes: np.ndarray) -> float:
    """The median slope of the long line boxes' top edges (radians; 0 for a straight scan)."""
    d = boxes[:, 1] - boxes[:, 0]
    long = np.hypot(d[:, 0], d[:, 1]) > 2 * np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1)
    if not long.any():
        return 0.0
    return float(np.median(np.arctan2(d[long, 1], d[long, 0])))


def join_lines(lines: list[OcrLine], rows: list[int] | None = None) -> str:
    """Page text as a text layer gives it: one printed line per line; boxes on one row joined
    by a tab (table cells, 署名 and date) so that row-wise patterns still see a row."""
    rows = rows or [1] * len(lines)
    out, k = [], 0
    for n in rows:
        out.append("\t".join(ln.text for ln in lines[k:k + n]))
        k += n
    return "\n".join(out)


# --------------------------------------------------------------------------- normalisation


@functools.lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # a missing dictionary must not cost the text: keep it as recognised
        return lambda s: s


_CN = "〇○零OО0一二三四五六七八九十"
# A date at the end of a line whose 日 was lost under a seal: 2021年3月15 / 二〇二一年三月十五
_NO_DAY = re.compile(rf"((?:\d{{4}}|[{_CN}]{{4}})年(?:\d{{1,2}}|[{_CN}]{{1,3}})月(?:\d{{1,2}}|[{_CN}]{{1,3}}))[\s」|丨]*$")
# Brackets of a 文号 that PP-OCR reads as others: 示政发[2021]12号 / 示政发(2021)12号 → 〔〕
_DOC_BRACKETS = re.compile(r"([\u4e00-\u9fff])[\[\(（【［〔]\s*((?:19|20)\d{2})\s*[\]\)）】］〕]\s*(\d{1,5})\s*号")


def normalise_line(text: str) -> str:
    """One recognised line as a clerk would have typed it: simplified characters, a 日 the
    seal swallowed put back, a 文号's brackets as 〔〕."""
    text = _t2s()(text.strip())
    text = _NO_DAY.sub(lambda m: m.group(1) + "日", text)
    text = _DOC_BRACKETS.sub(lambda m: f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", text)
    return text


# --------------------------------------------------------------------------- workers


def configure_threads(workers: int) -> int:
    """onnxruntime intra-op threads per worker so that ``workers`` processes share the cores."""
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def ocr_page_file(path: Path, page: int, fmt: str, threads: int = 1) -> OcrPage:
    """Open, render and recognise one page; never raises (the error is on the page)."""
    try:
        img = page_image(path, page, fmt)
    except Exception as e:  # a page that cannot be rendered is reported, the rest go on
        return OcrPage(text="", error=f"第 {page} 页无法转为图像（{type(e).__name__}）")
    try:
        return recognise(img, ocr=engine(threads))
    except MemoryError:
        return OcrPage(text="", error=f"第 {page} 页过大，内存不足，未识别")
    finally:
        img.close()


def image_bytes_page(data: bytes) -> Image.Image:
    """An image file's first frame, as shown (EXIF applied) — for callers holding bytes."""
    img = Image.open(io.BytesIO(data))
    return ImageOps.exif_transpose(img).convert("RGB")
