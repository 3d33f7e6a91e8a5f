"""The retention screens: every URL for every role, and the workflow through the admin."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records_dms.accounts import roles
from records_dms.archive.models import Customer, RecordState
from records_dms.audit.models import AuditEvent
from retention.models import (
    DeletionRequest,
    DestructionRequest,
    LegalHold,
    RecordRetention,
    RequestState,
    RetentionSchedule,
)
from retention.services.deletion import deletion_request_answer, deletion_request_register
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.holds import hold_place
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import CustomerFactory, UserFactory
from tests.lending.helpers import signature_png
from tests.retention.helpers import closed_complaint_record, two_witnesses

CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN = (
    roles.CLERK,
    roles.AUDITOR,
    roles.COMPLIANCE,
    roles.STAFF,
    roles.ADMINISTRATOR,
)
VIEWERS = {CLERK, AUDITOR, COMPLIANCE}
SEALED_VIEWERS = {AUDITOR, COMPLIANCE}
ROLES = [CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN, "anonymous"]

# url name -> (roles allowed to GET it, kwargs key)
EXPECTED_GET: dict[str, tuple[set[str], str]] = {
    "retention:queue": ({CLERK}, ""),
    "retention:schedules": (VIEWERS | {ADMIN}, ""),
    "retention:schedule_edit": ({ADMIN}, "schedule"),
    "retention:holds": (VIEWERS, ""),
    "retention:hold_new": ({COMPLIANCE}, ""),
    "retention:hold": (VIEWERS, "hold"),
    "retention:hold_lift": ({COMPLIANCE}, "hold"),
    "retention:requests": (VIEWERS, ""),
    "retention:request": (VIEWERS, "submitted"),
    "retention:request_approve": ({COMPLIANCE}, "submitted"),
    "retention:request_reject": ({COMPLIANCE}, "submitted"),
    "retention:request_execute": ({CLERK, COMPLIANCE}, "submitted"),
    "retention:request_progress": (VIEWERS, "completed"),
    "retention:certificate": (VIEWERS, "completed"),
    "retention:seals": (SEALED_VIEWERS, ""),
    "retention:unseal": ({COMPLIANCE}, "sealed_customer"),
    "retention:seal_propose": ({COMPLIANCE}, "sealed_customer"),
    "retention:deletions": (SEALED_VIEWERS, ""),
    "retention:deletion_new": ({COMPLIANCE}, ""),
    "retention:deletion": (SEALED_VIEWERS, "deletion"),
    "retention:deletion_answer": ({COMPLIANCE}, "deletion"),
    "retention:deletion_letter": (SEALED_VIEWERS, "answered"),
}
POST_ONLY = {
    "retention:hold_lift",
    "retention:request_approve",
    "retention:request_reject",
    "retention:unseal",
    "retention:seal_propose",
    "retention:deletion_answer",
}
WRITES: dict[str, dict[str, Any]] = {
    "retention:queue": {"action": "propose", "reference": "due"},
    "retention:schedule_edit": {
        "name": "x",
        "record_types": ["minutes"],
        "trigger": "document_date",
        "period_years": 1,
        "period_months": 0,
        "period_days": 0,
        "disposition": "review",
        "active": "on",
    },
    "retention:hold_new": {"reason": "x", "references": "due"},
    "retention:hold_lift": {"reason": "x"},
    "retention:request_approve": {},
    "retention:request_reject": {"reason": "x"},
    "retention:request_execute": {},
    "retention:seals": {"customer": "customer", "reason": "x"},
    "retention:unseal": {"reason": "x"},
    "retention:seal_propose": {},
    "retention:deletion_new": {
        "customer": "customer",
        "received_on": "2026-01-05",
        "requester": "x",
    },
    "retention:deletion_answer": {},
}


def _pad(png: bytes) -> str:
    """What the signature pad's script puts in its hidden field."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def retention_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if name.startswith("retention:"):
                    names.add(name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_retention_url_has_an_expectation():
    assert retention_url_names() == set(EXPECTED_GET)


@pytest.fixture
def world(users, customer, clerk):
    compliance = users[COMPLIANCE]
    done = closed_complaint_record(customer, clerk, lines=["已销毁的投诉记录。"], pdf=False)
    completed = destruction_request_propose(records=[done], actor=clerk)
    destruction_request_approve(request=completed, actor=compliance)
    destruction_request_execute(witnesses=two_witnesses(), request=completed, actor=clerk)
    waiting = closed_complaint_record(customer, clerk, lines=["待审批的投诉记录。"], pdf=False)
    submitted = destruction_request_propose(records=[waiting], actor=clerk)
    due = closed_complaint_record(customer, clerk, lines=["到期待鉴定的投诉记录。"], pdf=False)
    hold = hold_place(actor=compliance, reason="诉讼保全", records=[waiting])
    gone = CustomerFactory.create(code="KH-0300", name="已终止客户")
    closed_complaint_record(gone, clerk, pdf=False)
    dossier_seal(customer=gone, reason="关系终止", actor=compliance)
    asked = CustomerFactory.create(code="KH-0301", name="要求删除的客户")
    answered = deletion_request_register(
        customer=asked, received_on=datetime.date(2026, 1, 5), requester="王五", actor=compliance
    )
    deletion_request_answer(request=answered, actor=compliance)
    deletion = deletion_request_register(
        customer=customer, received_on=datetime.date(2026, 2, 1), requester="张三", actor=compliance
    )
    return {
        "customer": customer.pk,
        "sealed_customer": gone.pk,
        "deletion": deletion.pk,
        "answered": answered.pk,
        "schedule": RetentionSchedule.objects.get(code="complaint").pk,
        "hold": hold.pk,
        "submitted": submitted.pk,
        "completed": completed.pk,
        "due": due.reference,
        "waiting": waiting,
    }


def url_for(name: str, key: str, world: dict[str, Any]) -> str:
    return reverse(name, kwargs={"pk": world[key]}) if key else reverse(name)


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    for name, (allowed, key) in EXPECTED_GET.items():
        response = client.get(url_for(name, key, world))
        if role in allowed:
            expected = 405 if name in POST_ONLY else 200
            assert response.status_code == expected, (name, role, response.status_code)
        else:
            assert refused(response, role), (name, role, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_refused_writes_change_nothing(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    before = AuditEvent.objects.count()
    for name, data in WRITES.items():
        allowed, key = EXPECTED_GET[name]
        if role in allowed:
            continue
        data = {k: world[v] if v in ("due", "customer") else v for k, v in data.items()}
        response = client.post(url_for(name, key, world), data)
        assert refused(response, role), (name, role, response.status_code)
    assert AuditEvent.objects.count() == before
    assert DestructionRequest.objects.get(pk=world["submitted"]).state == RequestState.SUBMITTED
    assert LegalHold.objects.get(pk=world["hold"]).active
    assert Customer.objects.get(pk=world["sealed_customer"]).sealed
    assert not Customer.objects.get(pk=world["customer"]).sealed
    assert DeletionRequest.objects.get(pk=world["deletion"]).state == "received"


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
    compliance_client.post(reverse("retention:request_approve", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED

    execute = reverse("retention:request_execute", args=[request.pk])
    signed = {
        "witness_1_user": users[AUDITOR].pk,
        "witness_1_signature": _pad(signature_png(1)),
        "witness_2_name": "赵六",
        "witness_2_unit": "纪检监察室",
        "witness_2_signature": _pad(signature_png(2)),
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
    response = client.post(reverse("retention:request_approve", args=[request.pk]), follow=True)
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
    response = client.post(
        reverse("retention:hold_new"), {"reason": "诉讼保全", "references": record.reference}
    )
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
@pytest.mark.parametrize("role", ROLES)
def test_nothing_but_destruction_deletes_a_record(role, users, customer, clerk):
    """The API has no delete for records, for any role; the record stays whole."""
    record = closed_complaint_record(customer, clerk, pdf=False)
    client = client_for(None if role == "anonymous" else users[role])
    response = client.delete(reverse("api:record-detail", args=[record.pk]))
    assert response.status_code in (401, 403, 404, 405), (role, response.status_code)
    record.refresh_from_db()
    assert record.state == RecordState.FILED


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

    one = {"witness_1_user": users[AUDITOR].pk, "witness_1_signature": _pad(signature_png(1))}
    refused = client.post(execute, one)
    assert refused.status_code == 200 and "At least 2 witnesses" in refused.content.decode()
    unsigned = client.post(execute, {**one, "witness_2_name": "赵六"})
    assert "Please sign on the pad" in unsigned.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and not request.witnesses.exists()

    signed = {**one, "witness_2_name": "赵六", "witness_2_signature": _pad(signature_png(2))}
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
