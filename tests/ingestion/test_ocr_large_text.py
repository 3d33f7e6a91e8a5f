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

from PIL import Image

from benchmarks.cer import cer
from ingestion.ocr import OcrPage, prepare, text_layout
from ingestion.parsers.base import ParseContext
from ingestion.parsers.image import ocr_frame

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

