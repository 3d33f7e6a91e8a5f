"""/api/v1/loans/: request, approve, check out and return over the REST API."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.lending.models import RegisterEntry
from records_dms.lending.register import register_verify
from tests.conftest import client_for
from tests.factories import make_record
from tests.lending.helpers import blank_png, signature_png


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode()


@pytest.mark.django_db
def test_a_loan_through_the_api(users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    record = make_record(customer, title="投诉卷")
    as_staff, as_clerk = client_for(staff), client_for(clerk)
    created = as_staff.post(
        reverse("api:loan-list"),
        {"references": [record.reference], "kind": "paper", "purpose": "内审"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    loan = created.json()
    assert loan["state"] == "requested" and loan["borrower"] == "staff"
    approve = reverse("api:loan-approve", args=[loan["id"]])
    assert as_staff.post(approve, {}, content_type="application/json").status_code == 403
    assert as_clerk.post(approve, {}, content_type="application/json").json()["state"] == "approved"
    checkout = reverse("api:loan-checkout", args=[loan["id"]])
    refused = as_clerk.post(
        checkout, {"signature": _b64(blank_png())}, content_type="application/json"
    )
    assert refused.status_code == 400 and "empty" in str(refused.json())
    out = as_clerk.post(
        checkout, {"signature": _b64(signature_png())}, content_type="application/json"
    )
    assert out.json()["state"] == "checked_out"
    assert out.json()["entry"]["signatures"][0]["signer"] == "staff"
    back = as_clerk.post(
        reverse("api:loan-return", args=[loan["id"]]),
        {"signature": _b64(signature_png(1)), "conditions": {record.reference: "pages_missing"}},
        content_type="application/json",
    )
    assert back.json()["state"] == "returned"
    assert back.json()["items"][0]["condition"] == "pages_missing"
    listed = client_for(users[roles.AUDITOR]).get(reverse("api:loan-list")).json()
    assert [row["number"] for row in listed["results"]] == [loan["number"]]
    assert client_for(users[roles.ADMINISTRATOR]).get(reverse("api:loan-list")).json()["count"] == 0
    assert RegisterEntry.objects.count() == 4 and register_verify() == []


@pytest.mark.django_db
def test_those_who_may_not_borrow_are_refused(users, customer, clerk):
    record = make_record(customer)
    for role in (roles.ADMINISTRATOR,):
        response = client_for(users[role]).post(
            reverse("api:loan-list"),
            {"references": [record.reference], "purpose": "x"},
            content_type="application/json",
        )
        assert response.status_code == 403
    # Staff without a grant do not see the record at all.
    response = client_for(users[roles.STAFF]).post(
        reverse("api:loan-list"),
        {"references": [record.reference], "purpose": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and not RegisterEntry.objects.exists()
