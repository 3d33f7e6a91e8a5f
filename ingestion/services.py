"""Filing a file into a dossier: store the original, create the record, queue extraction."""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.db import transaction

from records_dms.archive.models import Customer, Record
from records_dms.archive.services import User, record_create

from .originals import original_discard, original_store
from .tasks import record_extract_text


def record_file(
    *,
    customer: Customer,
    stream: IO[bytes],
    filename: str,
    type: str,
    document_date: datetime.date,
    actor: User,
    title: str = "",
    **fields: Any,
) -> Record:
    """File one uploaded file as a new record; its text is extracted in the background.

    The original is stored before the record is created; if creating the record fails, an
    original this call stored is removed again, so nothing is half filed.
    """
    stored = original_store(stream, filename)
    try:
        record = record_create(
            customer=customer,
            type=type,
            title=title or filename,
            document_date=document_date,
            actor=actor,
            original=stored.as_metadata(),
            **fields,
        )
    except BaseException:
        original_discard(stored)
        raise
    transaction.on_commit(lambda: record_extract_text.enqueue(record.pk))
    return record
