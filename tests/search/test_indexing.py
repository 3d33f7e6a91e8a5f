"""Indexing from one place: every change reaches the index once, after its commit, by event.

These tests commit for real (``transaction=True``): what is under test is what happens when a
transaction commits or rolls back, which a test wrapped in one rolled-back transaction never
sees.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from ingestion.models import JobStatus
from ingestion.services import ingest_submit
from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.services import grant_create
from records_dms.archive.events import record_changed
from records_dms.archive.indexing import index_recover
from records_dms.archive.models import IndexChange, Record, RecordState
from records_dms.archive.searching import record_search, search_scope
from records_dms.archive.services import record_update
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.sealing import dossier_seal
from search import PageDoc, SearchQuery, get_backend
from tests.factories import make_pdf
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Calls:
    """Every call the search backend got to change the index."""

    index: list[list[PageDoc]] = field(default_factory=list)
    remove: list[set[int]] = field(default_factory=list)

    def reset(self) -> None:
        self.index.clear()
        self.remove.clear()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    """The real SQLite backend, with its index and remove methods counted."""
    backend = get_backend()
    seen = Calls()
    real_index, real_remove = backend.index, backend.remove

    def index(docs: Any) -> None:
        seen.index.append(list(docs))
        real_index(docs)

    def remove(record_ids: Any) -> None:
        seen.remove.append(set(record_ids))
        real_remove(record_ids)

    monkeypatch.setattr(backend, "index", index)
    monkeypatch.setattr(backend, "remove", remove)
    yield seen


def upload(customer: Any, clerk: Any, lines: list[str], **fields: Any) -> Record:
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(make_pdf(lines)),
        filename="投诉登记.pdf",
        actor=clerk,
        record_type="complaint",
        wait=True,
        **fields,
    )
    assert job.status == JobStatus.FILED, job.reason
    assert job.record is not None
    return job.record


@pytest.fixture
def staff(users: dict[str, Any], customer: Any) -> Any:
    """Staff (internal clearance) granted the customer."""
    user = users[roles.STAFF]
    grant_create(user=user, customer=customer, actor=users[roles.ADMINISTRATOR])
    return type(user).objects.get(pk=user.pk)  # fresh policy facts


def indexed(record: Record, *, user: Any, text: str) -> bool:
    """Whether the index itself (no re-check against the database) shows the record to the
    user for ``text``: the backend asked with the user's scope."""
    results = get_backend().search(SearchQuery(text=text, limit=100), search_scope(user))
    return any(hit.record_id == record.pk for hit in results.hits)


def test_one_upload_indexes_its_record_once(customer: Any, clerk: Any, calls: Calls) -> None:
    record = upload(customer, clerk, ["一次上传只建一次索引。", "第二行文字。"])
    # One call, made after the filing committed, with the record's final pages and state.
    assert len(calls.index) == 1, [[d.page for d in docs] for docs in calls.index]
    assert calls.remove == []
    (docs,) = calls.index
    assert {doc.record_id for doc in docs} == {record.pk}
    assert docs[0].state == RecordState.FILED
    assert "一次上传只建一次索引" in "".join(doc.text for doc in docs)
    assert not IndexChange.objects.filter(done=False).exists()
    hits = record_search(user=clerk, text="上传").results.hits
    assert [hit.reference for hit in hits] == [record.reference]


def test_a_metadata_edit_reaches_the_index_once(
    customer: Any, clerk: Any, users: dict[str, Any], calls: Calls
) -> None:
    record = upload(customer, clerk, ["标题修改之后应当能够找到。"])
    calls.reset()
    record_update(record=record, actor=clerk, title="供应商审核报告", reason="标题写错")
    assert len(calls.index) == 1
    assert indexed(record, user=clerk, text="供应商")


def test_reclassification_reaches_the_index(
    customer: Any, clerk: Any, users: dict[str, Any], staff: Any, calls: Calls
) -> None:
    record = upload(customer, clerk, ["密级调整之后员工不应再看到。"])
    assert indexed(record, user=staff, text="密级")
    record_update(
        record=record, actor=clerk, confidentiality=Confidentiality.SECRET, reason="含报价"
    )
    assert not indexed(record, user=staff, text="密级")
    assert indexed(record, user=users[roles.AUDITOR], text="密级")


def test_two_changes_in_one_transaction_are_indexed_once(
    customer: Any, clerk: Any, calls: Calls
) -> None:
    record = upload(customer, clerk, ["同一事务中的两次修改。"])
    calls.reset()
    with transaction.atomic():
        record_update(record=record, actor=clerk, title="第一次修改")
        record_update(record=record, actor=clerk, confidentiality=Confidentiality.CONFIDENTIAL)
    assert len(calls.index) == 1
    (docs,) = calls.index
    assert docs[0].title == "第一次修改"
    assert docs[0].confidentiality == Confidentiality.CONFIDENTIAL


def test_a_change_to_what_the_index_does_not_hold_costs_no_index_call(
    customer: Any, clerk: Any, calls: Calls
) -> None:
    record = upload(customer, clerk, ["存放位置不进入索引。"])
    calls.reset()
    record_update(record=record, actor=clerk, physical_location="A区3排2层")
    assert calls.index == [] and calls.remove == []


def test_a_rolled_back_change_leaves_the_index_alone(
    customer: Any, clerk: Any, staff: Any, calls: Calls
) -> None:
    record = upload(customer, clerk, ["回滚的修改不进入索引。"])
    calls.reset()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_update(record=record, actor=clerk, confidentiality=Confidentiality.SECRET)
        raise RuntimeError("the caller fails after the change")
    assert calls.index == []
    assert indexed(record, user=staff, text="回滚")
    assert not IndexChange.objects.filter(done=False).exists()


def test_a_change_outliving_a_rolled_back_savepoint_is_indexed(
    customer: Any, clerk: Any, calls: Calls
) -> None:
    """The first change (which registers the transaction's flush) sits in a savepoint that
    rolls back; the change after it, in the outer transaction, must still reach the index."""
    first = upload(customer, clerk, ["第一份记录。"])
    second = upload(customer, clerk, ["第二份记录。"])
    calls.reset()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record_update(record=first, actor=clerk, title="被回滚的标题")
                raise RuntimeError
        except RuntimeError:
            pass
        record_update(record=second, actor=clerk, title="保留下来的标题")
    assert len(calls.index) == 1
    (docs,) = calls.index
    assert {doc.title for doc in docs} == {"保留下来的标题"}


def test_sealing_tells_the_archive_and_staff_stop_finding_the_dossier(
    customer: Any, clerk: Any, users: dict[str, Any], staff: Any, calls: Calls
) -> None:
    record = upload(customer, clerk, ["封存之后员工不应找到。"])
    assert record_search(user=staff, text="封存").results.total == 1
    told: list[tuple[int, ...]] = []

    def listener(sender: Any, *, record_ids: tuple[int, ...], **kwargs: Any) -> None:
        told.append(record_ids)

    record_changed.connect(listener)
    try:
        dossier_seal(customer=customer, reason="诉讼", actor=users[roles.COMPLIANCE])
    finally:
        record_changed.disconnect(listener)
    assert told == [(record.pk,)]
    auditor = users[roles.AUDITOR]
    assert record_search(user=staff, text="封存").results.total == 0
    assert [h.reference for h in record_search(user=auditor, text="封存").results.hits] == [
        record.reference
    ]


def test_approval_and_destruction_reach_the_index(
    customer: Any, clerk: Any, users: dict[str, Any], calls: Calls
) -> None:
    record = closed_complaint_record(customer, clerk, lines=["到期销毁的投诉记录。"])
    auditor = users[roles.AUDITOR]
    request = destruction_request_propose(records=[record], actor=clerk, reason="保管期满")
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    approved = get_backend().search(
        SearchQuery(text="销毁", states=frozenset({RecordState.APPROVED})), search_scope(auditor)
    )
    assert [hit.record_id for hit in approved.hits] == [record.pk]
    destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    assert record.pk not in get_backend().indexed_records()
    assert not indexed(record, user=auditor, text="销毁")
    assert not IndexChange.objects.filter(done=False).exists()


def test_a_change_whose_index_update_was_lost_is_replayed_when_a_worker_starts(
    customer: Any, clerk: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies (here: the index fails) between the commit and the index update: the
    journal keeps the change pending, and index_recover applies it."""
    record = upload(customer, clerk, ["提交之后索引之前进程被杀死。"])
    backend = get_backend()
    real_index = backend.index

    def dead(docs: Any) -> None:
        raise OSError("killed")

    monkeypatch.setattr(backend, "index", dead)
    record_update(record=record, actor=clerk, confidentiality=Confidentiality.SECRET)
    monkeypatch.setattr(backend, "index", real_index)
    assert indexed(record, user=staff, text="索引")  # the index still has the old level
    assert IndexChange.objects.filter(done=False, record_id=record.pk).exists()
    assert index_recover() == (1, 0)
    assert not indexed(record, user=staff, text="索引")
    assert not IndexChange.objects.filter(done=False).exists()
