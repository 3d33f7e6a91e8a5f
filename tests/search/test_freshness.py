"""Issue #14 "Reindex loses concurrent edits": a record raised to secret while `dms reindex`
runs must not stay findable by staff, and every search answer is checked against the
database's current permission data before it is shown.

Real commits (``transaction=True``), the real SQLite backend, the rebuild in a thread.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.services import grant_create
from records_dms.archive.indexing import search_rebuild
from records_dms.archive.models import Record
from records_dms.archive.searching import record_search
from records_dms.archive.services import record_update
from records_dms.fixity.verify import verify_all
from tests.search.test_indexing import indexed, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(users: dict[str, Any], customer: Any) -> Any:
    """Staff (internal clearance) granted the customer."""
    user = users[roles.STAFF]
    grant_create(user=user, customer=customer, actor=users[roles.ADMINISTRATOR])
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def quotes(customer: Any, clerk: Any) -> tuple[Record, Record]:
    """Two internal records with the word 报价: one to be raised to secret, one that stays."""
    target = upload(customer, clerk, ["年度报价单与折扣条款。"], title="报价单")
    kept = upload(customer, clerk, ["公开的报价说明。"], title="报价说明")
    return target, kept


def assert_staff_sees_only(user: Any, kept: Record) -> None:
    page = record_search(user=user, text="报价")
    assert [hit.reference for hit in page.results.hits] == [kept.reference]
    shown = " ".join(f"{hit.title} {hit.snippet}" for hit in page.results.hits)
    assert "报价单" not in shown and "折扣" not in shown  # neither title nor snippet
    assert page.results.total == 1
    assert page.results.facets["customer"] == {kept.customer.code: 1}
    assert sum(page.results.facets["type"].values()) == 1
    assert sum(page.results.facets["year"].values()) == 1


def test_a_record_raised_to_secret_during_a_rebuild_stays_hidden_from_staff(
    quotes: tuple[Record, Record], clerk: Any, staff: Any
) -> None:
    target, kept = quotes
    read, resume = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def progress(pages: int) -> None:
        # Called after the rebuild has read every record (the old level included) and
        # before it swaps the new index in.
        read.set()
        assert resume.wait(60)

    def rebuild() -> None:
        try:
            search_rebuild(progress=progress)
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert read.wait(60)
        record_update(
            record=target, actor=clerk, confidentiality=Confidentiality.SECRET, reason="含报价"
        )
    finally:
        resume.set()
        thread.join(120)
    assert not thread.is_alive() and errors == []

    # The index itself holds the new level: the rebuild replayed the change.
    assert not indexed(target, user=staff, text="报价")
    assert indexed(kept, user=staff, text="报价")
    assert_staff_sees_only(staff, kept)
    findings, counts = verify_all()
    assert findings == [] and counts["indexed_records_compared"] == 2


def test_the_result_check_alone_hides_a_record_the_index_has_wrong(
    quotes: tuple[Record, Record], staff: Any
) -> None:
    """The database changed behind the index's back (no event): the index still says
    internal, and only the check against the database keeps it from staff."""
    target, kept = quotes
    Record.objects.filter(pk=target.pk).update(confidentiality=Confidentiality.SECRET)
    assert indexed(target, user=staff, text="报价")  # stale on purpose
    assert_staff_sees_only(staff, kept)
    # The search found the index wrong and indexed the record again.
    assert not indexed(target, user=staff, text="报价")


def test_verify_reports_a_record_whose_indexed_level_differs_from_the_database(
    quotes: tuple[Record, Record], staff: Any
) -> None:
    target, _kept = quotes
    Record.objects.filter(pk=target.pk).update(confidentiality=Confidentiality.SECRET)
    findings, counts = verify_all()
    assert [(f.check, f.subject, f.problem) for f in findings] == [
        (
            "search",
            target.reference,
            "confidentiality internal in the index, secret in the database; run dms reindex",
        )
    ]
    assert counts["indexed_records_compared"] == 2
    search_rebuild()
    assert verify_all()[0] == []


def test_a_hit_shows_the_databases_title_not_the_indexed_one(
    quotes: tuple[Record, Record], staff: Any
) -> None:
    target, _kept = quotes
    Record.objects.filter(pk=target.pk).update(title="年度报价单(修订)")
    hits = record_search(user=staff, text="折扣").results.hits
    assert [hit.title for hit in hits] == ["年度报价单(修订)"]


def test_a_change_the_index_missed_is_applied_before_counting(
    customer: Any, clerk: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reclassification whose index update was lost (pending in the journal) is not
    counted for staff even when the record is not among the hits shown."""
    from search import get_backend

    records = [upload(customer, clerk, [f"第{n}份报价记录。"]) for n in range(3)]
    backend = get_backend()
    real_index = backend.index

    def lost(docs: Any) -> None:
        raise OSError("killed between commit and index")

    monkeypatch.setattr(backend, "index", lost)
    record_update(record=records[0], actor=clerk, confidentiality=Confidentiality.SECRET)
    monkeypatch.setattr(backend, "index", real_index)
    assert indexed(records[0], user=staff, text="报价")
    page = record_search(user=staff, text="报价", limit=1)
    assert page.results.total == 2
    assert records[0].pk not in {hit.record_id for hit in page.results.hits}
