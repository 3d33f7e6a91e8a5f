"""Scanned PDFs: the scanner's own JPEG is read and kept, the OCR text lies on its lines, and
the searchable PDF is joined page by page (pdfunite) in the original's order."""

import io
import math

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from benchmarks.cer import cer
from benchmarks.render import ScanPage, poor, render_page, scan_page, scanned_pdf, to_jpeg
from ingestion import rendition
from ingestion.ocr import OcrPage
from ingestion.parsers.base import ParseContext
from ingestion.parsers.pdf import PdfParser, _embedded_scan
from tests.factories import SEED_LINES, make_pdf

LINES = SEED_LINES[:4]


def _pictures(path) -> list[bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        found = []
        for page in document:
            for item in page.get_objects():
                if isinstance(item, pdfium.PdfImage):
                    found.append(bytes(item.get_data(decode_simple=False)))
            page.close()
        return found
    finally:
        document.close()


def test_a_scanned_page_is_read_from_its_jpeg_which_the_rendition_keeps(tmp_path):
    page = scan_page(LINES, "clean", seed=1)
    pdf = scanned_pdf([page], tmp_path / "scan.pdf")
    result = PdfParser().parse(pdf, ParseContext(work_dir=tmp_path))
    assert result.pages[0].source == "ocr"
    assert cer(page.truth, result.pages[0].text) < 0.05
    assert result.rendition is not None
    assert _pictures(result.rendition) == [page.jpeg]  # the scanner's bytes, not re-encoded
    with pdfplumber.open(result.rendition) as searchable:
        assert cer(page.truth, searchable.pages[0].extract_text() or "") < 0.05


def _first_line_degrees(points: list[tuple[float, float]]) -> float:
    """Slope of (x, top) points in degrees, positive when the line falls to the right."""
    xs, tops = zip(*points, strict=True)
    return math.degrees(math.atan(np.polyfit(xs, tops, 1)[0]))


def test_the_text_of_a_straightened_page_lies_on_its_skewed_lines(tmp_path):
    copy = poor(render_page(LINES), seed=2, angle=2.0)
    page = ScanPage("poor", to_jpeg(copy), 200, "".join(LINES))
    pdf = scanned_pdf([page], tmp_path / "skewed.pdf")
    result = PdfParser().parse(pdf, ParseContext(work_dir=tmp_path))
    assert cer(page.truth, result.pages[0].text) < 0.05
    assert result.rendition is not None
    with pdfplumber.open(result.rendition) as searchable:
        chars = [c for c in searchable.pages[0].chars if c["text"].strip()]
    first = [(c["x0"], c["top"]) for c in chars if abs(c["top"] - chars[0]["top"]) < 12]
    # The picture's own first line: the top of its ink in strips across the page.
    ink = np.asarray(copy) < 160
    strips = []
    for left in range(200, copy.width - 400, 100):
        rows = np.flatnonzero(ink[:400, left : left + 100].any(axis=1))
        if len(rows):
            strips.append((left * 72 / 200, rows[0] * 72 / 200))
    skew = _first_line_degrees(strips)  # a rough measure: ~2.4 for the 2° of the copy
    assert skew > 1.5
    assert _first_line_degrees(first) == pytest.approx(2.0, abs=0.3)  # the text lies on it


def test_a_page_that_is_more_than_one_picture_is_drawn_and_read(tmp_path):
    """A picture beside printed vector marks: pdftoppm draws the whole page."""
    image = render_page(LINES).crop((0, 0, 2481, 900))
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    sheet.drawImage(ImageReader(image), 0, height - 216, width=width, height=216)
    sheet.line(50, 100, 500, 100)
    sheet.showPage()
    sheet.save()
    (tmp_path / "mixed.pdf").write_bytes(buffer.getvalue())
    result = PdfParser().parse(tmp_path / "mixed.pdf", ParseContext(work_dir=tmp_path))
    assert cer("".join(LINES), result.pages[0].text) < 0.03
    assert result.rendition is not None


def test_the_rendition_joins_ocr_pages_and_original_pages_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(rendition, "UNITE_AT_ONCE", 3)  # joined in groups, then the groups
    original = tmp_path / "original.pdf"
    original.write_bytes(make_pdf([f"原文第{n}页" for n in range(1, 8)]))
    with pdfplumber.open(original) as pdf:
        count = len(pdf.pages)
    ocr_pages = {}
    for index in (1, 2, 5):
        page_pdf = tmp_path / f"ocr-{index}.pdf"
        page_pdf.write_bytes(make_pdf([f"识别第{index + 1}页"]))
        ocr_pages[index] = OcrPage(text="", confidence=None, pdf=page_pdf)
    target = rendition.merge_pages(original, ocr_pages, count, tmp_path / "out.pdf")
    assert target is not None
    with pdfplumber.open(target) as merged, pdfplumber.open(original) as source:
        texts = [(page.extract_text() or "").replace(" ", "") for page in merged.pages]
        expected = [
            f"识别第{n + 1}页" if n in ocr_pages else (page.extract_text() or "").replace(" ", "")
            for n, page in enumerate(source.pages)
        ]
    assert texts == expected


def test_an_image_file_without_a_pdf_per_page_has_no_rendition(tmp_path):
    pages = {0: OcrPage(text="", confidence=None, pdf=None)}
    assert rendition.merge_pages(None, pages, 1, tmp_path / "out.pdf") is None


def test_a_jpeg_file_is_kept_as_it_is_in_its_rendition(tmp_path):
    from ingestion.parsers.image import ImageParser

    page = scan_page(LINES, "noisy", seed=3)
    path = tmp_path / "scan.jpg"
    path.write_bytes(page.jpeg)
    result = ImageParser().parse(path, ParseContext(work_dir=tmp_path))
    assert cer(page.truth, result.pages[0].text) < 0.03
    assert result.rendition is not None
    assert _pictures(result.rendition) == [page.jpeg]
    with Image.open(io.BytesIO(page.jpeg)) as image:
        expected = tuple(size * 72 / page.dpi for size in image.size)
    with pdfplumber.open(result.rendition) as searchable:
        size = (searchable.pages[0].width, searchable.pages[0].height)
    assert size == pytest.approx(expected, abs=0.5)


def test_a_black_and_white_fax_scan_is_read_from_its_own_pixels(tmp_path):
    """CCITT G4 (1 bit), as office scanners save text pages: decoded by PDFium, not redrawn."""
    from tests.ingestion.samples import SCAN_LINES, scan_image

    buffer = io.BytesIO()
    scan_image().convert("1").save(buffer, format="PDF", resolution=300)
    (tmp_path / "fax.pdf").write_bytes(buffer.getvalue())
    document = pdfium.PdfDocument(str(tmp_path / "fax.pdf"))
    try:
        assert _embedded_scan(document, 0) is not None
    finally:
        document.close()
    result = PdfParser().parse(tmp_path / "fax.pdf", ParseContext(work_dir=tmp_path))
    assert cer("".join(SCAN_LINES), result.pages[0].text) < 0.05
    assert result.rendition is not None
