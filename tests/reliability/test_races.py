"""Races decided exactly once, with parallel processes on the real database (SQLite here,
PostgreSQL in `make test-postgres`). Reference numbers and checkouts of one paper original
have their own tests (tests/archive/test_concurrent_references.py,
tests/lending/test_concurrent_checkout.py)."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection

from ingestion.models import IngestionJob
from records_dms.accounts import roles
from records_dms.archive.models import Record, RecordState
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from retention import events
from retention.models import DestructionApproval, RequestState
from retention.services.destruction import destruction_request_propose
from tests.concurrency import database_url_of
from tests.factories import UserFactory, make_pdf
from tests.reliability.workers import approve_at, file_at
from tests.retention.helpers import closed_complaint_record

PROCESSES = 4
SETUP_SECONDS = 15  # every process has set Django up before the start signal (loaded CI)


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn"))


@pytest.mark.django_db(transaction=True)
def test_one_request_approved_twice_at_once_is_approved_once(users, customer, clerk, settings):
    records = [closed_complaint_record(customer, clerk, pdf=False) for _ in range(2)]
    request = destruction_request_propose(records=records, actor=clerk)
    second = UserFactory.create(username="compliance2", role=roles.COMPLIANCE)
    # Two officers, each pressing "approve" twice (a double click), all at the same moment.
    approvers = [users[roles.COMPLIANCE].username, second.username] * 2
    url = database_url_of(connection.settings_dict)
    with _pool() as pool:
        start_at = time.time() + SETUP_SECONDS
        futures = [
            pool.submit(approve_at, url, str(settings.DATA_DIR), request.pk, name, start_at)
            for name in approvers
        ]
        outcomes = [future.result(timeout=180) for future in futures]
    assert outcomes.count("approved") == 1, outcomes
    assert all(o.startswith("refused:") for o in outcomes if o != "approved"), outcomes
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert DestructionApproval.objects.filter(request=request).count() == 1
    assert AuditEvent.objects.filter(action=events.DESTRUCTION_APPROVED).count() == 1
    assert {r.state for r in Record.objects.filter(pk__in=[r.pk for r in records])} == {
        RecordState.APPROVED
    }
    assert audit_chain_verify() == []


@pytest.mark.django_db(transaction=True)
def test_one_file_filed_twice_at_once_gives_one_record(customer, clerk, settings):
    data = make_pdf(["同一份会议纪要同时上传了四次。"])
    url = database_url_of(connection.settings_dict)
    with _pool() as pool:
        start_at = time.time() + SETUP_SECONDS
        futures = [
            pool.submit(
                file_at, url, str(settings.DATA_DIR), customer.code, data, f"纪要{i}.pdf", start_at
            )
            for i in range(PROCESSES)
        ]
        outcomes = [future.result(timeout=180) for future in futures]
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == ["duplicate"] * (PROCESSES - 1) + ["filed"], outcomes
    assert len({reference for _, reference in outcomes}) == 1, outcomes
    record = Record.objects.get()
    assert record.reference == outcomes[0][1]
    assert IngestionJob.objects.filter(record=record).count() == PROCESSES
    originals = [p for p in (settings.MEDIA_ROOT / "originals").rglob("*") if p.is_file()]
    assert len(originals) == 1 and originals[0].read_bytes() == data
    assert not list((settings.DATA_DIR / "spool").iterdir())
    assert audit_chain_verify() == []
