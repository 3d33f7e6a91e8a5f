"""An electronic loan copy is re-checked on every request against what the borrower may see
now, and always comes as an attachment (issue 14, Leaks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.services import record_update
from records_dms.audit.models import AuditEvent
from records_dms.lending.models import LoanItem
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import file_pdf
from tests.lending.helpers import loan_out


@pytest.fixture
def lent(users: dict[str, Any], customer: Any, clerk: Any) -> tuple[Any, LoanItem]:
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    record = file_pdf(customer, actor=clerk)
    loan = loan_out(record, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    return staff, LoanItem.objects.get(loan=loan)


@pytest.mark.django_db
def test_a_loan_copy_is_an_unsniffed_attachment(lent: tuple[Any, LoanItem]) -> None:
    staff, item = lent
    response = client_for(staff).get(reverse("lending:copy", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        f'filename="{item.record.reference}-{item.loan.number}.pdf"'
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_loan_copy_closes_when_the_record_is_raised_above_the_borrowers_clearance(
    lent: tuple[Any, LoanItem], clerk: Any
) -> None:
    staff, item = lent
    client = client_for(staff)
    assert client.get(reverse("lending:copy", args=[item.pk])).status_code == 200
    record_update(record=item.record, actor=clerk, reason="重新定密", confidentiality="secret")
    assert client.get(reverse("lending:copy", args=[item.pk])).status_code == 404
    # Nor is it offered on the borrower's screens any more.
    assert (
        reverse("lending:copy", args=[item.pk])
        not in client.get(reverse("lending:mine")).content.decode()
    )
    assert AuditEvent.objects.filter(action="loan.copy_downloaded").count() == 1


@pytest.mark.django_db
def test_a_loan_copy_closes_when_the_dossier_is_sealed(
    lent: tuple[Any, LoanItem], users: dict[str, Any], customer: Any
) -> None:
    staff, item = lent
    client = client_for(staff)
    assert client.get(reverse("lending:copy", args=[item.pk])).status_code == 200
    dossier_seal(customer=customer, reason="诉讼保全", actor=users[roles.COMPLIANCE])
    assert client.get(reverse("lending:copy", args=[item.pk])).status_code == 404
