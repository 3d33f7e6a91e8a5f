"""A clerk corrects a record's type or date before its filing is final: the reference follows
(issue 15), the series keeps no unexplained gap, and after the window the reference stays."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.utils import timezone

from records_dms.archive.models import Record, VoidedReference
from records_dms.archive.services import record_update
from records_dms.inspection.models import Occasion
from records_dms.inspection.services import inspect
from tests.factories import make_record

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 4, 2)


def test_a_corrected_type_takes_the_new_series_and_gives_the_last_number_back(customer, clerk):
    record = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    assert record.reference == f"{customer.code}-JY-2025-0001"
    record = record_update(record=record, actor=clerk, type="contract", reason="类型改正")
    assert record.reference == f"{customer.code}-HT-2025-0001"
    again = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    assert again.reference == f"{customer.code}-JY-2025-0001"  # the number was given back
    assert not VoidedReference.objects.exists()
    revision = record.revisions.get()
    assert revision.changes["reference"] == [
        f"{customer.code}-JY-2025-0001",
        f"{customer.code}-HT-2025-0001",
    ]


def test_a_number_in_the_middle_is_voided_not_left_as_a_gap(customer, clerk):
    first = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    second = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    first = record_update(record=first, actor=clerk, document_date=datetime.date(2024, 12, 30))
    assert first.reference == f"{customer.code}-JY-2024-0001"
    voided = VoidedReference.objects.get()
    assert (voided.reference, voided.replaced_by) == (
        f"{customer.code}-JY-2025-0001",
        first.reference,
    )
    check = inspect([second], occasion=Occasion.MANUAL, actor=clerk)
    assert not check.results.filter(code__endswith="-2-3", outcome="fail").exists(), list(
        check.results.filter(outcome="fail").values_list("code", "detail")
    )


def test_a_date_corrected_within_the_year_keeps_the_reference(customer, clerk):
    record = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    record = record_update(record=record, actor=clerk, document_date=datetime.date(2025, 6, 1))
    assert record.reference == f"{customer.code}-JY-2025-0001"


def test_after_the_correction_window_the_filing_is_final(customer, clerk, settings):
    settings.REFERENCES = dataclasses.replace(settings.REFERENCES, correction_days=7)
    record = make_record(customer, type="minutes", document_date=DAY, actor=clerk)
    Record.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    record = record_update(record=record, actor=clerk, type="contract")
    assert (record.type, record.reference) == ("contract", f"{customer.code}-JY-2025-0001")
