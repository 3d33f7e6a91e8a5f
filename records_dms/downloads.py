"""Handing out an original: shared by the admin screens and the API."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.services import User, record_access_log
from records_dms.audit import events


def original_response(record: Record, *, user: User, purpose: str = "") -> FileResponse:
    """Stream the original after writing who downloaded it and why to the audit trail.

    The caller has already checked that ``user`` may read ``record``.
    """
    if not record.original_key or not default_storage.exists(record.original_key):
        raise Http404(_("This record has no stored original."))
    record_access_log(record=record, actor=user, action=events.RECORD_DOWNLOADED, purpose=purpose)
    return FileResponse(
        default_storage.open(record.original_key, "rb"),
        as_attachment=True,
        filename=record.original_name or record.reference,
        content_type=record.mime_type or "application/octet-stream",
    )
