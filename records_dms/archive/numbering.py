"""Numbering: gap-free counters and the file reference numbers (档号) they give.

A number is drawn inside the caller's transaction, so it rolls back with it and a series keeps
no gap; ``reference_correct`` gives back or voids a number when a clerk corrects a record's
series before its filing is final.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from records_dms.archive.models import Counter, Customer, Record, VoidedReference
from records_dms.archive.references import reference_series


def counter_next(key: str) -> int:
    """The next number of a series, gap-free: it rolls back with the caller's transaction."""
    with transaction.atomic():
        counter, _created = Counter.objects.select_for_update().get_or_create(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def record_reference_next(record: Record) -> str:
    """Next file reference number (档号) of an unsaved record, gap-free in its series, in the
    form ``DMS_REFERENCE_RULE`` chooses (records_dms/archive/references.py)."""
    series = reference_series(record)
    return series.reference(counter_next(series.key))


def reference_correct(before: Record, record: Record) -> list[str] | None:
    """Give a record whose type or date a clerk corrected before its filing was final the
    reference of its new series; returns [old, new], or None when the reference stays.

    Final: filed more than ``DMS_REFERENCE_CORRECTION_DAYS`` ago. The old number goes back
    to its series when it was the series' last (no gap), else it is recorded as voided
    (``VoidedReference``), so the series keeps no unexplained gap.
    """
    window = datetime.timedelta(days=settings.REFERENCES.correction_days)
    if record.created_at is None or timezone.now() - record.created_at > window:
        return None
    old_series, new_series = reference_series(before), reference_series(record)
    if old_series.key == new_series.key or not record.reference.startswith(old_series.prefix):
        return None
    old = record.reference
    record.reference = new_series.reference(counter_next(new_series.key))
    number = int(old.rsplit("-", 1)[1])
    counter = Counter.objects.select_for_update().get(key=old_series.key)
    if counter.value == number:
        counter.value -= 1
        counter.save(update_fields=["value"])
    else:
        VoidedReference.objects.create(reference=old, record=record, replaced_by=record.reference)
    return [old, record.reference]


def record_reference(customer: Customer, record_type: str, year: int) -> str:
    """Next file reference number of a record of this customer, type and year."""
    record = Record(customer=customer, type=record_type, document_date=datetime.date(year, 1, 1))
    return record_reference_next(record)
