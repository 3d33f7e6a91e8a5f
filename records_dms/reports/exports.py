"""Files for auditors: tables as CSV, XLSX (openpyxl) and PDF (reportlab, Chinese embedded).

A report is a title and one or more sheets; each sheet is a heading, column headers and
rows. The same sheets become an XLSX workbook (one worksheet each) or a PDF (one table
each), so what an auditor downloads in either format says the same.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from records_dms.common.cells import csv_row, csv_text, xlsx_text_cell
from records_dms.common.pdfrender import chinese_font


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()  # relative column widths for the PDF


def _cell(value: Any) -> Any:
    """A value as a spreadsheet keeps it: dates stay dates, numbers numbers, text text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | datetime.date):
        return value
    return str(value)


def _text(value: Any) -> str:
    value = _cell(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _csv_field(value: Any) -> str:
    """Numbers as numbers (a negative one is no formula); any text escaped."""
    text = _text(value)
    return text if isinstance(_cell(value), int | float) else csv_text(text)


def render_csv(sheets: Sequence[Sheet]) -> bytes:
    """UTF-8 with a BOM so Excel opens Chinese text correctly; sheets one after another."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        if len(sheets) > 1:
            writer.writerow(csv_row([sheet.title]))
        writer.writerow(csv_row(sheet.headers))
        writer.writerows([[_csv_field(v) for v in row] for row in sheet.rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def render_xlsx(title: str, sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per sheet, streamed (openpyxl's write-only mode: fast, little memory)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "records-dms"
    taken: set[str] = set()
    for sheet in sheets or [Sheet("Sheet", [], [])]:
        worksheet = workbook.create_sheet(_sheet_name(sheet.title, taken))
        for column, header in enumerate(sheet.headers, start=1):
            longest = max(
                [len(str(header)) * 2, *[len(_text(row[column - 1])) for row in sheet.rows]]
            )
            worksheet.column_dimensions[get_column_letter(column)].width = min(
                60, max(10, longest * 1.3)
            )
        worksheet.freeze_panes = "A2"
        bold = []
        for header in sheet.headers:
            cell = xlsx_text_cell(worksheet, str(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        worksheet.append(bold)
        for row in sheet.rows:
            values = [_cell(v) for v in row]
            worksheet.append([_xlsx_cell(worksheet, v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet: Any, value: Any) -> Any:
    """Text as a string cell (never a formula), dates formatted, numbers as they are."""
    if isinstance(value, str):
        return xlsx_text_cell(worksheet, value)
    if not isinstance(value, datetime.date):
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


SHORT = 14  # characters that fit any column unwrapped


def _pdf_cell(value: Any, style: ParagraphStyle) -> Any:
    """Short text as a plain string (fast); longer text as a paragraph that wraps."""
    text = _text(value)
    if len(text) <= SHORT and "\n" not in text:
        return text
    return Paragraph(escape(text), style)


def render_pdf(title: str, sheets: Sequence[Sheet], *, subtitle: str = "") -> bytes:
    """A landscape A4 PDF: the title, then each sheet as a heading and a table."""
    font = chinese_font()
    heading = ParagraphStyle("h", fontName=font, fontSize=15, leading=21, wordWrap="CJK")
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    section = ParagraphStyle("sec", fontName=font, fontSize=12, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    buffer = io.BytesIO()
    page = landscape(A4)
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        title=title,
        author="records-dms",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story: list[Any] = [Paragraph(escape(title), heading)]
    story.append(Paragraph(escape(" · ".join(p for p in (subtitle, generated) if p)), small))
    story.append(Spacer(1, 6 * mm))
    usable = page[0] - 24 * mm
    for sheet in sheets:
        story.append(Paragraph(escape(sheet.title), section))
        story.append(Spacer(1, 2 * mm))
        weights = list(sheet.widths) or [1.0] * len(sheet.headers)
        widths = [usable * w / sum(weights) for w in weights]
        data = [[Paragraph(escape(str(h)), cell) for h in sheet.headers]]
        data += [[_pdf_cell(v, cell) for v in row] for row in sheet.rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (-1, -1), font, cell.fontSize, cell.leading),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    document.build(story)
    return buffer.getvalue()
