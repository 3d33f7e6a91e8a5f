"""Page images of a record (thumbnails and the page viewer's image): where they are kept, who
read them, and their removal when the record is destroyed.

A page image is derived from the original like the searchable PDF, rendered once (by
ingestion/pageimages.py, in a bounded child process) and kept in the storage under the
record's own folder, so that destroying the record removes every image with one call. The
original is immutable, so a kept image never goes stale.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.files.storage import default_storage

from records_dms.archive.models import Record, RecordState
from records_dms.audit import events
from records_dms.audit.services import audit_log

PREFIX = "page-images/"
# The longest side of each size, in pixels: a thumbnail strip, and the viewer's page.
SIZES = {"thumb": 240, "page": 1400}
IMAGE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff"})


def page_images_available(record: Record) -> bool:
    """Whether the record has pages that can be drawn (a PDF or a scan, not destroyed)."""
    return (
        record.state != RecordState.DESTROYED
        and bool(record.original_key)
        and record.mime_type in IMAGE_TYPES
        and record.page_count > 0
    )


def page_images_folder(record: Record) -> str:
    return f"{PREFIX}{record.pk}/"


def page_image_key(record: Record, number: int, size: str) -> str:
    return f"{page_images_folder(record)}{size}-{number}.png"


def page_image_cached(record: Record, number: int, size: str) -> bytes | None:
    key = page_image_key(record, number, size)
    if not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as handle:
        data: bytes = handle.read()
    return data


def page_image_keep(record: Record, number: int, size: str, data: bytes) -> None:
    """Store a rendered image; two requests rendering the same page at once keep one copy."""
    from django.core.files.base import ContentFile

    key = page_image_key(record, number, size)
    if default_storage.exists(key):
        return
    saved = default_storage.save(key, ContentFile(data))
    if saved != key:  # the other request saved it first: the storage chose another name
        default_storage.delete(saved)
    elif not default_storage.exists(record.original_key):
        # Destroyed while this page was drawn: the destruction removed the images before ours.
        default_storage.delete(saved)


def page_images_delete(record: Record) -> int:
    """Remove every kept page image of the record (part of its destruction); return how many."""
    folder = page_images_folder(record)
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a local folder nothing was ever rendered into
        return 0
    for name in files:
        default_storage.delete(f"{folder}{name}")
    return len(files)


def page_image_access_log(
    *, record: Record, actor: AuthUser | AnonymousUser | None, number: int, size: str
) -> None:
    """A page image shown is a read of the record (查阅登记), like its text."""
    audit_log(
        action=events.RECORD_VIEWED,
        actor=actor,
        obj=record,
        customer_code=record.customer.code,
        data={"reference": record.reference, "what": f"page_image:{size}", "page": number},
    )
