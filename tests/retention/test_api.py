"""Retention's REST endpoints: every route for every role (read from the resolver), and the
workflow through the API with the same rules as the screens and the CLI."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records_dms.accounts import roles
from records_dms.archive.models import RecordState
from records_dms.audit.models import AuditEvent
from retention.models import (
    DeletionRequest,
    DestructionCertificate,
    DestructionRequest,
    DossierSeal,
    LegalHold,
    RequestState,
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
    "api:retention-due-list": ({CLERK}, ""),
    "api:retention-hold-list": (VIEWERS, ""),
    "api:retention-hold-detail": (VIEWERS, "hold"),
    "api:retention-hold-lift": ({COMPLIANCE}, "hold"),
    "api:retention-destruction-list": (VIEWERS, ""),
    "api:retention-destruction-detail": (VIEWERS, "submitted"),
    "api:retention-destruction-approve": ({COMPLIANCE}, "submitted"),
    "api:retention-destruction-reject": ({COMPLIANCE}, "submitted"),
    "api:retention-destruction-execute": ({CLERK, COMPLIANCE}, "submitted"),
    "api:retention-certificate-list": (VIEWERS, ""),
    "api:retention-certificate-detail": (VIEWERS, "certificate"),
    "api:retention-certificate-download": (VIEWERS, "certificate"),
    "api:retention-seal-list": (SEALED_VIEWERS, ""),
    "api:retention-seal-detail": (SEALED_VIEWERS, "seal"),
    "api:retention-seal-unseal": ({COMPLIANCE}, "seal"),
    "api:retention-deletion-list": (SEALED_VIEWERS, ""),
    "api:retention-deletion-detail": (SEALED_VIEWERS, "deletion"),
    "api:retention-deletion-answer": ({COMPLIANCE}, "deletion"),
    "api:retention-deletion-letter": (SEALED_VIEWERS, "answered"),
}
POST_ONLY = {
    "api:retention-hold-lift",
    "api:retention-destruction-approve",
    "api:retention-destruction-reject",
    "api:retention-destruction-execute",
    "api:retention-seal-unseal",
    "api:retention-deletion-answer",
}
# POSTs, each refused for the roles not allowed (list routes: the create).
WRITES: dict[str, tuple[set[str], str, dict[str, Any]]] = {
    "api:retention-hold-list": ({COMPLIANCE}, "", {"reason": "x", "references": ["due"]}),
    "api:retention-hold-lift": ({COMPLIANCE}, "hold", {"reason": "x"}),
    "api:retention-destruction-list": ({CLERK}, "", {"references": ["due"]}),
    "api:retention-destruction-approve": ({COMPLIANCE}, "submitted", {}),
    "api:retention-destruction-reject": ({COMPLIANCE}, "submitted", {"reason": "x"}),
    "api:retention-destruction-execute": ({CLERK, COMPLIANCE}, "submitted", {}),
    "api:retention-seal-list": ({COMPLIANCE}, "", {"customer": "KH-0101", "reason": "x"}),
    "api:retention-seal-unseal": ({COMPLIANCE}, "seal", {"reason": "x"}),
    "api:retention-deletion-list": (
        {COMPLIANCE},
        "",
        {"customer": "KH-0101", "received_on": "2026-01-05", "requester": "x"},
    ),
    "api:retention-deletion-answer": ({COMPLIANCE}, "deletion", {}),
}


def retention_api_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if name.startswith("api:retention-"):
                    names.add(name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_retention_api_url_has_an_expectation():
    assert retention_api_names() == set(EXPECTED_GET)


@pytest.fixture
def world(users, customer, clerk):
    compliance = users[COMPLIANCE]
    done = closed_complaint_record(customer, clerk, pdf=False)
    completed = destruction_request_propose(records=[done], actor=clerk)
    destruction_request_approve(request=completed, actor=compliance)
    destruction_request_execute(witnesses=two_witnesses(), request=completed, actor=clerk)
    waiting = closed_complaint_record(customer, clerk, pdf=False)
    submitted = destruction_request_propose(records=[waiting], actor=clerk)
    due = closed_complaint_record(customer, clerk, pdf=False)
    hold = hold_place(actor=compliance, reason="诉讼保全", records=[waiting])
    gone = CustomerFactory.create(code="KH-0300", name="已终止客户")
    seal = dossier_seal(customer=gone, reason="关系终止", actor=compliance)
    asked = CustomerFactory.create(code="KH-0301", name="要求删除的客户")
    answered = deletion_request_register(
        customer=asked, received_on=datetime.date(2026, 1, 5), requester="王五", actor=compliance
    )
    deletion_request_answer(request=answered, actor=compliance)
    deletion = deletion_request_register(
        customer=customer, received_on=datetime.date(2026, 2, 1), requester="张三", actor=compliance
    )
    return {
        "hold": hold.pk,
        "submitted": submitted.pk,
        "certificate": DestructionCertificate.objects.get(request=completed).pk,
        "seal": seal.pk,
        "deletion": deletion.pk,
        "answered": answered.pk,
        "due": due.reference,
    }


def url_for(name: str, key: str, world: dict[str, Any]) -> str:
    return reverse(name, kwargs={"pk": world[key]}) if key else reverse(name)


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code in (401, 403)
    return response.status_code in (403, 404)


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
    for name, (allowed, key, data) in WRITES.items():
        if role in allowed:
            continue
        data = {k: [world["due"]] if v == ["due"] else v for k, v in data.items()}
        response = client.post(url_for(name, key, world), data, content_type="application/json")
        assert refused(response, role), (name, role, response.status_code)
    assert AuditEvent.objects.count() == before
    assert DestructionRequest.objects.get(pk=world["submitted"]).state == RequestState.SUBMITTED
    assert LegalHold.objects.get(pk=world["hold"]).active
    assert DossierSeal.objects.get(pk=world["seal"]).active
    assert DeletionRequest.objects.get(pk=world["deletion"]).state == "received"


@pytest.mark.django_db
def test_the_workflow_through_the_api(users, customer, clerk, django_capture_on_commit_callbacks):
    record = closed_complaint_record(customer, clerk, pdf=False)
    clerk_api = client_for(clerk)
    due = clerk_api.get(reverse("api:retention-due-list"), {"customer": "KH-0101"}).json()
    assert [row["reference"] for row in due] == [record.reference]
    proposed = clerk_api.post(
        reverse("api:retention-destruction-list"),
        {"references": [record.reference], "reason": "到期"},
        content_type="application/json",
    )
    assert proposed.status_code == 201, proposed.content
    request_id = proposed.json()["id"]
    approve = reverse("api:retention-destruction-approve", args=[request_id])

    # A clerk who is also a compliance officer may not approve its own list.
    both = UserFactory.create(username="both", role=CLERK)
    both.groups.add(*users[COMPLIANCE].groups.all())
    own = (
        client_for(both)
        .post(
            reverse("api:retention-destruction-list"),
            {"references": [closed_complaint_record(customer, clerk, pdf=False).reference]},
            content_type="application/json",
        )
        .json()
    )
    refused_own = client_for(both).post(
        reverse("api:retention-destruction-approve", args=[own["id"]])
    )
    assert refused_own.status_code == 403
    assert DestructionRequest.objects.get(pk=own["id"]).state == RequestState.SUBMITTED

    compliance_api = client_for(users[COMPLIANCE])
    approved = compliance_api.post(approve)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    execute = reverse("api:retention-destruction-execute", args=[request_id])
    auditor = {"username": "auditor", "signature": base64.b64encode(signature_png(1)).decode()}
    person = {
        "name": "赵六",
        "unit": "纪检监察室",
        "signature": "data:image/png;base64," + base64.b64encode(signature_png(2)).decode(),
    }
    alone = clerk_api.post(execute, {"witnesses": [auditor]}, content_type="application/json")
    assert alone.status_code == 400 and "At least 2 witnesses" in alone.content.decode()
    nobody = {**auditor, "username": "nobody"}
    unknown = clerk_api.post(
        execute, {"witnesses": [nobody, person]}, content_type="application/json"
    )
    assert unknown.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        started = clerk_api.post(
            execute, {"witnesses": [auditor, person]}, content_type="application/json"
        )
    assert started.status_code == 202
    assert [w["user"] for w in started.json()["witnesses"]] == ["auditor", None]
    done = clerk_api.get(reverse("api:retention-destruction-detail", args=[request_id])).json()
    assert done["state"] == "completed" and done["certificate"].startswith("XHJL-")
    record.refresh_from_db()
    assert record.state == RecordState.DESTROYED
    certificates = clerk_api.get(reverse("api:retention-certificate-list")).json()
    assert certificates[0]["number"] == done["certificate"]
    assert certificates[0]["record"].startswith("QMS-ARCHIVE-XH-")
    pdf = clerk_api.get(reverse("api:retention-certificate-download", args=[certificates[0]["id"]]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_holds_seals_and_deletion_requests_through_the_api(users, customer, clerk):
    record = closed_complaint_record(customer, clerk, pdf=False)
    api = client_for(users[COMPLIANCE])
    hold = api.post(
        reverse("api:retention-hold-list"),
        {"reason": "诉讼保全", "references": [record.reference]},
        content_type="application/json",
    )
    assert hold.status_code == 201 and hold.json()["records"] == [record.reference]
    refused = client_for(clerk).post(
        reverse("api:retention-destruction-list"),
        {"references": [record.reference]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "held" in refused.content.decode()
    lifted = api.post(
        reverse("api:retention-hold-lift", args=[hold.json()["id"]]),
        {"reason": "结案"},
        content_type="application/json",
    )
    assert lifted.json()["active"] is False

    registered = api.post(
        reverse("api:retention-deletion-list"),
        {"customer": "KH-0101", "received_on": "2026-11-02", "requester": "张三"},
        content_type="application/json",
    )
    assert registered.status_code == 201
    deletion_id = registered.json()["id"]
    answered = api.post(reverse("api:retention-deletion-answer", args=[deletion_id])).json()
    assert answered["state"] == "answered" and answered["sealed"] is True
    assert answered["destruction"].startswith("XH-")
    letter = client_for(users[AUDITOR]).get(
        reverse("api:retention-deletion-letter", args=[deletion_id])
    )
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    # Sealed now: the clerk's API no longer shows the dossier's records.
    assert client_for(clerk).get(reverse("api:record-detail", args=[record.pk])).status_code == 404
    seals = client_for(users[AUDITOR]).get(reverse("api:retention-seal-list")).json()
    assert [s["customer"] for s in seals] == ["KH-0101"]
    unsealed = api.post(
        reverse("api:retention-seal-unseal", args=[seals[0]["id"]]),
        {"reason": "误封"},
        content_type="application/json",
    )
    assert unsealed.json()["active"] is False
    resealed = api.post(
        reverse("api:retention-seal-list"),
        {"customer": "KH-0101", "reason": "再次封存"},
        content_type="application/json",
    )
    assert resealed.status_code == 201
