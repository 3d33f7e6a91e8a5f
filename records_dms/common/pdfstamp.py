"""The filing stamp (归档章, DA/T 22-2015 §7.3) drawn onto a copy of a PDF's first page.

The stamp is a bordered box of two rows of three cells, as the standard draws it: 全宗号,
年度, 件号 above 机构(问题), 保管期限, 页数; each cell holds its small label and its value. It
goes in the top-right corner of the first page's visible area, 8 mm from the edges. The input
bytes are only read: the caller keeps the original untouched and gets a new PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from records_dms.common.pdfrender import chinese_font

CELL_WIDTH = 18 * mm
CELL_HEIGHT = 9 * mm
MARGIN = 8 * mm
LABEL_SIZE = 5.5
VALUE_SIZE = 9.0
STAMP_RED = (0.78, 0.08, 0.08)

Cell = tuple[str, str]  # (label, value)


class StampError(ValueError):
    """The PDF cannot be stamped (unreadable, encrypted, no pages); the message says why."""


@dataclass(frozen=True)
class StampFields:
    """What the stamp says; 页数 is counted from the PDF stamped."""

    fonds: str
    year: str
    number: str
    org: str
    period: str

    def rows(self, pages: int) -> list[list[Cell]]:
        """The standard's two rows of cells."""
        return [
            [("全宗号", self.fonds), ("年度", self.year), ("件号", self.number)],
            [("机构(问题)", self.org), ("保管期限", self.period), ("页数", str(pages))],
        ]


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    wanted = stringWidth(text, font, size)
    return size if wanted <= width else max(4.0, size * width / wanted)


def _overlay(width: float, height: float, rows: Sequence[Sequence[Cell]]) -> bytes:
    """One transparent page of ``width`` × ``height`` points with the stamp top-right."""
    font = chinese_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    columns = max(len(row) for row in rows)
    left = width - MARGIN - columns * CELL_WIDTH
    top = height - MARGIN
    canvas.setStrokeColorRGB(*STAMP_RED)
    canvas.setFillColorRGB(*STAMP_RED)
    canvas.setLineWidth(0.8)
    for r, row in enumerate(rows):
        for c, (label, value) in enumerate(row):
            x, y = left + c * CELL_WIDTH, top - (r + 1) * CELL_HEIGHT
            canvas.rect(x, y, CELL_WIDTH, CELL_HEIGHT)
            canvas.setFont(font, LABEL_SIZE)
            canvas.drawCentredString(x + CELL_WIDTH / 2, y + CELL_HEIGHT - 2.6 * mm, label)
            size = _fit(value, font, VALUE_SIZE, CELL_WIDTH - 2 * mm)
            canvas.setFont(font, size)
            canvas.drawCentredString(x + CELL_WIDTH / 2, y + 1.6 * mm, value)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_stamp(source: bytes, fields: StampFields, *, name: str = "") -> bytes:
    """A new PDF: ``source`` with the stamp on its first page; ``source`` is not changed.

    Raises StampError naming ``name`` when the PDF cannot be read, is encrypted, has no page,
    or a stream inflates beyond pypdf's limit (75 MB: a decompression bomb is refused).
    """
    try:
        return _stamped(source, fields, name)
    except StampError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as error:
        raise StampError(f"{name}: not a readable PDF ({error})") from error


def _stamped(source: bytes, fields: StampFields, name: str) -> bytes:
    reader = PdfReader(io.BytesIO(source))
    if reader.is_encrypted:
        raise StampError(f"{name}: the PDF is encrypted")
    if not reader.pages:
        raise StampError(f"{name}: the PDF has no page")
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    if page.rotation:  # draw upright as the reader sees the page
        page.transfer_rotation_to_content()
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    rows = fields.rows(len(writer.pages))
    stamp = PdfReader(io.BytesIO(_overlay(width, height, rows))).pages[0]
    page.merge_transformed_page(
        stamp, Transformation().translate(float(box.left), float(box.bottom))
    )
    writer.add_metadata({"/Subject": "归档章 filing stamp (DA/T 22-2015)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
