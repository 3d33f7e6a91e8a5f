"""A record on loan cannot be destroyed (retention asks lending's blocker); a held one is lent."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from records_dms.accounts import roles
from records_dms.lending.services import loan_return
from retention.services.destruction import destruction_request_propose
from tests.lending.helpers import loan_out, signature_png
from tests.retention.helpers import closed_complaint_record


@pytest.mark.django_db
def test_a_due_record_on_loan_is_refused_for_destruction_until_returned(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    loan = loan_out(record, borrower=users[roles.AUDITOR], approver=clerk, clerk=clerk)
    with pytest.raises(ValidationError, match=f"on loan \\({loan.number}\\)"):
        destruction_request_propose(records=[record], actor=clerk)
    loan_return(loan=loan, actor=clerk, signature=signature_png())
    request = destruction_request_propose(records=[record], actor=clerk)
    assert request.items.get().record == record


@pytest.mark.django_db
def test_a_held_record_may_be_lent_for_reading(users, customer, clerk):
    from retention.services.holds import hold_place

    record = closed_complaint_record(customer, clerk)
    hold_place(records=[record], reason="诉讼保全", actor=users[roles.COMPLIANCE])
    loan = loan_out(record, borrower=users[roles.AUDITOR], approver=clerk, clerk=clerk)
    assert loan.state == "checked_out"
