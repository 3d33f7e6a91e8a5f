"""Handing out an original: shared by the admin screens and the API, so both apply the same
rule (permissions.may_download_original) and serve the same headers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.permissions import may_download_original
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import User, record_access_log
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
