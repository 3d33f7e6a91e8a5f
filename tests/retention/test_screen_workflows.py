"""The retention workflow through the admin screens: propose, approve, execute with witnesses,
review, holds, schedules, and what the record page shows."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.models import RecordState
from records_dms.audit.models import AuditEvent
from retention.models import (
    DestructionRequest,
    LegalHold,
    RecordRetention,
    RequestState,
    RetentionSchedule,
)
from retention.services.destruction import destruction_request_approve, destruction_request_propose
from retention.services.holds import hold_place
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.lending.helpers import signature_png
from tests.retention.helpers import closed_complaint_record, confirm_post, pad_value
from tests.retention.test_screens import WRITES

CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN = (
    roles.CLERK,
    roles.AUDITOR,
    roles.COMPLIANCE,
    roles.STAFF,
    roles.ADMINISTRATOR,
)


@pytest.mark.django_db
def test_clerk_proposes_compliance_approves_clerk_executes(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    record = closed_complaint_record(customer, clerk)
    key = record.original_key
    clerk_client = client_for(clerk)
    page = clerk_client.get(reverse("retention:queue"))
    assert record.reference in page.content.decode()
    response = clerk_client.post(
        reverse("retention:queue"), {"action": "propose", "reference": record.reference}
    )
    request = DestructionRequest.objects.get()
    assert response["Location"] == reverse("retention:request", args=[request.pk])
    # The proposer sees no approve button, and a forged POST is refused.
    page_text = clerk_client.get(reverse("retention:request", args=[request.pk])).content
    assert b"request-approve" not in page_text
    clerk_client.post(reverse("retention:request_approve", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED

    compliance_client = client_for(users[COMPLIANCE])
    detail = compliance_client.get(reverse("retention:request", args=[request.pk]))
    assert b"request-approve" in detail.content
    confirm_post(compliance_client, reverse("retention:request_approve", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED

    execute = reverse("retention:request_execute", args=[request.pk])
    signed = {
        "witness_1_user": users[AUDITOR].pk,
        "witness_1_signature": pad_value(signature_png(1)),
        "witness_2_name": "赵六",
        "witness_2_unit": "纪检监察室",
        "witness_2_signature": pad_value(signature_png(2)),
    }
    with django_capture_on_commit_callbacks(execute=True):
        clerk_client.post(execute, signed)
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED
    assert [w.name for w in request.witnesses.all()] == ["auditor", "赵六"]
    assert not default_storage.exists(key)
    pdf = compliance_client.get(reverse("retention:certificate", args=[request.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="destruction.certificate_downloaded").exists()


@pytest.mark.django_db
def test_a_user_who_is_clerk_and_compliance_cannot_approve_own_list_on_screen(users, customer):
    both = UserFactory.create(username="both", role=CLERK)
    both.groups.add(*users[COMPLIANCE].groups.all())
    record = closed_complaint_record(customer, both)
    client = client_for(both)
    client.post(reverse("retention:queue"), {"action": "propose", "reference": record.reference})
    request = DestructionRequest.objects.get()
    assert (
        "request-approve"
        not in client.get(reverse("retention:request", args=[request.pk])).content.decode()
    )
    url = reverse("retention:request_approve", args=[request.pk])
    response = confirm_post(client, url, follow=True)
    assert "may not approve" in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and not request.approvals.exists()


@pytest.mark.django_db
def test_review_actions_on_screen(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    client = client_for(clerk)
    until = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    client.post(
        reverse("retention:queue"),
        {"action": "extend", "reference": record.reference, "until": until, "reason": "索赔中"},
    )
    assert str(RecordRetention.objects.get(record=record).due_date) == until
    other = closed_complaint_record(customer, clerk, lines=["另一份"])
    response = client.post(
        reverse("retention:queue"),
        {"action": "transfer", "reference": other.reference, "reason": "移交"},
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_holds_on_screen(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    client = client_for(users[COMPLIANCE])
    data = {"reason": "诉讼保全", "references": record.reference}
    response = confirm_post(client, reverse("retention:hold_new"), data)
    hold = LegalHold.objects.get()
    assert response["Location"] == reverse("retention:hold", args=[hold.pk])
    report = client.get(reverse("retention:hold", args=[hold.pk])).content.decode()
    assert record.reference in report
    client.post(reverse("retention:hold_lift", args=[hold.pk]), {"reason": "结案"})
    hold.refresh_from_db()
    assert not hold.active
    record.refresh_from_db()
    assert record.state == RecordState.FILED


@pytest.mark.django_db
def test_administrator_edits_a_schedule_on_screen(users, customer):
    schedule = RetentionSchedule.objects.get(code="minutes")
    client = client_for(users[ADMIN])
    data = dict(WRITES["retention:schedule_edit"], name="会议纪要", period_years=7)
    response = client.post(reverse("retention:schedule_edit", args=[schedule.pk]), data)
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.period_years == 7 and schedule.record_types == ["minutes"]
    assert AuditEvent.objects.get(action="retention.schedule_updated").actor_name == "admin"


@pytest.mark.django_db
def test_the_record_page_shows_due_date_or_why_none_and_holds(users, customer, clerk):
    record = closed_complaint_record(customer, clerk, pdf=False)
    client = client_for(users[COMPLIANCE])
    page = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    assert "2023-06-30" in page
    hold_place(actor=users[COMPLIANCE], reason="诉讼保全", records=[record])
    page = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    assert "legal-hold" in page and "诉讼保全" in page
    case = record.complaint
    assert case is not None
    from records_dms.archive.services import complaint_update

    complaint_update(complaint=case, actor=clerk, closed_on=None)
    page = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    assert "waiting for the case to close" in page


@pytest.mark.django_db
def test_execution_confirms_the_inventory_and_needs_two_witnesses(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    """The execute screen previews exactly the inventory (held and sealed ones marked, held
    ones excluded), refuses fewer than two witnesses, then the request page shows progress."""
    compliance = users[COMPLIANCE]
    kept = closed_complaint_record(customer, clerk, lines=["将被冻结的投诉。"])
    going = closed_complaint_record(customer, clerk, lines=["将被销毁的投诉。"])
    request = destruction_request_propose(records=[kept, going], actor=clerk)
    destruction_request_approve(request=request, actor=compliance)
    hold_place(actor=compliance, reason="诉讼保全", records=[kept])
    client = client_for(clerk)
    execute = reverse("retention:request_execute", args=[request.pk])
    page = client.get(execute).content.decode()
    assert 'data-total="2" data-destroyed="1" data-excluded="1"' in page
    assert f'data-reference="{kept.reference}" data-held' in page
    assert "诉讼保全" in page and going.reference in page
    assert page.count("<canvas ") == 3

    one = {"witness_1_user": users[AUDITOR].pk, "witness_1_signature": pad_value(signature_png(1))}
    refused = client.post(execute, one)
    assert refused.status_code == 200 and "At least 2 witnesses" in refused.content.decode()
    unsigned = client.post(execute, {**one, "witness_2_name": "赵六"})
    assert "Please sign on the pad" in unsigned.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and not request.witnesses.exists()

    signed = {**one, "witness_2_name": "赵六", "witness_2_signature": pad_value(signature_png(2))}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(execute, signed)
    assert response["Location"] == reverse("retention:request", args=[request.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "destruction-progress" in detail and "赵六" in detail
    progress = client.get(reverse("retention:request_progress", args=[request.pk])).json()
    assert progress["state"] == "completed" and progress["total"] == 2
    assert (progress["destroyed"], progress["skipped"]) == (1, 1)
    assert progress["certificate_url"] == reverse("retention:certificate", args=[request.pk])
    # A completed list offers no execution any more.
    again = client.post(execute, signed)
    assert "only an approved list can be executed" in again.content.decode()
