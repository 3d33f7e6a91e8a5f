"""The approval queue shows an approver only the records it may see now: a request whose
record was raised above the approver's clearance, or whose dossier was sealed, after it was
made keeps its number, borrower and decision buttons, never the record's reference, title or
the purpose (issue 14, Leaks: the list left untrimmed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.services import record_update
from records_dms.lending.services import loan_request
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import UserFactory, make_record

TITLE = "年度供货框架合同"
PURPOSE = "核对付款条款"


@pytest.fixture
def low_clerk(db: None) -> Any:
    return UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")


def _queue(user: Any) -> str:
    return client_for(user).get(reverse("lending:queue")).content.decode()


@pytest.mark.django_db
def test_the_queue_hides_a_record_raised_above_the_approvers_clearance(
    users: dict[str, Any], customer: Any, clerk: Any, low_clerk: Any
) -> None:
    record = make_record(customer, title=TITLE, actor=clerk)
    loan = loan_request(actor=users[roles.AUDITOR], items=[(record, "paper")], purpose=PURPOSE)
    before = _queue(low_clerk)
    assert record.reference in before and TITLE in before and PURPOSE in before
    record_update(record=record, actor=clerk, reason="重新定密", confidentiality="secret")
    after = _queue(low_clerk)
    assert loan.number in after  # still waiting, still decidable
    for leak in (record.reference, TITLE, PURPOSE):
        assert leak not in after, leak
    assert "1 record you cannot see" in after


@pytest.mark.django_db
def test_the_queue_hides_a_record_whose_dossier_was_sealed(
    users: dict[str, Any], customer: Any, clerk: Any
) -> None:
    record = make_record(customer, title=TITLE, actor=clerk)
    loan = loan_request(actor=users[roles.AUDITOR], items=[(record, "paper")], purpose=PURPOSE)
    dossier_seal(customer=customer, reason="诉讼保全", actor=users[roles.COMPLIANCE])
    html = _queue(clerk)
    assert loan.number in html
    assert record.reference not in html and TITLE not in html and PURPOSE not in html
    assert "1 record you cannot see" in html
