"""The to-do (待办事项) on the home: each role's items equal what the database holds, every
item and line opens for that role, and the home's search box leads to the records search."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ingestion.models import IngestionJob, JobStatus
from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit import events as audit_events
from records_dms.audit.services import audit_log
from records_dms.common.todo import todo_for
from records_dms.fixity.models import FixityCheck
from records_dms.lending.models import Loan
from records_dms.lending.overdue import loans_mark_overdue
from records_dms.lending.services import loan_approve, loan_request
from records_dms.reports.services import report_export_log
from retention.services.deletion import deletion_request_register
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_propose,
)
from retention.services.holds import hold_place
from tests.conftest import client_for
from tests.factories import make_record
from tests.lending.helpers import loan_out
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(users, customer, clerk) -> dict[str, Any]:
    """One of everything a role's to-do lists."""
    staff, auditor = users[roles.STAFF], users[roles.AUDITOR]
    compliance = users[roles.COMPLIANCE]
    grant_create(user=staff, customer=customer, actor=clerk)
    late = loan_out(
        make_record(customer, title="逾期"), borrower=staff, approver=clerk, clerk=clerk
    )
    Loan.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 10))
    loans_mark_overdue(today=timezone.localdate())
    approved = loan_request(
        actor=staff, items=[(make_record(customer, title="待取"), "paper")], purpose="审核准备"
    )
    loan_approve(loan=approved, actor=clerk)
    asked = loan_request(
        actor=staff, items=[(make_record(customer, title="待批"), "paper")], purpose="查阅"
    )
    secret = make_record(customer, title="机密合同", confidentiality="confidential")
    classified = loan_request(actor=auditor, items=[(secret, "paper")], purpose="审核")
    IngestionJob.objects.create(
        customer=customer, record_type="minutes", original_name="坏文件.pdf",
        status=JobStatus.FAILED, reason="PDF 已损坏",
    )  # fmt: skip
    due = closed_complaint_record(customer, clerk, pdf=False)
    waiting = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    ready = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    destruction_request_approve(request=ready, actor=compliance)
    hold = hold_place(actor=compliance, reason="诉讼保全", records=[due])
    deletion = deletion_request_register(
        customer=customer, received_on=datetime.date(2026, 2, 1), requester="张三", actor=compliance
    )
    FixityCheck.objects.create(
        record=secret, checked_at=timezone.now(), ok=False, problem="damaged"
    )
    audit_log(action=audit_events.SEARCHED, actor=auditor, data={"query": "投诉", "hits": 3})
    report_export_log(report="catalogue", file_format="xlsx", actor=auditor, rows=4, params={})
    audit_log(action=audit_events.LOGIN_LOCKED, actor_name="mallory", data={})
    return {
        "late": late, "approved": approved, "asked": asked, "classified": classified,
        "due": due, "waiting": waiting, "ready": ready, "hold": hold, "deletion": deletion,
    }  # fmt: skip


def counts(user: Any) -> dict[str, int]:
    return {item.key: item.count for item in todo_for(user)}


def test_clerk_todo(clerk, day):
    assert counts(clerk) == {
        "lending_approve": 1,  # the staff's internal request (not the confidential one)
        "lending_checkout": 1,
        "lending_overdue": 1,
        "ingestion_failed": 1,
        "retention_due": 1,  # the due record not on a request
        "retention_execute": 1,
    }
    items = {item.key: item for item in todo_for(clerk)}
    assert items["lending_overdue"].warn and items["ingestion_failed"].warn
    assert [line.url for line in items["lending_checkout"].lines] == [
        reverse("lending:checkout", args=[day["approved"].pk])
    ]
    assert [line.url for line in items["retention_execute"].lines] == [
        reverse("retention:request", args=[day["ready"].pk])
    ]
    assert day["due"].reference in items["retention_due"].lines[0].text


def test_compliance_todo(users, day):
    compliance = users[roles.COMPLIANCE]
    assert counts(compliance) == {
        "lending_approve": 1,  # only the confidential one
        "retention_approve": 1,
        "retention_holds": 1,
        "retention_deletions": 1,
        "fixity_incidents": 1,
    }
    items = {item.key: item for item in todo_for(compliance)}
    assert [line.url for line in items["lending_approve"].lines] == [
        f"{reverse('lending:queue')}#{day['classified'].number}"
    ]
    assert items["retention_approve"].lines[0].url == reverse(
        "retention:request", args=[day["waiting"].pk]
    )


def test_auditor_todo(users, day):
    auditor = users[roles.AUDITOR]
    assert counts(auditor) == {
        "lending_mine_out": 0,
        "lending_mine_requests": 1,
        "reports_searches": 1,
        "reports_exports": 1,
        "audit_incidents": 1,
    }
    items = {item.key: item for item in todo_for(auditor)}
    assert "q=%E6%8A%95%E8%AF%89" in items["reports_searches"].lines[0].url


def test_staff_todo_shows_own_loans_with_due_dates(users, day):
    staff = users[roles.STAFF]
    assert counts(staff) == {"lending_mine_out": 1, "lending_mine_requests": 2}
    out = {item.key: item for item in todo_for(staff)}["lending_mine_out"]
    assert out.warn and "2026-01-10" in str(out.lines[0].text)


def test_an_empty_day_says_so(users):
    page = client_for(users[roles.STAFF]).get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="todo"' in page and "Nothing waiting for you today." in page


@pytest.mark.parametrize("role", [roles.CLERK, roles.COMPLIANCE, roles.AUDITOR, roles.STAFF])
def test_every_item_and_line_opens_for_its_role(role, users, day):
    client = client_for(users[role])
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    page = home.content.decode()
    for item in todo_for(users[role]):
        assert f'data-todo="{item.key}" data-count="{item.count}"' in page
        for url in {item.url, *(line.url for line in item.lines)}:
            assert client.get(url).status_code == 200, (role, item.key, url)


@pytest.mark.parametrize("role", [roles.CLERK, roles.COMPLIANCE, roles.AUDITOR, roles.STAFF])
def test_the_home_search_box_leads_to_the_record_search(role, users):
    """Defect: the home's search box sent every role to Wagtail's page explorer (refused)."""
    client = client_for(users[role])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'action="{reverse("wagtailadmin_explore_root")}' not in page
    assert f'action="{reverse("archive:search")}"' in page
    assert client.get(reverse("archive:search"), {"q": "投诉"}).status_code == 200


def test_no_search_box_for_a_role_that_may_not_search(users):
    page = client_for(users[roles.ADMINISTRATOR]).get(reverse("wagtailadmin_home"))
    assert page.status_code == 200
    assert f'action="{reverse("archive:search")}"' not in page.content.decode()


def test_the_todo_is_nobodys_when_signed_out(client):
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_staff_sees_a_refusal_for_a_month(users, customer, clerk):
    from records_dms.lending.services import loan_refuse

    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    old, new = (
        loan_request(actor=staff, items=[(make_record(customer, title=t), "paper")], purpose="查")
        for t in ("旧", "新")
    )
    for loan in (old, new):
        loan_refuse(loan=loan, actor=clerk, reason="不符合用途")
    Loan.objects.filter(pk=old.pk).update(decided_at=timezone.now() - datetime.timedelta(days=31))
    item = {i.key: i for i in todo_for(staff)}["lending_mine_requests"]
    assert item.count == 1 and new.number in str(item.lines[0].text)
