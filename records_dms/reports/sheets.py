"""The reports as sheets (heading, columns, rows), shared by the CSV, XLSX and PDF exports."""

from __future__ import annotations

from django.utils.translation import gettext as _

from records_dms.accounts.policy import AnyUser
from records_dms.archive.models import Customer, Volume
from records_dms.archive.selectors import dossier_catalogue, visible_records
from records_dms.reports.exports import Sheet
from records_dms.reports.selectors import ComplaintRegisterData, ComplaintRow
from records_dms.reports.summary import SummaryResult


def complaint_sheets(register: ComplaintRegisterData) -> list[Sheet]:
    headers = [
        _("complaint number"),
        _("customer code"),
        _("customer"),
        _("channel"),
        _("severity"),
        _("subject"),
        _("opened on"),
        _("closed on"),
        _("days to close"),
        _("outcome"),
        _("own volume"),
        _("records"),
    ]

    def row(item: ComplaintRow) -> list[object]:
        case = item.case
        return [
            case.number,
            case.customer.code,
            case.customer.name,
            case.get_channel_display(),
            case.get_severity_display(),
            case.subject,
            case.opened_on,
            case.closed_on,
            item.days_to_close,
            case.outcome,
            str(case.volume) if case.volume else "",
            "; ".join(record.reference for record in item.records),
        ]

    widths = [1.3, 1, 1.6, 1.4, 0.7, 2, 1, 1, 0.7, 2, 1.6, 2]
    return [
        Sheet(_("Forwarded complaints"), headers, [row(r) for r in register.forwarded], widths),
        Sheet(
            _("Directly received complaints"), headers, [row(r) for r in register.direct], widths
        ),
        Sheet(_("Major complaints"), headers, [row(r) for r in register.major], widths),
    ]


def catalogue_sheets(user: AnyUser, customer: Customer, volume: Volume | None) -> list[Sheet]:
    """The catalogue (目录) of a dossier, or of one volume, in document-date order."""
    headers = [
        _("No."),
        _("file reference number"),
        _("document date"),
        _("title"),
        _("record type"),
        _("pages"),
        _("confidentiality"),
        _("physical location"),
    ]
    sheets = []
    for section in dossier_catalogue(customer, visible_records(user=user)):
        if volume is not None and section.volume != volume:
            continue
        if section.volume is not None:
            title = _("Volume %(number)s: %(title)s") % {
                "number": section.volume.number,
                "title": section.volume.title,
            }
        else:
            title = _("Records not in a volume")
        rows = [
            [
                number,
                record.reference,
                record.document_date,
                record.title,
                record.get_type_display(),
                record.page_count,
                record.get_confidentiality_display(),
                record.physical_location,
            ]
            for number, record in enumerate(section.records, start=1)
        ]
        sheets.append(Sheet(title, headers, rows, [0.5, 2, 1.1, 3.5, 1.3, 0.6, 0.8, 1.5]))
    return sheets


def summary_sheets(results: list[SummaryResult]) -> list[Sheet]:
    headers = [_("Item"), _("Count")]
    return [
        Sheet(
            str(result.title),
            headers,
            [[str(label), value] for label, value in result.lines]
            if result.lines is not None
            else [[_("Not recorded by this installation"), "—"]],
            [3, 1],
        )
        for result in results
    ]
