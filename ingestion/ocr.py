"""OCR with Tesseract: one single-threaded process per page, text and a PDF from one pass.

Tesseract's OpenMP threading makes it 2.7x slower on this kind of machine than one
single-threaded process per core, so every call sets OMP_THREAD_LIMIT=1 and parallelism comes
from running several pages at once.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import functools
import math
import os
import re
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps

from ingestion.parsers.base import ParseContext, RejectedInput
from ingestion.rendition import Backdrop, searchable_page

T = TypeVar("T")
R = TypeVar("R")

# Thresholds measured on rendered seed pages (benchmarks/results.md); sizes in pixels of the
# page as given.
SKEW_MAX_DEGREES = 3.0  # searched either way; scanners' feeders skew less than this
SKEW_MIN_DEGREES = 0.3  # below this Tesseract copes and a rotation only blurs
SMALL_TEXT_PX = 14.0  # 12 pt text at 75 dpi (12 px) gains from upscaling, at 100 dpi (16) not
# Text under SMALL_TEXT_PX on a page of this resolution or more would be under 5 pt: a wrong
# measurement rather than real text, and upscaling a 300 dpi page 4x makes Tesseract misread
# it ("来电客户" as "SALVE IP", issue 18).
UPSCALE_BELOW_DPI = 200
TEXT_TARGET_PX = 32.0  # upscale small text to about this height (12 pt at ~190 dpi)
MAX_UPSCALE = 4.0
# Reduced by the largest whole factor that leaves text lines at least this tall: 12 pt at
# 300 dpi (46 px) is read from a copy of half the size with ~20% less CPU and no more errors
# (9, 10.5 and 12 pt measured, clean and noisy; 600 dpi likewise).
REDUCED_TEXT_PX = 18.0
GRAIN_MIN = 8  # median step between neighbouring paper pixels (of 255) that the blur removes
BLUR_MIN_TEXT_PX = 20.0  # thinner strokes than this lose more to a blur than the noise costs
# Rows between two text lines hold less ink than this share of the busiest rows' (noise, a
# stray mark); rows between the strokes of one line hold more.
LINE_GAP_INK = 0.05
# A page whose text was resampled (scale != 1) and then read with a mean word confidence
# under this is read again as given, and the read with the higher confidence is kept. Clean,
# noisy and large-text pages read from reduced copies score 90-94 (benchmarks/results.md);
# the issue-18 page, upscaled by mistake, scored 78 against 90 as given.
RETRY_BELOW_CONFIDENCE = 85.0
_LAYOUT_PX = 1000  # the layout is measured on a copy about this tall
_MIN_INK_POINTS = 500

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# Punctuation as NFKC leaves it: ASCII, general punctuation (quotes, dashes, ellipsis), middle
# dot; the CJK and full-width forms are inside _CJK already.
_PUNCT = "!-/:-@\\[-`{-~\u00b7\u2010-\u2027\u2030-\u205e"
# Tesseract puts spaces between Chinese characters, and between them and digits or punctuation
# ("处理完毕后 ,应将"); Chinese is written without them.
_SPACE_BETWEEN = re.compile(
    rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9{_PUNCT}])|(?<=[0-9{_PUNCT}])[ \t]+(?=[{_CJK}])"
    rf"|(?<=[{_CJK}][{_PUNCT}])[ \t]+(?=[{_PUNCT}])"  # 附件” ;
)
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}])")


def normalise_text(text: str, *, join_cjk_lines: bool = False) -> str:
    """NFKC, no spaces between Chinese characters, optionally join lines broken inside words."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_BETWEEN.sub("", _SPACE_BETWEEN.sub("", text))  # twice: 附件 ” ;
    if join_cjk_lines:
        text = _CJK_LINE_BREAK.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float | None
    pdf: Path | None  # this page as a searchable PDF (image + invisible text)


def prepare_image(image: Image.Image, dpi: float | None) -> tuple[Image.Image, int]:
    """The page as Tesseract should read it (gray) and its resolution; see ``prepare``."""
    prepared = prepare(image, dpi)
    return prepared.image, prepared.dpi


@dataclass(frozen=True)
class Prepared:
    image: Image.Image  # gray
    dpi: int
    changed: bool  # pixels other than the page's own (gray of them aside)
    angle: float = 0.0  # degrees the page was turned clockwise to straighten it
    scale: float = 1.0  # the text was resampled by this factor (1: kept at its size)


def prepare(image: Image.Image, dpi: float | None) -> Prepared:
    """Cheap clean-up, each step only where it pays (measured by `make bench`).

    Faded contrast is stretched; a page skewed by SKEW_MIN_DEGREES or more is straightened,
    the angle measured from its own text lines; the text height, not the stated dpi, decides
    on scaling: tiny text on a page under UPSCALE_BELOW_DPI is upscaled, text of 36 px and
    more (10 pt at 300 dpi) is read from a copy reduced by a whole factor (faster, and no
    more errors), turned first if it is skewed; grainy pages that are not reduced get a 3x3
    box blur. A clean 300 dpi page costs a histogram, the layout estimate
    and the reduction (~0.06 s beside ~5 s of Tesseract); a faded, skewed one ~0.3 s.
    """
    gray = image if image.mode == "L" else image.convert("L")  # every step below copies
    resolution = round(dpi) if dpi and dpi > 50 else guess_dpi(gray)
    changed, angle = False, 0.0
    low, high = _percentiles(gray)
    if high - low < 160:  # faded copy: stretch the ink/paper range
        gray = ImageOps.autocontrast(gray, cutoff=1)
        low, high = _percentiles(gray)
        changed = True
    layout = text_layout(gray)
    if layout is None:
        return Prepared(gray, resolution, changed)  # (almost) no ink: nothing to gain
    scale = _text_scale(layout.line_height)
    if scale > 1 and resolution >= UPSCALE_BELOW_DPI:
        scale = 1
    # Resampling smooths grain already; text thinner than BLUR_MIN_TEXT_PX loses to a blur.
    grainy = (
        scale == 1
        and BLUR_MIN_TEXT_PX <= layout.line_height < math.inf
        and _grain(gray, threshold=layout.threshold) >= GRAIN_MIN
    )
    if abs(layout.angle) >= SKEW_MIN_DEGREES:
        # Same size, so the page keeps its size in points; at 3° the corners move ~110 px
        # at 300 dpi, inside any printed page's margin. Turned before it is reduced: turning
        # the reduced copy resamples strokes a few pixels wide, and on the issue-18 page
        # (64 px text, 0.8°, reduced 3x) Tesseract then read 李华 as "EH"; the box average
        # after the turn keeps them sharp (~0.1 s more, on skewed pages only).
        gray = gray.rotate(-layout.angle, resample=Image.Resampling.BICUBIC, fillcolor=high)
        changed, angle = True, layout.angle
    if scale < 1:
        gray = gray.reduce(round(1 / scale))  # a box average: fast, and it smooths grain
    if scale > 1:
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    if scale != 1:
        resolution = max(1, round(resolution * scale))
        changed = True
    if grainy:
        gray = gray.filter(ImageFilter.BoxBlur(1))
        changed = True
    return Prepared(gray, resolution, changed, angle, scale)


def _text_scale(text_px: float) -> float:
    """1, or the factor that brings text Tesseract reads badly or slowly to a good height."""
    if not math.isfinite(text_px):
        return 1  # too few lines to tell the text size
    if text_px < SMALL_TEXT_PX:
        return min(MAX_UPSCALE, TEXT_TARGET_PX / text_px)
    factor = math.floor(text_px / REDUCED_TEXT_PX)
    return 1 / factor if factor > 1 else 1


@dataclass(frozen=True)
class TextLayout:
    """What the text lines of a page say about it, measured on a small binarised copy."""

    angle: float  # degrees counter-clockwise the text lines are turned (rotate back by -angle)
    line_height: float  # median height of the text lines, in pixels of the full page
    lines: int
    threshold: int  # Otsu ink/paper threshold


def text_layout(gray: Image.Image) -> TextLayout | None:
    """Skew and line height from the horizontal projection profile of the ink.

    The ink pixels of a copy about 1,000 pixels tall are sheared by candidate angles; the
    angle whose row histogram is most peaked (largest sum of squares) lines the text up.
    A coarse pass in 0.25° steps over ±3° and a fine one in 0.05° steps: ~40 bincounts.
    """
    factor = max(1, round(max(gray.size) / _LAYOUT_PX))
    small = gray.reduce(factor) if factor > 1 else gray
    pixels = np.asarray(small)
    threshold = _otsu(np.bincount(pixels.ravel(), minlength=256))
    ys, xs = np.nonzero(pixels < threshold)
    if len(xs) < _MIN_INK_POINTS or len(xs) > pixels.size // 2:
        return None  # blank, or a photo/negative rather than text on paper
    rows = ys.astype(np.float64)
    columns = xs.astype(np.float64) - pixels.shape[1] / 2

    def profile(degrees: float) -> np.ndarray:
        shifted = rows + columns * math.tan(math.radians(degrees))
        return np.bincount(np.rint(shifted - shifted.min()).astype(np.int64))

    def peaked(degrees: float) -> float:
        counts = profile(degrees).astype(np.float64)
        return float(np.dot(counts, counts))

    coarse = np.arange(-SKEW_MAX_DEGREES, SKEW_MAX_DEGREES + 1e-9, 0.25)
    best = float(coarse[int(np.argmax([peaked(a) for a in coarse]))])
    fine = np.arange(best - 0.2, best + 0.2 + 1e-9, 0.05)
    best = round(float(fine[int(np.argmax([peaked(a) for a in fine]))]), 2)
    if peaked(best) < 1.01 * peaked(0.0):
        best = 0.0  # no angle stands out (no text lines, or vertical text): leave it
    height, lines = _line_height(profile(best))
    return TextLayout(angle=best, line_height=height * factor, lines=lines, threshold=threshold)


def _line_height(counts: np.ndarray) -> tuple[float, int]:
    """Median run of rows with ink (text lines), ignoring the thin rows between them.

    Rows are inked when they hold a fifth of the ink of the page's busiest rows. A short
    line (a 4-character title, a signature) holds less than that between its horizontal
    strokes and fell apart into stroke-sized runs; on a page of a few large lines those
    fragments were the majority, so 64 px text measured "7 px" and the page was upscaled 4x
    (issue 18). Between two lines the rows are (nearly) empty; between the strokes of one
    line they are not: runs parted by rows that all hold ink are one line.
    """
    if not counts.any():
        return math.inf, 0
    busiest = np.percentile(counts[counts > 0], 90)
    inked = counts > 0.2 * busiest
    edges = np.diff(np.concatenate(([0], inked.astype(np.int8), [0])))
    starts, ends = list(np.flatnonzero(edges == 1)), list(np.flatnonzero(edges == -1))
    for index in range(len(starts) - 1, 0, -1):  # from the end: indices stay valid
        if counts[ends[index - 1] : starts[index]].min() > LINE_GAP_INK * busiest:
            del ends[index - 1], starts[index]
    runs = np.array(ends) - np.array(starts)
    if len(runs) < 3:
        return math.inf, len(runs)  # too few lines to judge the text size: leave it
    return float(np.median(runs)), len(runs)


def _otsu(histogram: np.ndarray) -> int:
    """The gray level that best separates ink from paper (Otsu's between-class variance)."""
    counts = histogram.astype(np.float64)
    weight = np.cumsum(counts)
    total = weight[-1]
    mass = np.cumsum(counts * np.arange(len(counts)))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight / total - mass) ** 2 / (weight * (total - weight))
    return int(np.argmax(np.nan_to_num(between, nan=0.0, posinf=0.0)))


def _grain(gray: Image.Image, *, threshold: int) -> float:
    """Typical step between horizontally neighbouring paper pixels, on every 8th row."""
    every_8th = gray.resize((gray.width, max(1, gray.height // 8)), Image.Resampling.NEAREST)
    rows = np.asarray(every_8th).astype(np.int16)
    left, right = rows[:, :-1], rows[:, 1:]
    paper = (left > threshold) & (right > threshold)
    if not paper.any():
        return 0.0
    return float(np.median(np.abs(right - left)[paper]))


def guess_dpi(image: Image.Image) -> int:
    """A resolution for a page image that states none."""
    # Without a stated resolution assume an A4 page: its short side is 8.27 inches.
    return max(72, round(min(image.width, image.height) / 8.27))


def _percentiles(image: Image.Image) -> tuple[int, int]:
    histogram = image.histogram()
    total = sum(histogram)
    low_target, high_target = total * 0.02, total * 0.98
    running, low, high = 0, 0, 255
    for value, count in enumerate(histogram):
        running += count
        if running >= low_target and low == 0:
            low = value
        if running >= high_target:
            high = value
            break
    return low, high


def ocr_image(
    image_path: Path, out_base: Path, context: ParseContext, dpi: int, *, text_only: bool = False
) -> OcrPage:
    """Run Tesseract once on a page image, writing TSV (text, confidence) and PDF together.

    ``text_only``: the PDF holds the invisible text alone (no picture), to be laid over the
    original page by ``rendition.searchable_page``.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [
        context.tesseract_cmd,
        str(image_path),
        str(out_base),
        "-l",
        context.ocr_languages,
        "--dpi",
        str(dpi),
        "-c",
        "preserve_interword_spaces=1",
        *(["-c", "textonly_pdf=1"] if text_only else []),
        "tsv",
        "pdf",
    ]
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, timeout=context.ocr_timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise RejectedInput(
            _("OCR of a page took longer than the limit of %(s)g s") % {"s": context.ocr_timeout}
        ) from error
    if result.returncode != 0:
        raise RuntimeError(f"tesseract failed: {result.stderr.decode(errors='replace')[-300:]}")
    text, confidence = read_tsv(out_base.with_suffix(".tsv"))
    pdf = out_base.with_suffix(".pdf")
    return OcrPage(
        text=normalise_text(text), confidence=confidence, pdf=pdf if pdf.exists() else None
    )


def read_tsv(path: Path) -> tuple[str, float | None]:
    """Lines of words from Tesseract's TSV, and the mean confidence of the words."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            word = (row.get("text") or "").strip()
            conf = float(row.get("conf") or -1)
            if not word or conf < 0:
                continue
            key = (row["block_num"], row["par_num"], row["line_num"])
            lines.setdefault(key, []).append(word)
            confidences.append(conf)
    text = "\n".join(" ".join(words) for words in lines.values())
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return text, mean


def ocr_pil_image(
    image: Image.Image,
    dpi: float | None,
    work: Path,
    context: ParseContext,
    name: str,
    *,
    source: Path | None = None,
    backdrop: Backdrop | None = None,
    slots: threading.Semaphore | None = None,
) -> OcrPage:
    """Prepare one page image and OCR it.

    ``source``, a file Tesseract reads (JPEG, PNG) holding this very image, is given to
    Tesseract as it is when preparation leaves the pixels alone (no image written).
    ``backdrop``, the page as it was delivered (a PDF's page, a JPEG): the searchable page
    shows it, with the text Tesseract read from the prepared copy laid over it, so the
    rendition keeps the scanner's own pixels however the copy was straightened or reduced.
    Without one Tesseract's PDF shows the picture it read. ``slots`` bounds how many
    Tesseracts run at once (see ``ocr_each``).
    """
    prepared = prepare(image, dpi)
    resolution, angle, resampled = prepared.dpi, prepared.angle, prepared.scale != 1
    text_only = backdrop is not None
    if not prepared.changed and source is not None:
        del prepared
        page = _ocr_slotted(source, work / name, context, resolution, slots, text_only)
    else:
        image_path = _saved(prepared.image, work / f"{name}.pgm")
        del prepared  # the page's pixels are not held while Tesseract reads them
        page = _ocr_file(image_path, work, name, context, resolution, slots, text_only)
    if resampled and (page.confidence or 0.0) < RETRY_BELOW_CONFIDENCE:
        # The text size was measured wrong or the resampled copy reads worse: read the page
        # as given too (bare Tesseract's read) and keep the more confident one. Only pages
        # read from a resampled copy that also read poorly pay for a second pass.
        plain = ocr_plain(image, dpi, work, f"{name}-plain", context, slots, text_only, source)
        if (plain.confidence or 0.0) > (page.confidence or 0.0):
            _discard(page)
            page, angle = plain, 0.0
        else:
            _discard(plain)
    if backdrop is None or page.pdf is None:
        return page
    composed = searchable_page(page.pdf, backdrop, work / f"{name}-page.pdf", angle=angle)
    page.pdf.unlink()
    return OcrPage(text=page.text, confidence=page.confidence, pdf=composed)


def ocr_plain(
    image: Image.Image,
    dpi: float | None,
    work: Path,
    name: str,
    context: ParseContext,
    slots: threading.Semaphore | None,
    text_only: bool,
    source: Path | None = None,
) -> OcrPage:
    """The page as given, as bare Tesseract reads it: no clean-up, its stated resolution."""
    resolution = round(dpi) if dpi and dpi > 50 else guess_dpi(image)
    if source is not None:
        return _ocr_slotted(source, work / name, context, resolution, slots, text_only)
    gray = image if image.mode == "L" else image.convert("L")
    image_path = _saved(gray, work / f"{name}.pgm")
    del gray
    return _ocr_file(image_path, work, name, context, resolution, slots, text_only)


def _saved(gray: Image.Image, path: Path) -> Path:
    gray.save(path, format="PPM")  # uncompressed: fast to write and read
    return path


def _ocr_file(
    image_path: Path,
    work: Path,
    name: str,
    context: ParseContext,
    dpi: int,
    slots: threading.Semaphore | None,
    text_only: bool,
) -> OcrPage:
    """OCR an image written for Tesseract, and remove it."""
    try:
        return _ocr_slotted(image_path, work / name, context, dpi, slots, text_only)
    finally:
        image_path.unlink(missing_ok=True)


def _discard(page: OcrPage) -> None:
    if page.pdf is not None:
        page.pdf.unlink(missing_ok=True)


def _ocr_slotted(
    path: Path,
    out_base: Path,
    context: ParseContext,
    dpi: int,
    slots: threading.Semaphore | None,
    text_only: bool,
) -> OcrPage:
    if slots is None:
        return ocr_image(path, out_base, context, dpi, text_only=text_only)
    with slots:
        return ocr_image(path, out_base, context, dpi, text_only=text_only)


def ocr_each(
    items: Sequence[T], read: Callable[[T, threading.Semaphore], R], workers: int
) -> list[R]:
    """``read`` every item, at most ``workers`` Tesseracts at a time and never fewer waiting.

    One thread more than Tesseracts: while every core reads a page, the spare thread already
    extracts and prepares the next, so no core waits for Python between two pages.
    """
    _large_blocks_to_mmap()
    workers = max(1, workers)
    slots = threading.BoundedSemaphore(workers)
    with ThreadPoolExecutor(max_workers=workers + 1) as pool:
        return list(pool.map(lambda item: read(item, slots), items))


_M_MMAP_THRESHOLD = -3


@functools.cache
def _large_blocks_to_mmap() -> None:
    """Give every block of 1 MB or more its own mapping, returned to the system when freed.

    glibc otherwise raises its mmap threshold after the first page image is freed and serves
    the next ones from per-thread heaps that keep the freed space: with a few threads
    preparing ~9 MB pages in turn, the process grew by ~70 MB per 90 pages (measured). Once
    per process; affects it all, harmlessly (only large blocks, allocated rarely).
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 1 << 20)
