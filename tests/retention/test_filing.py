"""The certificate of destruction is filed as a permanent record of the archive's own dossier."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import TestCase

from records_dms.accounts import roles
from records_dms.archive.models import RecordType
from records_dms.cli.main import main
from retention.certificates import certificates_verify
from retention.models import DestructionCertificate, RecordRetention, Waiting
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.review import due_records
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


def _destroy(users, customer, clerk):
    record = closed_complaint_record(customer, clerk, pdf=False)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    # The certificate's record is indexed when the execution commits, which a test's
    # rolled-back transaction never reaches: run the commit's callbacks.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)


def test_the_certificate_is_a_permanent_record_that_can_never_be_proposed(
    users, customer, clerk, settings
):
    settings.RETENTION = replace(settings.RETENTION, archive_own_code="QMS-ARCHIVE")
    done = _destroy(users, customer, clerk)
    certificate = DestructionCertificate.objects.get(request=done)
    record = certificate.record
    assert record is not None
    assert record.type == RecordType.DESTRUCTION_CERTIFICATE
    assert record.customer.code == "QMS-ARCHIVE"
    assert record.reference.startswith("QMS-ARCHIVE-XH-")
    assert record.sha256 == certificate.sha256 and record.original_key == certificate.pdf_key
    assert default_storage.exists(record.original_key)
    state = RecordRetention.objects.select_related("schedule").get(record=record)
    assert state.schedule is not None and state.schedule.code == "archive-permanent"
    assert state.due_date is None and state.waiting == Waiting.PERMANENT
    far = record.document_date.replace(year=2200)
    assert record.pk not in {row.record_id for row in due_records(far)}

    with pytest.raises(ValidationError, match="kept permanently"):
        destruction_request_propose(records=[record], actor=clerk)
    # Even a due date forced on it by hand does not make it destroyable.
    RecordRetention.objects.filter(record=record).update(due_date=record.document_date, waiting="")
    with pytest.raises(ValidationError, match="kept permanently"):
        destruction_request_propose(records=[record], actor=clerk)

    # A second destruction files a second certificate into the same dossier.
    second = _destroy(users, customer, clerk)
    other = DestructionCertificate.objects.get(request=second).record
    assert other is not None and other.customer_id == record.customer_id
    assert certificates_verify() == []
    assert main(["verify"]) == 0


def test_the_archive_code_comes_from_the_setting(users, customer, clerk, settings):
    settings.RETENTION = replace(settings.RETENTION, archive_own_code="ARCHIVE-SH")
    done = _destroy(users, customer, clerk)
    record = DestructionCertificate.objects.get(request=done).record
    assert record is not None and record.customer.code == "ARCHIVE-SH"
