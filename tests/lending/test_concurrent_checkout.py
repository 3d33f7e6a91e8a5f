"""A paper original is never out twice, even when several processes check it out at once."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection

from records_dms.lending.models import Loan, LoanItem, LoanState, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.services import loan_approve, loan_request
from tests.concurrency import database_url_of
from tests.factories import UserFactory, make_record
from tests.lending.workers import check_out_at

PROCESSES = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_paper_original_exactly_one_wins(tmp_path, users, customer):
    record = make_record(customer, title="重大投诉原件")
    borrowers = [
        UserFactory.create(username=f"borrower{i}", role="Records clerk", clearance="secret")
        for i in range(PROCESSES)
    ]
    approver = users["Compliance officer"]
    loans = []
    for borrower in borrowers:
        loan = loan_request(actor=borrower, items=[(record, "paper")], purpose="并发借出")
        loans.append(loan_approve(loan=loan, actor=approver))
    url = database_url_of(connection.settings_dict)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        start_at = time.time() + 8  # after every process has set Django up
        futures = [
            pool.submit(check_out_at, url, str(tmp_path), loan.pk, start_at) for loan in loans
        ]
        outcomes = [future.result(timeout=180) for future in futures]
    assert outcomes.count("checked out") == 1, outcomes
    # Refused in the archive's language (the processes run with the default, zh-hans).
    refusals = [o for o in outcomes if o != "checked out"]
    assert all(o.startswith("refused:") and record.reference in o for o in refusals), outcomes
    assert LoanItem.objects.filter(record=record, out=True).count() == 1
    states = [Loan.objects.get(pk=loan.pk).state for loan in loans]
    assert states.count(LoanState.CHECKED_OUT) == 1
    assert states.count(LoanState.APPROVED) == PROCESSES - 1
    assert RegisterEntry.objects.filter(event="checked_out").count() == 1
    assert register_verify() == []
