"""Handing out an original, its searchable PDF or its stamped copy: shared by the admin
screens and the API, so both apply the same rule (permissions.may_download_original) and
serve the same headers."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.permissions import may_download_original
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import User, record_access_log
from records_dms.archive.stamping import record_stamped_pdf
from records_dms.audit import events
from records_dms.common.files import attach, download_name


def original_response(
    record: Record, *, user: User, purpose: str = "", rendition: bool = False
) -> FileResponse:
    """Stream the original (or its searchable PDF) after logging who took it and why.

    Refused (PermissionDenied) unless ``user`` may download originals, and 404 unless the user
    still sees the record now (clearance, grant and seal are read afresh, not taken from the
    caller).
    """
    if not may_download_original(user):
        raise PermissionDenied(_("Originals are lent as watermarked electronic copies."))
    if not visible_records(user=user).filter(pk=record.pk).exists():
        raise Http404(_("No such record."))
    key = record.rendition_key if rendition else record.original_key
    if not key or not default_storage.exists(key):
        raise Http404(_("This record has no such file."))
    record_access_log(
        record=record,
        actor=user,
        action=events.RECORD_DOWNLOADED,
        purpose=purpose,
        what="searchable_pdf" if rendition else "original",
    )
    content_type = (
        "application/pdf" if rendition else record.mime_type or "application/octet-stream"
    )
    name = record.reference if rendition else record.original_name or record.reference
    response = FileResponse(default_storage.open(key, "rb"), content_type=content_type)
    attach(response, download_name(name, content_type, fallback=record.reference))
    return response


def stamped_response(record: Record, *, user: User, purpose: str = "") -> FileResponse:
    """The record's PDF with its filing stamp (归档章), logged as a read like the original.

    Refused like the original (the stamped copy is the unwatermarked text); a record that cannot be
    stamped raises ValidationError (and nothing is logged).
    """
    if not may_download_original(user):
        raise PermissionDenied(_("Originals are lent as watermarked electronic copies."))
    if not visible_records(user=user).filter(pk=record.pk).exists():
        raise Http404(_("No such record."))
    data = record_stamped_pdf(record)
    record_access_log(
        record=record,
        actor=user,
        action=events.RECORD_DOWNLOADED,
        purpose=purpose,
        what="stamped_pdf",
    )
    response = FileResponse(io.BytesIO(data), content_type="application/pdf")
    attach(response, download_name(f"{record.reference}-归档章.pdf", "application/pdf"))
    return response
