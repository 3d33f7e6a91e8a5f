"""OCR with Tesseract: one single-threaded process per page, text and a PDF from one pass.

Tesseract's OpenMP threading makes it 2.7x slower on this kind of machine than one
single-threaded process per core, so every call sets OMP_THREAD_LIMIT=1 and parallelism comes
from running several pages at once.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .parsers.base import ParseContext

TARGET_DPI = 300
OCR_TIMEOUT = 600

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9])|(?<=[0-9])[ \t]+(?=[{_CJK}])")
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}])")


def normalise_text(text: str, *, join_cjk_lines: bool = False) -> str:
    """NFKC, no spaces between Chinese characters, optionally join lines broken inside words."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_BETWEEN.sub("", text)
    if join_cjk_lines:
        text = _CJK_LINE_BREAK.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float | None
    pdf: Path | None  # this page as a searchable PDF (image + invisible text)


def prepare_image(image: Image.Image, dpi: float | None) -> tuple[Image.Image, int]:
    """Cheap clean-up that pays on office copies: gray, upscale low dpi, stretch faded contrast."""
    gray = image.convert("L")
    resolution = int(dpi) if dpi and dpi > 50 else _guess_dpi(gray)
    if resolution < 250:
        scale = TARGET_DPI / resolution
        gray = gray.resize(
            (round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS
        )
        resolution = TARGET_DPI
    low, high = _percentiles(gray)
    if high - low < 160:  # faded copy: stretch the ink/paper range
        gray = ImageOps.autocontrast(gray, cutoff=1)
    return gray, resolution


def _guess_dpi(image: Image.Image) -> int:
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


def ocr_image(image_path: Path, out_base: Path, context: ParseContext, dpi: int) -> OcrPage:
    """Run Tesseract once on a page image, writing TSV (text, confidence) and PDF together."""
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
        "tsv",
        "pdf",
    ]
    result = subprocess.run(command, env=env, capture_output=True, timeout=OCR_TIMEOUT, check=False)
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
    image: Image.Image, dpi: float | None, work: Path, context: ParseContext, name: str
) -> OcrPage:
    """Prepare one page image, write it uncompressed (fast) and OCR it."""
    prepared, resolution = prepare_image(image, dpi)
    image_path = work / f"{name}.pgm"
    prepared.save(image_path, format="PPM")
    try:
        return ocr_image(image_path, work / name, context, resolution)
    finally:
        image_path.unlink(missing_ok=True)
