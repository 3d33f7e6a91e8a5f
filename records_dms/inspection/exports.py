"""An inspection as a report: PDF (reportlab, Chinese embedded) and XLSX, saying the same.

Text cells of the XLSX go through records_dms.common.cells: a detail or title that starts with
``=`` stays text and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from records_dms.common.cells import xlsx_text_cell
from records_dms.common.pdfrender import chinese_font
from records_dms.inspection.items import item_of
from records_dms.inspection.models import Inspection, InspectionResult


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]


def _headers() -> list[str]:
    return [
        _("file reference number"),
        _("title"),
        _("item code"),
        _("property"),
        _("check item"),
        _("outcome"),
        _("detail"),
    ]


def _row(result: InspectionResult) -> list[str]:
    item = item_of(result.code)
    record = result.record
    return [
        record.reference if record else _("(the batch)"),
        record.title if record else "",
        result.code,
        result.get_property_display(),
        str(item.label) if item else "",
        result.get_outcome_display(),
        result.detail,
    ]


def _summary(inspection: Inspection) -> list[list[str]]:
    started = timezone.localtime(inspection.started_at).strftime("%Y-%m-%d %H:%M")
    return [
        [_("occasion"), inspection.get_occasion_display()],
        [_("started at"), started],
        [_("run by"), inspection.actor_name or _("system")],
        [_("records"), str(inspection.record_count)],
        [_("total bytes"), str(inspection.total_bytes)],
        [_("passed"), str(inspection.passed)],
        [_("failed"), str(inspection.failed)],
        [_("not applicable"), str(inspection.not_applicable)],
        [_("records with faults"), str(inspection.faulty_records)],
    ]


def report_title(inspection: Inspection) -> str:
    return _("Four-property check #%(n)d (DA/T 70-2018)") % {"n": inspection.pk}


def _sheets(inspection: Inspection, results: Sequence[InspectionResult]) -> list[Sheet]:
    return [
        Sheet(_("Summary"), [_("field"), _("value")], _summary(inspection), (1, 3)),
        Sheet(_("Results"), _headers(), [_row(r) for r in results], (2.2, 3, 1, 1.2, 3, 1, 4)),
    ]


def inspection_pdf(inspection: Inspection, results: Sequence[InspectionResult]) -> bytes:
    """A landscape A4 PDF: the title, the summary, then every result (wrapping cells)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = chinese_font()
    heading = ParagraphStyle("h", fontName=font, fontSize=15, leading=21, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    buffer, page = io.BytesIO(), landscape(A4)
    title = report_title(inspection)
    document = SimpleDocTemplate(buffer, pagesize=page, title=title, author="records-dms")
    story: list[Any] = [Paragraph(escape(title), heading), Spacer(1, 4 * mm)]
    usable = page[0] - 2 * document.leftMargin
    for sheet in _sheets(inspection, results):
        story.append(Paragraph(escape(sheet.title), heading))
        widths = [usable * w / sum(sheet.widths) for w in sheet.widths]
        data = [
            [Paragraph(escape(str(v)), cell) for v in row] for row in [sheet.headers, *sheet.rows]
        ]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    document.build(story)
    return buffer.getvalue()


def inspection_xlsx(inspection: Inspection, results: Sequence[InspectionResult]) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.title = report_title(inspection)
    workbook.properties.creator = "records-dms"
    for sheet in _sheets(inspection, results):
        worksheet: Any = workbook.create_sheet(sheet.title[:31])
        for column in range(1, len(sheet.headers) + 1):
            worksheet.column_dimensions[get_column_letter(column)].width = 24
        worksheet.append([xlsx_text_cell(worksheet, str(h)) for h in sheet.headers])
        for row in sheet.rows:
            worksheet.append([xlsx_text_cell(worksheet, str(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
