"""The review queue's decisions and the daily e-mail."""

from __future__ import annotations

import datetime
import json
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.audit.models import AuditEvent
from retention import events
from retention.models import DailyNotice, RecordRetention, Waiting
from retention.services.review import (
    due_records,
    retention_daily,
    retention_extend,
    retention_keep_permanently,
    retention_notify,
    retention_transfer,
)
from tests.factories import make_record
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_queue_filters_by_date_customer_type_and_schedule(users, customer, clerk):
    complaint = closed_complaint_record(customer, clerk, closed_on=datetime.date(2020, 1, 10))
    email = make_record(customer, type="email", document_date=datetime.date(2019, 5, 1))
    make_record(customer, type="email", document_date=TODAY())  # not due for years
    on = datetime.date(2023, 1, 10)
    assert [r.record for r in due_records(on)] == [email, complaint]
    assert [r.record for r in due_records(on, record_type="email")] == [email]
    schedule = RecordRetention.objects.get(record=complaint).schedule
    assert schedule is not None
    assert [r.record for r in due_records(on, schedule=schedule.pk)] == [complaint]
    assert [r.record for r in due_records(on, customer=customer.pk + 1)] == []
    # Staff see only what the policy lets them see (here: nothing).
    assert list(due_records(on, user=users[roles.STAFF])) == []


def test_extend_and_keep_permanently(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    until = TODAY() + datetime.timedelta(days=400)
    with pytest.raises(ValidationError):
        retention_extend(records=[record], until=until, reason="", actor=clerk)
    with pytest.raises(PermissionDenied):
        retention_extend(records=[record], until=until, reason="x", actor=users[roles.AUDITOR])
    retention_extend(records=[record], until=until, reason="客户仍在索赔", actor=clerk)
    state = RecordRetention.objects.get(record=record)
    assert state.due_date == until and state.decision_reason == "客户仍在索赔"
    assert not due_records(TODAY()).exists()

    retention_keep_permanently(records=[record], reason="典型案例", actor=clerk)
    state.refresh_from_db()
    assert state.due_date is None and state.waiting == Waiting.PERMANENT
    assert not due_records(datetime.date(2999, 1, 1)).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="retention.").values_list("action", flat=True)
    )
    assert events.REVIEW_EXTENDED in actions and events.REVIEW_KEPT_PERMANENTLY in actions


def test_transfer_exports_originals_metadata_and_audit_trail(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    package = retention_transfer(records=[record], reason="移交档案馆", actor=clerk)
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        trail = json.loads(archive.read(f"audit/{record.reference}.json"))
        original = archive.read(f"originals/{record.reference}/{record.original_name}")
    assert manifest["records"][0]["sha256"] == record.sha256
    assert manifest["records"][0]["pages"][0]["text"]
    assert "record.created" in [event["action"] for event in trail]
    assert len(names) == 3 and original.startswith(b"%PDF")
    assert not due_records(TODAY()).exists()


def test_the_daily_email_goes_to_clerks_once_a_day(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    assert retention_notify(TODAY()) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["clerk@example.invalid"]
    assert record.reference in message.body and "due for review" in message.subject
    assert retention_notify(TODAY()) is None
    assert retention_daily(TODAY().isoformat()) == 0
    # (The daily chain also e-mails the compliance officers the chains' checkpoints.)
    assert len([m for m in mail.outbox if "due for review" in m.subject]) == 1
    assert DailyNotice.objects.get(day=TODAY()).due_count == 1


def test_the_daily_email_counts_but_never_names_records_of_sealed_dossiers(users, customer, clerk):
    from retention.services.sealing import dossier_seal
    from tests.factories import CustomerFactory

    shown = closed_complaint_record(customer, clerk)
    other = CustomerFactory.create(code="KH-0909")
    hidden = closed_complaint_record(other, clerk, lines=["封存的投诉记录", "不得列出"])
    dossier_seal(customer=other, reason="顾客要求删除资料", actor=users[roles.COMPLIANCE])
    assert retention_notify(TODAY()) == 2
    body = mail.outbox[0].body
    assert shown.reference in body
    assert hidden.reference not in body and "KH-0909" not in body
    assert "1 of sealed dossiers" in body
