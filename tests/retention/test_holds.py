"""Legal holds: who may place and lift them, what they cover, and that they block every step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.archive.blockers import destruction_blockers
from records_dms.archive.models import RecordState
from records_dms.archive.services import volume_create
from records_dms.audit.models import AuditEvent
from retention import events
from retention.models import ItemState
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.holds import hold_lift, hold_place, hold_records, holds_on
from tests.factories import make_record
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


def test_only_compliance_officers_place_and_lift(users, customer):
    record = make_record(customer)
    for role in (roles.CLERK, roles.AUDITOR, roles.STAFF, roles.ADMINISTRATOR):
        with pytest.raises(PermissionDenied):
            hold_place(actor=users[role], reason="诉讼", records=[record])
    hold = hold_place(actor=users[roles.COMPLIANCE], reason="诉讼保全", records=[record])
    with pytest.raises(PermissionDenied):
        hold_lift(hold=hold, actor=users[roles.CLERK])
    with pytest.raises(ValidationError):
        hold_place(actor=users[roles.COMPLIANCE], reason=" ", records=[record])
    hold_lift(hold=hold, actor=users[roles.COMPLIANCE], reason="结案")
    hold.refresh_from_db()
    assert not hold.active and hold.lifted_by == users[roles.COMPLIANCE]
    assert AuditEvent.objects.filter(action=events.HOLD_PLACED).count() == 1
    assert AuditEvent.objects.filter(action=events.HOLD_LIFTED).count() == 1


def test_a_hold_covers_a_record_volume_customer_or_search(users, customer, clerk):
    compliance = users[roles.COMPLIANCE]
    volume = volume_create(customer=customer, title="2024年投诉", actor=clerk)
    in_volume = make_record(customer, volume=volume, title="卷内文件")
    loose = make_record(customer, title="另一份会议纪要")
    hold = hold_place(actor=compliance, reason="审计", volume=volume)
    assert set(hold_records(hold)) == {in_volume}
    later = make_record(customer, volume=volume, title="后来归档")
    assert set(holds_on([in_volume, loose, later])) == {in_volume.pk, later.pk}

    dossier = hold_place(actor=compliance, reason="客户争议", customer=customer)
    assert set(hold_records(dossier)) == {in_volume, loose, later}

    search = hold_place(actor=compliance, reason="调查", query="另一份")
    assert list(hold_records(search)) == [loose]


def test_holds_answer_the_destruction_blocker_registry(users, customer):
    record = make_record(customer)
    hold = hold_place(actor=users[roles.COMPLIANCE], reason="诉讼保全", records=[record])
    reasons = destruction_blockers([record])
    assert reasons == {record.pk: [f"held (#{hold.pk} 诉讼保全)"]}


def test_a_held_record_cannot_be_proposed(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    hold_place(actor=users[roles.COMPLIANCE], reason="诉讼保全", customer=customer)
    with pytest.raises(ValidationError, match="held"):
        destruction_request_propose(records=[record], actor=clerk)


def test_a_hold_placed_after_proposal_blocks_approval(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    hold = hold_place(actor=users[roles.COMPLIANCE], reason="冻结", records=[record])
    with pytest.raises(ValidationError, match="held"):
        destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    hold_lift(hold=hold, actor=users[roles.COMPLIANCE])
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])


def test_a_hold_placed_after_approval_stops_execution_of_that_record(users, customer, clerk):
    held = closed_complaint_record(customer, clerk)
    free = closed_complaint_record(customer, clerk, lines=["另一份投诉记录的内容,可以销毁。"])
    request = destruction_request_propose(records=[held, free], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    hold_place(actor=users[roles.COMPLIANCE], reason="紧急冻结", records=[held])
    destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    held.refresh_from_db()
    free.refresh_from_db()
    assert held.state == RecordState.FILED and held.pages.exists()
    assert free.state == RecordState.DESTROYED
    item = request.items.get(record=held)
    assert item.state == ItemState.SKIPPED and "紧急冻结" in item.skip_reason
    assert timezone.localdate() > datetime.date(2023, 6, 30)
