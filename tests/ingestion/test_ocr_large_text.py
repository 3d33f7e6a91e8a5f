"""Issue 18: a user's clean 300 dpi scan of large text that bare Tesseract reads right.

``tests/fixtures/cases/ocr-large-text-phone-record.png`` is a copy of the user's file: six
lines of 64 px Chinese (about 15 pt at 300 dpi; a 4-character title, then five lines of a
phone record), turned 0.8°. Our OCR step once read "来电客户" as "SALVE IP": the page's text
height was measured as 7 px (the short title's rows were cut into stroke-sized runs), so the
page was "upscaled" 4× to 1,200 dpi, where Tesseract misreads it. It must read at least as
well as bare Tesseract on the same file.
"""

import os
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks import render
from benchmarks.cer import cer
from benchmarks.render import render_blocks
from ingestion import ocr
from ingestion.ocr import OcrPage, prepare, text_layout
from ingestion.parsers.base import ParseContext
from ingestion.parsers.image import ocr_frame

from ..factories import SEED_LINES

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "cases"
PHONE_RECORD = CASE / "ocr-large-text-phone-record.png"
TRUTH = (
    "电话记录"
    "来电时间:2025年4月2日上午十点"
    "来电客户:华东精密机械有限公司"
    "内容:询问合同续签事宜和发票问题。"
    "记录人:李华档案编号待定"
)
# One key word or more from each printed line, as a clerk would search for them.
KEY_WORDS = ("电话记录", "来电时间", "2025年4月2日", "来电客户", "华东精密机械有限公司",
             "询问合同续签事宜", "发票问题", "记录人", "李华", "档案编号")  # fmt: skip
MARGIN = 0.02  # a character or so of the 69 on the page


def bare_tesseract(path: Path, out: Path, languages: str) -> str:
    """`tesseract FILE out -l LANGS txt`, as a user runs it, single-threaded like ours."""
    subprocess.run(
        ["tesseract", str(path), str(out), "-l", languages, "txt"],
        env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=True, capture_output=True,
    )  # fmt: skip
    return out.with_suffix(".txt").read_text(encoding="utf-8")


def test_the_phone_record_reads_at_least_as_well_as_bare_tesseract(tmp_path):
    context = ParseContext(work_dir=tmp_path)
    ours: OcrPage = ocr_frame(PHONE_RECORD, 0, tmp_path, context)  # what the image parser runs
    bare = bare_tesseract(PHONE_RECORD, tmp_path / "bare", context.ocr_languages)
    compact = "".join(ours.text.split())
    missing = [word for word in KEY_WORDS if word not in compact]
    assert not missing, (missing, ours.text, ours.confidence)
    assert cer(TRUTH, ours.text) <= cer(TRUTH, bare) + MARGIN, (ours.text, bare)


def test_the_phone_record_text_height_is_measured_from_its_lines():
    with Image.open(PHONE_RECORD) as image:
        page = image.convert("L")
    layout = text_layout(page)
    assert layout is not None
    assert abs(layout.angle - 0.8) <= 0.1
    assert 55 <= layout.line_height <= 75, layout  # the characters are ~64 px tall
    prepared = prepare(page, 300)
    assert prepared.image.width < page.width  # large text: read from a reduced copy


def test_a_short_title_over_long_lines_does_not_shrink_the_measured_text_height():
    """A 4-character headline falls apart into stroke-sized runs unless they are joined."""
    lines = [SEED_LINES[0][:4], *SEED_LINES[1:4]]
    page = render_blocks([(16.0, lines)])  # 16 pt at 300 dpi: ~62 px lines
    layout = text_layout(page)
    assert layout is not None and layout.lines == len(lines), layout
    assert 55 <= layout.line_height <= 70, layout


def test_a_300_dpi_page_is_not_upscaled_whatever_its_measured_text_height(monkeypatch):
    with Image.open(PHONE_RECORD) as image:
        page = image.convert("L")
    monkeypatch.setattr(ocr, "_line_height", lambda counts: (7.0, 10))  # issue 18's reading
    prepared = prepare(page, 300)
    assert prepared.scale == 1 and prepared.dpi == 300
    assert prepare(page.reduce(4), 75).scale > 1  # a 75 dpi page with small text still is


def test_a_poor_read_of_a_resampled_copy_falls_back_to_the_page_as_given(tmp_path, monkeypatch):
    """Issue 18's failure, forced: the page read 4x upscaled scores 78, as given 90."""
    with Image.open(PHONE_RECORD) as image:
        page = image.convert("L")
    wrong = ocr.Prepared(page.resize((page.width * 4, page.height * 4)), 1200, True, 0.0, 4.0)
    monkeypatch.setattr(ocr, "prepare", lambda image, dpi: wrong)
    context = ParseContext(work_dir=tmp_path)
    read = ocr.ocr_pil_image(page, 300, tmp_path, context, "p", source=PHONE_RECORD)
    assert read.confidence is not None and read.confidence > ocr.RETRY_BELOW_CONFIDENCE
    assert "来电客户" in read.text, read.text
    assert [path.name for path in tmp_path.glob("*.pdf")] == ["p-plain.pdf"]  # one PDF kept


def test_a_headline_over_body_text_is_scaled_for_the_body():
    """Mixed sizes (benchmarks' *mixed* pages): the 12 pt body, not the headline, decides."""
    rng = np.random.default_rng(1)
    page, _truth = render.mixed_page("".join(SEED_LINES) * 20, rng)
    layout = text_layout(page)
    assert layout is not None and 40 <= layout.line_height <= 52, layout  # 12 pt: ~46 px
    assert prepare(page, 300).dpi == 150
