"""Viewing a hand signature is an audited read naming the register entry, its loan, the
signer and the viewer (issue 14, Smaller)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit.models import AuditEvent
from records_dms.lending import events
from tests.conftest import client_for
from tests.factories import make_record
from tests.lending.helpers import loan_out


@pytest.fixture
def checkout(users: dict[str, Any], customer: Any, clerk: Any) -> Any:
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    return loan.entries.get(event="checked_out")


@pytest.mark.django_db
def test_viewing_a_signature_is_audited_with_entry_loan_and_viewer(
    users: dict[str, Any], checkout: Any
) -> None:
    auditor = users[roles.AUDITOR]
    sha256 = checkout.data["signatures"][0]["sha256"]
    response = client_for(auditor).get(
        reverse("lending:signature", args=[checkout.sequence, sha256])
    )
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    event = AuditEvent.objects.get(action=events.SIGNATURE_VIEWED)
    assert event.actor == auditor
    assert event.data["entry"] == checkout.sequence
    assert event.data["loan"] == checkout.loan.number
    assert event.data["signer"] == "staff" and event.data["sha256"] == sha256
    assert event.object_id == str(checkout.loan_id)


@pytest.mark.django_db
def test_a_signature_is_refused_to_staff_and_not_served_through_another_entry(
    users: dict[str, Any], checkout: Any
) -> None:
    sha256 = checkout.data["signatures"][0]["sha256"]
    url = reverse("lending:signature", args=[checkout.sequence, sha256])
    staff_response = client_for(users[roles.STAFF]).get(url)
    assert staff_response.status_code != 200
    request_entry = checkout.loan.entries.get(event="requested")
    other = reverse("lending:signature", args=[request_entry.sequence, sha256])
    assert client_for(users[roles.AUDITOR]).get(other).status_code == 404
    assert not AuditEvent.objects.filter(action=events.SIGNATURE_VIEWED).exists()
