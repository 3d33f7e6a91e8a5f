"""OCR quality on rendered seed text: a clean render reads almost exactly, and on a faded,
skewed 200 dpi copy our preprocessing beats bare Tesseract on the very same image."""

import os
import subprocess

from PIL import Image

from benchmarks.cer import cer
from benchmarks.render import DPI, MARGIN_INCHES, font, poor, render_page
from ingestion.ocr import ocr_pil_image
from ingestion.parsers.base import ParseContext

from ..factories import SEED_LINES

TRUTH = "".join(SEED_LINES)


def rendered_lines() -> Image.Image:
    """The seed lines at 300 dpi, cut to the printed part of the page (a quicker OCR)."""
    page = render_page(SEED_LINES)
    height = round(2 * MARGIN_INCHES * DPI + len(SEED_LINES) * font().size * 1.8)
    strip = page.crop((0, 0, page.width, height))
    strip.info["dpi"] = (DPI, DPI)
    return strip


def test_clean_render_reads_almost_exactly(tmp_path):
    page = ocr_pil_image(rendered_lines(), DPI, tmp_path, ParseContext(work_dir=tmp_path), "p")
    assert cer(TRUTH, page.text) < 0.02, page.text


def test_preprocessing_beats_bare_tesseract_on_a_faded_skewed_200_dpi_copy(tmp_path):
    copy = poor(rendered_lines(), seed=3, angle=2.0)
    assert copy.info["dpi"] == (200, 200)
    context = ParseContext(work_dir=tmp_path)
    ours = ocr_pil_image(copy, 200, tmp_path, context, "ours").text
    copy.save(tmp_path / "copy.png", dpi=(200, 200))
    subprocess.run(
        ["tesseract", str(tmp_path / "copy.png"), str(tmp_path / "bare"), "-l",
         context.ocr_languages, "txt"],
        env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=True, capture_output=True,
    )  # fmt: skip
    bare = (tmp_path / "bare.txt").read_text(encoding="utf-8")
    assert cer(TRUTH, ours) < cer(TRUTH, bare), (ours, bare)
