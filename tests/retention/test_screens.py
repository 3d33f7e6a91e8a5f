"""The retention screens: every URL for every role, and who may act on what (the workflow
through the admin: test_screen_workflows.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records_dms.accounts import roles
from records_dms.archive.models import Customer, RecordState
from records_dms.audit.models import AuditEvent
from retention.models import (
    DeletionRequest,
    DestructionRequest,
    LegalHold,
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
from tests.factories import CustomerFactory
from tests.retention.helpers import closed_complaint_record, refused, two_witnesses

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
    "retention:queue": (VIEWERS, ""),
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
# Screens everyone in EXPECTED_GET reads but fewer may act on.
WRITE_ROLES: dict[str, set[str]] = {"retention:queue": {CLERK}}
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
        if role in WRITE_ROLES.get(name, allowed):
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
@pytest.mark.parametrize("role", [COMPLIANCE, AUDITOR])
def test_compliance_and_auditors_read_the_due_list_but_do_not_act(role, users, customer, clerk):
    """Defect: the compliance officer opening the due list got a permission error."""
    record = closed_complaint_record(customer, clerk, pdf=False)
    client = client_for(users[role])
    page = client.get(reverse("retention:queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert record.reference in text
    assert 'name="reference"' not in text and 'value="propose"' not in text
    response = client.post(
        reverse("retention:queue"), {"action": "propose", "reference": record.reference}
    )
    assert refused(response, role) and not DestructionRequest.objects.exists()
    due = client.get(reverse("api:retention-due-list"))
    assert due.status_code == 200 and record.reference in due.content.decode()
