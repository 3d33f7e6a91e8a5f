"""Sealing (封存): a sealed dossier is gone from search, lists, the API and loans for everyone
but compliance officers and auditors; its records stay under their schedules and are destroyed
when due."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import RecordState
from records_dms.archive.searching import record_search
from records_dms.audit.models import AuditEvent
from records_dms.lending.services import loan_request
from retention.models import DossierSeal, RequestState
from retention.services.destruction import destruction_request_approve, destruction_request_execute
from retention.services.sealing import dossier_seal, dossier_unseal, sealed_due_propose
from tests.conftest import client_for
from tests.factories import CustomerFactory, UserFactory, file_pdf
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db
CLERK, AUDITOR, COMPLIANCE, STAFF = roles.CLERK, roles.AUDITOR, roles.COMPLIANCE, roles.STAFF
WORD = "封存测试"


@pytest.fixture
def sealed(
    users: dict[str, Any], customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any
):
    """A granted customer with a due record and a fresh one, sealed; a bystander stays open."""
    grant_create(user=users[STAFF], customer=customer, actor=clerk)
    other = CustomerFactory.create(code="KH-0102", name="华南贸易")
    grant_create(user=users[STAFF], customer=other, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        due = closed_complaint_record(customer, clerk, lines=[f"{WORD}:到期投诉记录。"])
        fresh = file_pdf(customer, actor=clerk, lines=[f"{WORD}:新近投诉记录。"], type="minutes")
        open_one = file_pdf(other, actor=clerk, lines=[f"{WORD}:另一客户的记录。"])
    seal = dossier_seal(customer=customer, reason="客户要求删除资料", actor=users[COMPLIANCE])
    return {"due": due, "fresh": fresh, "open": open_one, "seal": seal, "other": other}


def _refs(user: Any) -> set[str]:
    return {hit.reference for hit in record_search(user=user, text=WORD).results.hits}


def test_only_compliance_seals_with_a_reason_and_it_is_audited(users, customer):
    with pytest.raises(PermissionDenied):
        dossier_seal(customer=customer, reason="x", actor=users[CLERK])
    with pytest.raises(ValidationError):
        dossier_seal(customer=customer, reason=" ", actor=users[COMPLIANCE])
    customer.refresh_from_db()
    assert not customer.sealed
    seal = dossier_seal(customer=customer, reason="关系终止", actor=users[COMPLIANCE])
    customer.refresh_from_db()
    assert customer.sealed and seal.active
    with pytest.raises(ValidationError, match="already sealed"):
        dossier_seal(customer=customer, reason="again", actor=users[COMPLIANCE])
    event = AuditEvent.objects.get(action="dossier.sealed")
    assert event.data["reason"] == "关系终止" and event.customer_code == "KH-0101"
    dossier_unseal(customer=customer, reason="误封", actor=users[COMPLIANCE])
    customer.refresh_from_db()
    seal.refresh_from_db()
    assert not customer.sealed and not seal.active and seal.unseal_reason == "误封"
    assert AuditEvent.objects.filter(action="dossier.unsealed").exists()


def test_search_hits_counts_and_facets_hide_a_sealed_dossier(users, sealed):
    for role in (STAFF, CLERK):
        page = record_search(user=users[role], text=WORD)
        assert {hit.reference for hit in page.results.hits} == {sealed["open"].reference}, role
        assert page.results.total == 1
        assert set(page.results.facets.get("customer", {})) == {"KH-0102"}
    for role in (AUDITOR, COMPLIANCE):
        assert _refs(users[role]) >= {sealed["due"].reference, sealed["fresh"].reference}


def test_lists_detail_and_api_hide_a_sealed_dossier(users, sealed, customer):
    record = sealed["fresh"]
    for role in (STAFF, CLERK):
        client = client_for(users[role])
        assert client.get(reverse("archive:record", args=[record.pk])).status_code == 404, role
        assert client.get(reverse("archive:dossier", args=[customer.pk])).status_code in (302, 404)
        listing = client.get(reverse("customers:index")).content.decode()
        assert "KH-0101" not in listing and "KH-0102" in listing
        api = client.get(reverse("api:record-list")).json()
        rows = api["results"] if isinstance(api, dict) else api
        assert record.reference not in {r["reference"] for r in rows}
        assert client.get(reverse("api:record-detail", args=[record.pk])).status_code == 404
        assert client.get(reverse("api:customer-detail", args=["KH-0101"])).status_code == 404
    for role in (AUDITOR, COMPLIANCE):
        client = client_for(users[role])
        assert client.get(reverse("archive:record", args=[record.pk])).status_code == 200, role
        assert client.get(reverse("api:record-detail", args=[record.pk])).status_code == 200
        assert "KH-0101" in client.get(reverse("customers:index")).content.decode()


def test_a_sealed_record_cannot_be_requested_on_loan(users, sealed):
    with pytest.raises(ValidationError):
        loan_request(actor=users[STAFF], items=[(sealed["fresh"], "paper")], purpose="审核")
    response = client_for(users[STAFF]).post(
        reverse("api:loan-list"),
        {"references": [sealed["fresh"].reference], "purpose": "审核"},
        content_type="application/json",
    )
    assert response.status_code == 400
    # The open dossier still lends.
    assert loan_request(actor=users[STAFF], items=[(sealed["open"], "paper")], purpose="审核")


def test_the_seal_screen_seals_and_unseals(users, customer, clerk):
    compliance = client_for(users[COMPLIANCE])
    response = compliance.post(reverse("retention:seals"), {"customer": customer.pk, "reason": ""})
    assert response.status_code == 200  # the reason is required
    compliance.post(reverse("retention:seals"), {"customer": customer.pk, "reason": "关系终止"})
    customer.refresh_from_db()
    assert customer.sealed
    page = client_for(users[AUDITOR]).get(reverse("retention:seals")).content.decode()
    assert "关系终止" in page and "KH-0101" in page
    assert "seal-form" not in page  # auditors see, they do not seal
    compliance.post(reverse("retention:unseal", args=[customer.pk]), {"reason": "恢复合作"})
    customer.refresh_from_db()
    assert not customer.sealed
    assert DossierSeal.objects.get().unseal_reason == "恢复合作"


def test_sealed_records_stay_under_their_schedules_and_are_destroyed_when_due(users, sealed):
    first = users[COMPLIANCE]
    second = UserFactory.create(username="compliance2", role=COMPLIANCE)
    request = sealed_due_propose(customer=sealed["due"].customer, actor=first)
    assert [item.record_id for item in request.items.all()] == [sealed["due"].pk]
    with pytest.raises(PermissionDenied):  # the proposer may not approve
        destruction_request_approve(request=request, actor=first)
    destruction_request_approve(request=request, actor=second)
    done = destruction_request_execute(
        witnesses=two_witnesses(), request=request, actor=users[CLERK]
    )
    assert done.state == RequestState.COMPLETED
    sealed["due"].refresh_from_db()
    sealed["fresh"].refresh_from_db()
    assert sealed["due"].state == RecordState.DESTROYED
    assert sealed["fresh"].state != RecordState.DESTROYED
    assert sealed["due"].reference not in _refs(users[AUDITOR])


def test_only_compliance_proposes_a_sealed_dossier_and_only_when_sealed(users, customer, clerk):
    closed_complaint_record(customer, clerk, pdf=False)
    with pytest.raises(ValidationError, match="not sealed"):
        sealed_due_propose(customer=customer, actor=users[COMPLIANCE])
    dossier_seal(customer=customer, reason="x", actor=users[COMPLIANCE])
    with pytest.raises(PermissionDenied):
        sealed_due_propose(customer=customer, actor=users[CLERK])
