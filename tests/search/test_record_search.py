"""Searching as a user: filing feeds the index, permissions trim, searches are audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.services import grant_create
from records_dms.archive.indexing import search_rebuild
from records_dms.archive.models import Customer, Record
from records_dms.archive.searching import SearchFilters, record_search
from records_dms.archive.services import record_update
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from search import get_backend
from tests.factories import CustomerFactory, file_pdf, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Two customers' filed records, one confidential, one in a sealed dossier."""
    other = CustomerFactory.create(code="KH-0102")
    sealed = CustomerFactory.create(code="KH-0199")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_pdf(customer, actor=clerk)
        secret_minutes = make_record(
            customer, title="投诉处理会议纪要", confidentiality=Confidentiality.CONFIDENTIAL,
            actor=clerk,
        )  # fmt: skip
        other_complaint = file_pdf(
            other, actor=clerk, lines=["客户来电投诉维修响应不及时。", "使用碎纸机销毁。"]
        )
        sealed_complaint = make_record(sealed, title="投诉档案(封存)", actor=clerk)
    Customer.objects.filter(pk=sealed.pk).update(sealed=True)  # retention's dossier_seal, bare
    return {
        "complaint": complaint,
        "secret_minutes": secret_minutes,
        "other_complaint": other_complaint,
        "sealed_complaint": sealed_complaint,
        "other": other,
    }


def references(page: Any) -> set[str]:
    return {hit.reference for hit in page.results.hits}


def test_a_filed_pdf_is_found_by_a_two_character_word_with_page_and_highlight(
    archive: dict[str, Any], users: dict[str, Any]
) -> None:
    page = record_search(user=users[roles.AUDITOR], text="档案")
    hit = next(h for h in page.results.hits if h.reference == archive["complaint"].reference)
    assert hit.page == 1
    assert "<mark>档案</mark>" in hit.snippet


def test_staff_see_only_granted_customers_and_cleared_levels_even_in_counts_and_facets(
    archive: dict[str, Any], customer: Any, users: dict[str, Any]
) -> None:
    staff = users[roles.STAFF]
    assert record_search(user=staff, text="投诉").results.total == 0
    grant_create(user=staff, customer=customer, actor=users[roles.ADMINISTRATOR])
    staff = type(staff).objects.get(pk=staff.pk)  # fresh policy facts
    page = record_search(user=staff, text="投诉")
    assert references(page) == {archive["complaint"].reference}
    assert page.results.total == 1
    assert page.results.facets["customer"] == {"KH-0101": 1}
    filtered = record_search(user=staff, text="投诉", filters=SearchFilters(customers=("KH-0102",)))
    assert filtered.results.total == 0 and filtered.results.hits == []


def test_clerks_search_every_dossier_but_a_sealed_one_which_auditors_and_compliance_see(
    archive: dict[str, Any], users: dict[str, Any]
) -> None:
    clerked = references(record_search(user=users[roles.CLERK], text="投诉"))
    assert clerked == {
        archive["complaint"].reference,
        archive["secret_minutes"].reference,
        archive["other_complaint"].reference,
    }
    for role in (roles.AUDITOR, roles.COMPLIANCE):
        assert archive["sealed_complaint"].reference in references(
            record_search(user=users[role], text="投诉")
        )


def test_filters_by_customer_type_and_date(archive: dict[str, Any], users: dict[str, Any]) -> None:
    clerk = users[roles.CLERK]  # archive-wide, but the sealed dossier stays out
    by_type = record_search(
        user=clerk, text="投诉", filters=SearchFilters(record_types=("minutes",))
    )
    assert references(by_type) == {archive["secret_minutes"].reference}
    by_customer = record_search(
        user=clerk, text="投诉", filters=SearchFilters(customers=("KH-0102",))
    )
    assert references(by_customer) == {archive["other_complaint"].reference}
    late = record_search(
        user=clerk, text="投诉", filters=SearchFilters(date_from=datetime.date(2024, 4, 1))
    )
    assert archive["secret_minutes"].reference not in references(late)  # dated 2024-03-01
    assert archive["complaint"].reference in references(late)


def test_every_search_is_audited_with_query_filters_and_hit_count(
    archive: dict[str, Any], users: dict[str, Any]
) -> None:
    auditor = users[roles.AUDITOR]
    record_search(user=auditor, text="碎纸机", filters=SearchFilters(customers=("KH-0102",)))
    event = AuditEvent.objects.filter(action=events.SEARCHED).latest("sequence")
    assert event.actor_id == auditor.pk
    assert event.customer_code == "KH-0102"
    assert event.data == {"query": "碎纸机", "filters": {"customers": ["KH-0102"]}, "hits": 1}


def test_metadata_changes_reach_the_index_at_commit(
    archive: dict[str, Any],
    clerk: Any,
    users: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    record = archive["complaint"]
    with django_capture_on_commit_callbacks(execute=True):
        record_update(record=record, actor=clerk, title="供应商合同评审", reason="更正标题")
    assert record.reference in references(record_search(user=users[roles.AUDITOR], text="合同评审"))
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=record.customer, actor=users[roles.ADMINISTRATOR])
    staff = type(staff).objects.get(pk=staff.pk)
    with django_capture_on_commit_callbacks(execute=True):
        record_update(
            record=record, actor=clerk, confidentiality=Confidentiality.CONFIDENTIAL, reason="涉密"
        )
    assert record_search(user=staff, text="档案").results.total == 0


def test_a_rolled_back_filing_leaves_nothing_in_the_index(customer: Any, clerk: Any) -> None:
    # Inside the test's transaction nothing commits, so nothing may be indexed.
    record = make_record(customer, title="未提交的记录", actor=clerk)
    assert record.pk not in get_backend().indexed_records()


def test_rebuild_indexes_every_live_record_again(
    archive: dict[str, Any], users: dict[str, Any]
) -> None:
    get_backend().clear()
    assert record_search(user=users[roles.AUDITOR], text="投诉").results.total == 0
    pages = search_rebuild(actor=users[roles.ADMINISTRATOR])
    assert pages == sum(max(1, r.pages.count()) for r in Record.objects.all())
    # Auditors see the sealed dossier too: 3 open + 1 sealed.
    assert record_search(user=users[roles.AUDITOR], text="投诉").results.total == 4
    assert AuditEvent.objects.filter(action=events.SEARCH_REBUILT).count() == 1


def test_verify_names_records_missing_from_the_index_until_a_reindex(
    archive: dict[str, Any], users: dict[str, Any]
) -> None:
    from records_dms.fixity.verify import verify_all

    assert not [f for f in verify_all()[0] if f.check == "search"]
    get_backend().remove([archive["complaint"].pk])
    findings = [f for f in verify_all()[0] if f.check == "search"]
    assert [(f.subject, f.problem) for f in findings] == [
        (archive["complaint"].reference, "not in the search index; run dms reindex")
    ]
    search_rebuild(actor=users[roles.ADMINISTRATOR])
    assert not [f for f in verify_all()[0] if f.check == "search"]
