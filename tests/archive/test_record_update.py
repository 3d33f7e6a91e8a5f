import datetime

import pytest
from django.core.exceptions import ValidationError

from records_dms.archive.models import RecordState
from records_dms.archive.services import record_update
from records_dms.audit.models import AuditEvent
from tests.factories import make_record

pytestmark = pytest.mark.django_db


def test_change_is_versioned_with_who_when_before_and_after(customer, clerk):
    record = make_record(customer, title="旧标题")
    record_update(
        record=record,
        actor=clerk,
        reason="更正标题",
        title="新标题",
        document_date=datetime.date(2024, 3, 2),
    )
    revision = record.revisions.get()
    assert revision.changed_by == clerk
    assert revision.reason == "更正标题"
    assert revision.changes == {
        "title": ["旧标题", "新标题"],
        "document_date": ["2024-03-01", "2024-03-02"],
    }
    event = AuditEvent.objects.get(action="record.updated")
    assert event.data["changes"]["title"] == ["旧标题", "新标题"]


def test_saving_without_changes_writes_nothing(customer, clerk):
    record = make_record(customer, title="同一标题")
    record_update(record=record, actor=clerk, title="同一标题")
    assert not record.revisions.exists()
    assert not AuditEvent.objects.filter(action="record.updated").exists()


def test_reference_number_never_changes(customer, clerk):
    record = make_record(customer)
    record_update(record=record, actor=clerk, reference="FORGED-1", title="x")
    record.refresh_from_db()
    assert record.reference == "KH-0101-JY-2024-0001"


def test_destroyed_record_cannot_be_edited(customer, clerk):
    record = make_record(customer)
    record.state = RecordState.DESTROYED
    record.save()
    with pytest.raises(ValidationError):
        record_update(record=record, actor=clerk, title="x")
