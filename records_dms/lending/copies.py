"""Electronic copies: served to the borrower only while the loan is out and not past due,
each download watermarked and written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.archive.permissions import READ_RECORD
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import record_access_log
from records_dms.common.pdfrender import render_text_pdf
from records_dms.common.people import display_name
from records_dms.lending import events
from records_dms.lending.models import LoanItem, LoanKind, LoanState
from records_dms.lending.watermark import watermark_image, watermark_pdf


@dataclass(frozen=True)
class Copy:
    data: bytes
    filename: str
    content_type: str
    stamp: str


def copy_available(item: LoanItem, user: Any) -> bool:
    """Only the borrower, only an electronic item, only from checkout until return or due date,
    and only while the borrower may still see the record: its level, grant and seal are read
    afresh on every call (a record raised above the borrower's clearance, or a dossier sealed,
    after checkout closes the copy; the approval given at the time is no grant)."""
    loan = item.loan
    return (
        item.kind == LoanKind.ELECTRONIC
        and item.out
        and loan.state == LoanState.CHECKED_OUT
        and loan.borrower_id == getattr(user, "pk", None)
        and timezone.localdate() <= loan.due_on
        and policy.has(user, READ_RECORD)
        and visible_records(user=user).filter(pk=item.record_id).exists()
    )


def _read(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        data: bytes = handle.read()
    return data


def _source(record: Record) -> tuple[bytes, str]:
    """The bytes to stamp and whether they are a PDF or an image."""
    if record.original_key and record.mime_type == "application/pdf":
        return _read(record.original_key), "pdf"
    if record.original_key and record.mime_type.startswith("image/"):
        return _read(record.original_key), "image"
    if record.rendition_key:
        return _read(record.rendition_key), "pdf"
    # Emails and text: their extracted pages, as a PDF.
    pages = [[page.text] for page in record.pages.all()] or [[""]]
    return render_text_pdf(f"{record.reference} {record.title}", pages), "pdf"


def copy_download(*, item: LoanItem, actor: Any) -> Copy:
    """A watermarked copy of the item's record for its borrower; the download is audited."""
    if not copy_available(item, actor):
        raise PermissionDenied(_("This copy is not available to you."))
    record, loan = item.record, item.loan
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    stamp = _("Lent copy · %(user)s · %(time)s · %(loan)s · %(reference)s") % {
        "user": display_name(actor),
        "time": moment,
        "loan": loan.number,
        "reference": record.reference,
    }
    if display_name(actor) != actor.get_username():
        stamp += f" ({actor.get_username()})"
    data, form = _source(record)
    if form == "image":
        stamped, content_type = watermark_image(data, stamp)
        filename = f"{record.reference}-{loan.number}.png"
    else:
        stamped, content_type = watermark_pdf(data, stamp), "application/pdf"
        filename = f"{record.reference}-{loan.number}.pdf"
    record_access_log(
        record=record,
        actor=actor,
        action=events.LOAN_COPY_DOWNLOADED,
        purpose=loan.purpose,
        what=f"{loan.number}: {stamp}",
    )
    return Copy(stamped, filename, content_type, stamp)
