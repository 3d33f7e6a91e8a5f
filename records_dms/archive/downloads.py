"""Handing out an original, its searchable PDF or its stamped copy: shared by the admin
screens and the API."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.services import User, record_access_log
from records_dms.archive.stamping import record_stamped_pdf
from records_dms.audit import events


def original_response(
    record: Record, *, user: User, purpose: str = "", rendition: bool = False
) -> FileResponse:
    """Stream the original (or its searchable PDF) after logging who took it and why.

    The caller has already checked that ``user`` may read ``record``.
    """
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
    return FileResponse(
        default_storage.open(key, "rb"),
        as_attachment=True,
        filename=f"{record.reference}.pdf"
        if rendition
        else record.original_name or record.reference,
        content_type="application/pdf"
        if rendition
        else record.mime_type or "application/octet-stream",
    )


def stamped_response(record: Record, *, user: User, purpose: str = "") -> FileResponse:
    """The record's PDF with its filing stamp (归档章), logged as a read like the original.

    The caller has already checked that ``user`` may read ``record``; a record that cannot be
    stamped raises ValidationError (and nothing is logged).
    """
    data = record_stamped_pdf(record)
    record_access_log(
        record=record,
        actor=user,
        action=events.RECORD_DOWNLOADED,
        purpose=purpose,
        what="stamped_pdf",
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{record.reference}-归档章.pdf",
        content_type="application/pdf",
    )
