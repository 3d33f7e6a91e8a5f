"""OCR quality on rendered seed text: a clean render reads almost exactly, and on a faded,
skewed 200 dpi copy our preprocessing beats bare Tesseract on the very same image."""

import os
import subprocess

from PIL import Image

from benchmarks.cer import cer
from benchmarks.render import DPI, MARGIN_INCHES, font, poor, render_page
from ingestion.ocr import normalise_text, ocr_pil_image, prepare, prepare_image
from ingestion.parsers.base import ParseContext
from tests.factories import SEED_LINES

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


def test_a_page_with_too_few_lines_to_measure_is_left_at_its_size():
    two_lines = render_page(SEED_LINES[:2]).crop((0, 0, 2481, 600))
    prepared, dpi = prepare_image(two_lines, DPI)
    assert (prepared.size, dpi) == (two_lines.size, DPI)


def test_pages_without_measurable_lines_are_prepared_without_failing():
    """Blank, one line, a scrap, a solid block: no text height to measure (it is infinite)."""
    one_line = render_page(SEED_LINES[:1]).crop((0, 0, 2481, 400))
    scrap = render_page(SEED_LINES[:1]).crop((250, 250, 700, 330))
    pages = {
        "blank": Image.new("L", (2481, 3508), 255),
        "one line": one_line,
        "one line, 75 dpi": one_line.reduce(4),
        "scrap": scrap,
        "solid": Image.new("L", (800, 600), 0),
        "rgb": one_line.convert("RGB"),
    }
    for name, page in pages.items():
        for dpi in (DPI, None, 0):
            prepared, resolution = prepare_image(page, dpi)
            assert prepared.mode == "L", name
            assert prepared.size == page.size, (name, dpi)
            assert resolution >= 72, (name, dpi)


def test_a_page_with_few_lines_is_read(tmp_path):
    page = render_page(SEED_LINES[:2]).crop((0, 0, 2481, 600))
    context = ParseContext(work_dir=tmp_path)
    text = ocr_pil_image(page, DPI, tmp_path, context, "p").text
    assert cer("".join(SEED_LINES[:2]), text) < 0.05


def test_normalise_text_drops_the_spaces_tesseract_puts_in_chinese():
    cases = {
        "处理完毕后 ,应将": "处理完毕后,应将",
        "处理完毕后 ， 应将": "处理完毕后,应将",  # full-width comma: ASCII after NFKC
        "第 3 条 ( 见附件 ) 。": "第3条(见附件)。",
        "见 “ 附件 ” ; 经办人 : 张三": "见“附件”;经办人:张三",
        "客 户 档 案": "客户档案",
        "2024 年 5 月": "2024年5月",
        "Hello, world. It is 3 pm.": "Hello, world. It is 3 pm.",  # English keeps its spaces
        "合同 No. 12 号": "合同 No. 12号",
    }
    assert {text: normalise_text(text) for text in cases} == cases


def test_large_text_is_read_from_a_reduced_copy_and_small_text_is_left():
    page = render_page(SEED_LINES)  # 12 pt at 300 dpi: lines ~46 px
    reduced = prepare(page, DPI)
    assert reduced.changed and reduced.dpi == DPI // 2
    assert reduced.image.size == page.reduce(2).size
    copy = poor(page, seed=1, angle=0.0)  # 12 pt at 200 dpi: ~31 px, faded
    kept = prepare(copy, 200)
    assert kept.dpi == 200 and kept.image.size == copy.size
    assert kept.changed  # the contrast was stretched
