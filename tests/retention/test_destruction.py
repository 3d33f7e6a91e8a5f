"""The destruction workflow: propose, two-person approval, execution, tombstones, certificate."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.test import TestCase

from records_dms.accounts import roles
from records_dms.archive.blockers import _blockers, destruction_blocker_register
from records_dms.archive.indexing import record_docs, records_reindex
from records_dms.archive.models import Page, Record, RecordState
from records_dms.archive.searching import record_search
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from records_dms.fixity.verify import verify_all
from retention import events
from retention.certificates import certificate_verify
from retention.models import DestructionApproval, ItemState, RequestState
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
    destruction_request_reject,
)
from retention.services.holds import query_records
from search import get_backend
from tests.factories import UserFactory, make_pdf, make_record
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


def with_rendition(record: Record) -> Record:
    key = default_storage.save(f"renditions/{record.sha256}.pdf", ContentFile(make_pdf()))
    Record.objects.filter(pk=record.pk).update(rendition_key=key)
    record.refresh_from_db()
    return record


def test_only_due_records_are_proposed(customer, clerk):
    due = closed_complaint_record(customer, clerk)
    recent = closed_complaint_record(
        customer, clerk, closed_on=datetime.date.today(), lines=["近期投诉"]
    )
    with pytest.raises(ValidationError, match="not due until"):
        destruction_request_propose(records=[due, recent], actor=clerk)
    request = destruction_request_propose(records=[due], actor=clerk, reason="到期")
    assert request.state == RequestState.SUBMITTED and request.number.startswith("XH-")
    # A record already on an open request cannot be put on a second one.
    with pytest.raises(ValidationError, match="already on request"):
        destruction_request_propose(records=[due], actor=clerk)


def test_the_proposer_cannot_approve_in_the_service_or_the_database(users, customer, clerk):
    # A user with both roles, to show the rule is about the person, not the role.
    both = UserFactory.create(username="both", role=roles.CLERK)
    both.groups.add(*users[roles.COMPLIANCE].groups.all())
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=both)
    with pytest.raises(PermissionDenied, match="proposer"):
        destruction_request_approve(request=request, actor=both)
    with pytest.raises(IntegrityError), transaction.atomic():
        DestructionApproval.objects.create(request=request, proposer=both, approver=both)
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    # A clerk is no approver at all.
    with pytest.raises(PermissionDenied):
        destruction_request_approve(request=request, actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_a_second_approver_can_be_required(users, customer, clerk, settings):
    settings.RETENTION = replace(settings.RETENTION, destruction_approvers=2)
    second = UserFactory.create(username="compliance2", role=roles.COMPLIANCE)
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    with pytest.raises(ValidationError):
        destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    destruction_request_approve(request=request, actor=second)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_a_rejected_list_touches_nothing(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    with pytest.raises(ValidationError):
        destruction_request_reject(request=request, actor=users[roles.COMPLIANCE], reason="")
    destruction_request_reject(request=request, actor=users[roles.COMPLIANCE], reason="仍需保留")
    with pytest.raises(ValidationError):
        destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    record.refresh_from_db()
    assert record.state == RecordState.FILED and record.pages.exists()
    assert default_storage.exists(record.original_key)


def test_other_blockers_are_asked_at_every_step(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)

    def on_loan(records):
        return {r.pk: "on loan" for r in records if r.pk == record.pk}

    destruction_blocker_register(on_loan)
    try:
        with pytest.raises(ValidationError, match="on loan"):
            destruction_request_propose(records=[record], actor=clerk)
    finally:
        _blockers.remove(on_loan)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_blocker_register(on_loan)
    try:
        with pytest.raises(ValidationError, match="on loan"):
            destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    finally:
        _blockers.remove(on_loan)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    destruction_blocker_register(on_loan)
    try:
        destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    finally:
        _blockers.remove(on_loan)
    item = request.items.get()
    assert item.state == ItemState.SKIPPED and item.skip_reason == "on loan"
    record.refresh_from_db()
    assert record.state == RecordState.FILED and default_storage.exists(record.original_key)


def test_execution_purges_everything_and_leaves_tombstones_and_a_certificate(
    users, customer, clerk
):
    doomed = with_rendition(closed_complaint_record(customer, clerk))
    kept = closed_complaint_record(customer, clerk, lines=["这份投诉不在销毁清单上。"])
    original_key, rendition_key, sha256 = doomed.original_key, doomed.rendition_key, doomed.sha256
    assert Page.objects.filter(record=doomed).exists()
    # Filing indexes at commit, which a test's rolled-back transaction never reaches.
    records_reindex([doomed, kept])
    auditor = users[roles.AUDITOR]
    hits = record_search(user=auditor, text="重大投诉应单独立卷").results.hits
    assert [h.reference for h in hits] == [doomed.reference]

    request = destruction_request_propose(records=[doomed], actor=clerk, reason="保管期满")
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    with TestCase.captureOnCommitCallbacks(execute=True):  # the commit indexes the certificate
        request = destruction_request_execute(
            witnesses=two_witnesses(), request=request, actor=clerk
        )

    assert request.state == RequestState.COMPLETED
    assert not default_storage.exists(original_key)
    assert not default_storage.exists(rendition_key)
    assert not Page.objects.filter(record=doomed).exists()
    tombstone = Record.objects.get(pk=doomed.pk)
    assert tombstone.state == RecordState.DESTROYED
    assert (tombstone.reference, tombstone.type, tombstone.sha256) == (
        doomed.reference,
        "complaint",
        sha256,
    )
    assert tombstone.document_date == doomed.document_date
    assert tombstone.original_key == "" and tombstone.rendition_key == ""
    # What was not on the list is untouched.
    kept.refresh_from_db()
    assert kept.state == RecordState.FILED and default_storage.exists(kept.original_key)
    assert kept.pages.exists()

    # Search finds the kept record's text and no longer the destroyed one's.
    assert [h.reference for h in record_search(user=auditor, text="不在销毁清单").results.hits] == [
        kept.reference
    ]
    assert record_search(user=auditor, text="重大投诉应单独立卷").results.hits == []
    assert query_records("单独立卷").count() == 0

    certificate = request.certificate
    assert certificate_verify(certificate) == []
    with default_storage.open(certificate.pdf_key, "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == certificate.sha256
    assert b"/ByteRange" in pdf and b"/ETSI.CAdES.detached" in pdf
    destroyed = AuditEvent.objects.get(action=events.RECORD_DESTROYED)
    assert destroyed.data["sha256"] == sha256 and destroyed.actor_name == "clerk"
    assert audit_chain_verify() == []
    findings, counts = verify_all()
    assert findings == [] and counts["certificates"] == 1


def test_a_one_byte_change_to_a_certificate_fails_verification(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    certificate = request.certificate
    path = default_storage.path(certificate.pdf_key)
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 2] ^= 0x01
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    problems = [p.problem for p in certificate_verify(certificate)]
    assert "the PDF does not match its SHA-256" in problems
    assert any("signature" in p or "changed" in p for p in problems)
    findings, _counts = verify_all()
    checks = [f.check for f in findings]
    # The certificate is also the original of its filed record: the fixity check flags it too.
    assert checks.count("certificates") == len(problems)
    filed = certificate.record
    assert filed is not None
    assert [f.subject for f in findings if f.check == "originals"] == [filed.reference]


def test_verify_notices_a_listed_record_that_is_still_stored(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    item = request.items.get()
    default_storage.save(item.original_key, ContentFile(b"restored from a backup"))
    problems = [p.problem for p in certificate_verify(request.certificate)]
    assert problems == [f"{item.reference}: a stored file is still there ({item.original_key})"]


def test_paper_originals_are_witnessed_like_every_list(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    Record.objects.filter(pk=record.pk).update(physical_location="库房1/柜3/架2/盒5")
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    with pytest.raises(ValidationError, match="witness"):
        destruction_request_execute(request=request, actor=clerk)
    request = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    assert request.state == RequestState.COMPLETED
    assert request.witness == "李明、赵六" and request.paper_method == "shredding"
    assert request.items.get().paper


def test_unapproved_lists_cannot_be_executed(customer, clerk):
    record = make_record(customer)
    with pytest.raises(ValidationError):
        destruction_request_propose(records=[record], actor=clerk)
    due = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[due], actor=clerk)
    with pytest.raises(ValidationError, match="Submitted"):
        destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    due.refresh_from_db()
    assert due.state == RecordState.FILED


def test_verify_notices_a_destroyed_record_back_in_the_index(users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    assert record.pk not in get_backend().indexed_records()
    # As if a stale backup of the index were restored.
    get_backend().index(record_docs(record))
    problems = [p.problem for p in certificate_verify(request.certificate)]
    assert problems == [f"{record.reference}: still in the search index"]
