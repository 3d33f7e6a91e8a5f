"""The register printed and exported per period: a PDF with the hand signatures shown, and CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Collection
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from records_dms.common import signing
from records_dms.common.cells import csv_row
from records_dms.common.pdfrender import chinese_font
from records_dms.lending.events import RegisterEvent
from records_dms.lending.models import Condition, LoanKind, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.signatures import signature_bytes


def register_entries(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[RegisterEntry]:
    """Entries of a period (local dates, both ends included), in register order."""
    entries: QuerySet[RegisterEntry] = RegisterEntry.objects.order_by("sequence").select_related(
        "loan"
    )
    zone = timezone.get_current_timezone()
    if start:
        entries = entries.filter(
            occurred_at__gte=datetime.datetime.combine(start, datetime.time.min, zone)
        )
    if end:
        entries = entries.filter(
            occurred_at__lt=datetime.datetime.combine(
                end + datetime.timedelta(days=1), datetime.time.min, zone
            )
        )
    return list(entries)


def trimmed_note(count: int) -> str:
    """The line under a trimmed register saying how many entries it trimmed (empty: none)."""
    if not count:
        return ""
    return ngettext(
        "%(counter)s entry concerns a record you cannot see: its reference, title and "
        "free text are not shown.",
        "%(counter)s entries concern a record you cannot see: their references, titles and "
        "free text are not shown.",
        count,
    ) % {"counter": count}


def entry_details(entry: RegisterEntry, *, trimmed: bool = False) -> str:
    """One line saying what the entry is about: who, which items, until when, why. Trimmed
    (a record the reader may not see): who and until when, never what or why."""
    data = entry.data
    parts = []
    for field, label in (
        ("borrower", _("borrower")),
        ("reader", _("reader")),
        ("from", _("from")),
        ("to", _("to")),
    ):
        if data.get(field):
            department = data.get({"from": "from_department", "to": "department"}.get(field, ""))
            parts.append(f"{label}: {data[field]}" + (f" ({department})" if department else ""))
    if trimmed:
        if data.get("due_on"):
            parts.append(f"{_('due date')}: {data['due_on']}")
        return " · ".join([*parts, _("a record you cannot see")])
    items = data.get("items") or []
    if items:
        described = []
        kinds, conditions = dict(LoanKind.choices), dict(Condition.choices)
        for item in items:
            kind = kinds.get(item.get("kind"), item.get("kind"))
            condition = item.get("condition")
            condition = f", {conditions.get(condition, condition)}" if condition else ""
            described.append(f"{item['reference']} ({kind}{condition})")
        parts.append("; ".join(described))
    for field in ("reference", "references"):
        if data.get(field):
            value = data[field]
            parts.append(", ".join(value) if isinstance(value, list) else str(value))
    if data.get("due_on"):
        parts.append(f"{_('due date')}: {data['due_on']}")
    for field in ("purpose", "reason", "note"):
        if data.get(field):
            parts.append(str(data[field]))
    return " · ".join(parts)


def _signers(entry: RegisterEntry) -> str:
    return "; ".join(
        f"{s['role']}:{s['signer']}:{s['sha256']}" for s in entry.data.get("signatures", [])
    )


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def register_csv(entries: list[RegisterEntry], trimmed: Collection[int] = frozenset()) -> bytes:
    """CSV with a BOM (so spreadsheet programs read the Chinese right); entries numbered in
    ``trimmed`` without what they are about, and a last line counting them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "sequence",
            "time",
            "event",
            "loan",
            "user",
            "details",
            "hand_signatures",
            "previous_hash",
            "hash",
            "key_id",
            "server_signature",
        ]
    )
    for entry in entries:
        writer.writerow(
            csv_row(
                [
                    entry.sequence,
                    _local(entry.occurred_at),
                    entry.event,
                    entry.loan.number if entry.loan else "",
                    entry.actor_name,
                    entry_details(entry, trimmed=entry.sequence in trimmed),
                    _signers(entry),
                    entry.previous_hash,
                    entry.hash,
                    entry.key_id,
                    entry.signature,
                ]
            )
        )
    if trimmed:
        writer.writerow(csv_row(["", "", "", "", "", trimmed_note(len(trimmed))]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _signature_cell(entry: RegisterEntry, style: ParagraphStyle) -> list[Any]:
    cell: list[Any] = []
    for signature in entry.data.get("signatures", []):
        data = signature_bytes(signature)
        if data is not None:
            image = Image(io.BytesIO(data), width=34 * mm, height=12 * mm, kind="proportional")
            cell.append(image)
        cell.append(Paragraph(escape(f"{signature['signer']} · {signature['sha256'][:12]}"), style))
    return cell


def register_pdf(
    entries: list[RegisterEntry],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    trimmed: Collection[int] = frozenset(),
) -> bytes:
    """The register as an archive keeps it on paper, with each hand signature printed;
    entries numbered in ``trimmed`` without what they are about."""
    font = chinese_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK")
    small = ParagraphStyle("small", fontName=font, fontSize=6, leading=8, wordWrap="CJK")
    period = f"{start or '…'} – {end or '…'}"
    findings = register_verify()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("Checkout register"),
        author="records-dms",
    )
    header = [
        _("No."),
        _("time"),
        _("event"),
        _("loan"),
        _("user"),
        _("details"),
        _("signatures"),
        _("hash / server signature"),
    ]
    rows: list[list[Any]] = [[Paragraph(escape(str(h)), body) for h in header]]
    for entry in entries:
        rows.append(
            [
                Paragraph(str(entry.sequence), body),
                Paragraph(_local(entry.occurred_at), body),
                Paragraph(escape(str(RegisterEvent(entry.event).label)), body),
                Paragraph(escape(entry.loan.number if entry.loan else "—"), body),
                Paragraph(escape(entry.actor_name), body),
                Paragraph(escape(entry_details(entry, trimmed=entry.sequence in trimmed)), body),
                _signature_cell(entry, small),
                Paragraph(escape(f"{entry.hash[:16]}… / {entry.signature[:16]}…"), small),
            ]
        )
    widths = [10, 28, 18, 24, 20, 85, 38, 45]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    verdict = (
        _("Chain and signatures verified: %(count)d entries intact.")
        % {"count": RegisterEntry.objects.count()}
        if not findings
        else _("VERIFICATION FAILED: %(count)d problems found.") % {"count": len(findings)}
    )
    story: list[Any] = [
        Paragraph(escape(f"{_('Checkout register')} {period}"), title_style),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(escape(trimmed_note(len(trimmed))), body),
        Paragraph(escape(verdict), body),
        Paragraph(
            escape(
                _("Printed %(time)s. Server key (Ed25519): %(key)s")
                % {"time": _local(timezone.now()), "key": signing.public_key_hex()}
            ),
            small,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
