"""Approve, seal and place a hold (records, volume, customer, query) ask first: the preview
lists exactly what the step then changes, sealed and held ones marked, and nothing happens on
GET, on the first POST, with a forged token or after what it covers changed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from retention.models import DestructionRequest, LegalHold, RequestState
from retention.services.destruction import destruction_request_propose
from retention.services.holds import hold_place, hold_records
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import CustomerFactory, make_record
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db


def previewed(response: Any) -> tuple[list[str], str, dict[str, list[str]]]:
    """The references a confirmation page lists, its token, and the marks per reference."""
    page = response.content.decode()
    rows = re.findall(r'<tr data-reference="([^"]+)">(.*?)</tr>', page, re.S)
    marks = {ref: re.findall(r'data-mark="(\w+)"', body) for ref, body in rows}
    token = re.search(r'name="confirm" value="([^"]+)"', page)
    count = re.search(r'data-confirm-count="(\d+)"', page)
    assert token and count and int(count.group(1)) == len(rows)
    return sorted(ref for ref, _ in rows), token.group(1), marks


@pytest.fixture
def compliance(users):
    return client_for(users[roles.COMPLIANCE])


def test_approve_previews_exactly_the_records_it_approves(users, customer, clerk, compliance):
    records = [closed_complaint_record(customer, clerk, pdf=False) for _ in range(2)]
    destruction = destruction_request_propose(records=records, actor=clerk)
    url = reverse("retention:request_approve", args=[destruction.pk])
    before = AuditEvent.objects.count()
    assert compliance.get(url).status_code == 405
    refs, token, _ = previewed(compliance.post(url))
    destruction.refresh_from_db()
    assert destruction.state == RequestState.SUBMITTED and AuditEvent.objects.count() == before
    compliance.post(url, {"confirm": token})
    destruction.refresh_from_db()
    assert destruction.state == RequestState.APPROVED
    approved = Record.objects.filter(destruction_items__request=destruction, state="approved")
    assert (
        refs
        == sorted(r.reference for r in records)
        == sorted(approved.values_list("reference", flat=True))
    )


def test_a_forged_or_foreign_token_changes_nothing(users, customer, clerk, compliance):
    one = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    two = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    _, token_one, _ = previewed(
        compliance.post(reverse("retention:request_approve", args=[one.pk]))
    )
    url_two = reverse("retention:request_approve", args=[two.pk])
    for token in (token_one, "forged", token_one[:-2] + "xx"):
        response = compliance.post(url_two, {"confirm": token})
        assert response.status_code == 200  # the preview again
    assert DestructionRequest.objects.get(pk=two.pk).state == RequestState.SUBMITTED


def test_seal_previews_the_dossier_and_marks_held_records(users, customer, clerk, compliance):
    held = make_record(customer, title="保全中")
    free = make_record(customer, title="普通")
    make_record(CustomerFactory.create(code="KH-0999"), title="别家")
    hold_place(actor=users[roles.COMPLIANCE], reason="诉讼", records=[held])
    data = {"customer": customer.pk, "reason": "关系终止"}
    refs, token, marks = previewed(compliance.post(reverse("retention:seals"), data))
    customer.refresh_from_db()
    assert not customer.sealed
    assert refs == sorted([held.reference, free.reference])
    assert marks == {held.reference: ["held"], free.reference: []}
    compliance.post(reverse("retention:seals"), {**data, "confirm": token})
    customer.refresh_from_db()
    assert customer.sealed


def test_a_preview_gone_stale_is_shown_again(users, customer, clerk, compliance):
    make_record(customer, title="一")
    data = {"customer": customer.pk, "reason": "关系终止"}
    _, token, _ = previewed(compliance.post(reverse("retention:seals"), data))
    newcomer = make_record(customer, title="后来归档")
    again = compliance.post(reverse("retention:seals"), {**data, "confirm": token})
    refs, _, _ = previewed(again)
    assert newcomer.reference in refs and "changed since the preview" in again.content.decode()
    customer.refresh_from_db()
    assert not customer.sealed


@pytest.mark.parametrize("scope", ["references", "customer", "query", "volume"])
def test_hold_previews_exactly_what_it_then_covers(scope, users, customer, clerk, compliance):
    other = CustomerFactory.create(code="KH-0202", name="另一家")
    inside = [make_record(customer, title="质量投诉 甲"), make_record(customer, title="合同 乙")]
    make_record(other, title="质量投诉 丙")
    sealed = CustomerFactory.create(code="KH-0303", name="已封存")
    sealed_record = make_record(sealed, title="质量投诉 丁")
    dossier_seal(customer=sealed, reason="终止", actor=users[roles.COMPLIANCE])
    data: dict[str, Any] = {"reason": "诉讼保全"}
    if scope == "references":
        data["references"] = inside[0].reference
    elif scope == "customer":
        data["customer"] = customer.pk
    elif scope == "query":
        data["query"] = "质量投诉"
    else:
        from records_dms.archive.services import volume_create

        volume = volume_create(customer=customer, title="卷一", actor=clerk)
        Record.objects.filter(pk__in=[r.pk for r in inside]).update(volume=volume)
        data["volume"] = volume.pk
    url = reverse("retention:hold_new")
    refs, token, marks = previewed(compliance.post(url, data))
    assert not LegalHold.objects.exists()
    compliance.post(url, {**data, "confirm": token})
    hold = LegalHold.objects.get()
    assert refs == sorted(hold_records(hold).values_list("reference", flat=True))
    if scope == "query":
        assert sealed_record.reference in refs and marks[sealed_record.reference] == ["sealed"]


def test_a_hold_that_covers_nothing_named_is_refused_before_any_preview(compliance):
    response = compliance.post(reverse("retention:hold_new"), {"reason": "诉讼保全"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="confirm"' not in page and "Say what the hold covers" in page
    assert not LegalHold.objects.exists()


def test_refused_roles_get_no_preview(users, customer, clerk):
    destruction = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    for role in (roles.CLERK, roles.AUDITOR, roles.STAFF):
        client = client_for(users[role])
        for url, data in (
            (reverse("retention:request_approve", args=[destruction.pk]), {}),
            (reverse("retention:hold_new"), {"reason": "x", "customer": customer.pk}),
            (reverse("retention:seals"), {"reason": "x", "customer": customer.pk}),
        ):
            response = client.post(url, data)
            assert 'name="confirm"' not in response.content.decode(), (role, url)
            assert response.status_code in (302, 403), (role, url, response.status_code)
