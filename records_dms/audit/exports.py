"""The audit trail as CSV (UTF-8 with BOM, opens in Excel) or XLSX; text a spreadsheet would
run as a formula stays text (records_dms/common/cells.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.audit.events import event_label
from records_dms.audit.models import AuditEvent
from records_dms.common.cells import csv_row, xlsx_text_cell


def headers() -> list[str]:
    return [
        _("number"), _("time"), _("user"), _("action"), _("event code"), _("object"),
        _("customer code"), _("purpose"), _("details"), _("hash"),
    ]  # fmt: skip


def event_rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    for event in events:
        yield [
            event.sequence,
            timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_name,
            event_label(event.action),
            event.action,
            event.object_repr,
            event.customer_code,
            event.purpose,
            json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
            event.hash,
        ]


def audit_csv(events: Iterable[AuditEvent]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(headers()))
    for row in event_rows(events):
        writer.writerow([row[0], *csv_row(row[1:])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def audit_xlsx(events: Iterable[AuditEvent]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail")[:31])
    sheet.append([xlsx_text_cell(sheet, str(h)) for h in headers()])
    for row in event_rows(events):
        sheet.append([row[0], *(xlsx_text_cell(sheet, str(v)) for v in row[1:])])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
