"""Handing out an original: shared by the admin screens and the API."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.services import User, record_access_log
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
