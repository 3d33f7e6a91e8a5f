"""Background work of ingestion, run by the task worker (`dms run` starts one)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django_tasks import task

from records_dms.archive.models import Record
from records_dms.archive.services import record_pages_set

from .extraction import EXTRACTORS


@task()
def record_extract_text(record_id: int) -> int:
    """Extract the per-page text of a record's original; returns the page count."""
    record = Record.objects.get(pk=record_id)
    extractor = EXTRACTORS.get(record.mime_type)
    if extractor is None or not record.original_key:
        return record_pages_set(record=record, pages=[]).page_count
    with default_storage.open(record.original_key, "rb") as stream:
        pages = extractor(stream)
    return record_pages_set(record=record, pages=pages).page_count
