"""Each role's working day in the Chinese UI, in real Chromium: sign in, read the to-do
(待办事项), act on its items (confirming what asks first), see the to-do change. One browser
and one sign-in per role; each home is photographed into test-artifacts/home-<role>.png."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit import events as audit_events
from records_dms.audit.services import audit_log
from records_dms.lending.models import Loan, LoanState
from records_dms.lending.overdue import loans_mark_overdue
from records_dms.lending.services import loan_request
from retention.models import DestructionRequest, LegalHold, RequestState
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_propose,
)
from tests.browser.test_clerk_journey import ARTIFACTS, PASSWORD, TIMEOUT_MS, _launch
from tests.factories import make_record
from tests.lending.helpers import loan_out
from tests.retention.helpers import closed_complaint_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOME = "/admin/"


@pytest.fixture(autouse=True)
def chinese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


@contextmanager
def signed_in(live_server: Any, user: Any) -> Iterator[Page]:
    """A Chinese browser signed in as ``user`` through the login form, on the home."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + reverse("wagtailadmin_login"))
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(lambda url: urlsplit(url).path == HOME)
            expect(page.locator("#panel-todo h2")).to_contain_text("待办事项")
            yield page
            context.close()
        finally:
            browser.close()


def todo(page: Page, key: str) -> Any:
    return page.locator(f'[data-todo="{key}"]')


def count_is(page: Page, key: str, count: int) -> None:
    expect(todo(page, key)).to_have_attribute("data-count", str(count))


def photograph(page: Page, role: str) -> None:
    height = page.locator("main#main").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": int(height) + 40})
    page.screenshot(path=str(ARTIFACTS / f"home-{role}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def path_is(path: str) -> Callable[[str], bool]:
    return lambda url: urlsplit(url).path == path


def test_clerk_day(live_server: Any, users: Any, clerk: Any, customer: Any) -> None:
    staff, compliance = users[roles.STAFF], users[roles.COMPLIANCE]
    grant_create(user=staff, customer=customer, actor=clerk)
    asked = loan_request(
        actor=staff, items=[(make_record(customer, title="待批纪要"), "paper")], purpose="查阅"
    )
    due = closed_complaint_record(customer, clerk, pdf=False)
    ready = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk, pdf=False)], actor=clerk
    )
    destruction_request_approve(request=ready, actor=compliance)
    with signed_in(live_server, clerk) as page:
        count_is(page, "lending_approve", 1)
        count_is(page, "retention_due", 1)
        count_is(page, "retention_execute", 1)
        expect(todo(page, "retention_due")).to_contain_text(due.reference)
        photograph(page, "clerk")
        # Approve the loan from the approval queue the to-do line opens.
        todo(page, "lending_approve").locator("ul a").first.click()
        row = page.locator(f'tr[id="{asked.number}"]')
        row.locator("button[value=approve]").click()
        page.goto(live_server.url + HOME)
        count_is(page, "lending_approve", 0)
        count_is(page, "lending_checkout", 1)
        # Propose the due record from the review queue.
        todo(page, "retention_due").locator("a").first.click()
        page.wait_for_url(path_is(reverse("retention:queue")))
        page.locator(f'input[name=reference][value="{due.reference}"]').check()
        page.locator("button[value=propose]").click()
        expect(page.locator("dl.destruction-request")).to_have_attribute("data-state", "submitted")
        page.goto(live_server.url + HOME)
        count_is(page, "retention_due", 0)
        # The approved list waiting for execution is one click away.
        todo(page, "retention_execute").locator("ul a").first.click()
        page.wait_for_url(path_is(reverse("retention:request", args=[ready.pk])))
        expect(page.locator("a.request-execute")).to_be_visible()  # to the witnessed inventory
    assert Loan.objects.get(pk=asked.pk).state == LoanState.APPROVED
    assert DestructionRequest.objects.filter(items__record=due).exists()


def test_compliance_officer_day(live_server: Any, users: Any, clerk: Any, customer: Any) -> None:
    compliance = users[roles.COMPLIANCE]
    record = closed_complaint_record(customer, clerk, pdf=False)
    waiting = destruction_request_propose(records=[record], actor=clerk, reason="保管期满")
    to_hold = make_record(customer, title="诉讼相关合同", type="contract")
    with signed_in(live_server, compliance) as page:
        count_is(page, "retention_approve", 1)
        count_is(page, "retention_holds", 0)
        photograph(page, "compliance")
        # Approve: the confirmation page lists the request's record first.
        todo(page, "retention_approve").locator("ul a").first.click()
        page.locator("form.request-approve button").click()
        expect(page.locator("table.dms-confirm-records")).to_contain_text(record.reference)
        expect(page.locator(".dms-confirm-count")).to_contain_text("共涉及 1 件文件")
        page.locator("button[data-confirm]").click()
        expect(page.locator("dl.destruction-request")).to_have_attribute("data-state", "approved")
        page.goto(live_server.url + HOME)
        count_is(page, "retention_approve", 0)
        # Place a hold: the preview names the record, nothing is held until confirmed.
        page.goto(live_server.url + reverse("retention:hold_new"))
        page.fill("#id_reason", "诉讼保全")
        page.fill("#id_references", to_hold.reference)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("table.dms-confirm-records")).to_contain_text(to_hold.reference)
        page.locator("button[data-confirm]").click()
        page.wait_for_url(lambda url: "/retention/holds/" in url and url.rstrip("/")[-1].isdigit())
        page.goto(live_server.url + HOME)
        count_is(page, "retention_holds", 1)
    assert DestructionRequest.objects.get(pk=waiting.pk).state == RequestState.APPROVED
    assert list(LegalHold.objects.get().records.all()) == [to_hold]


def test_auditor_day(live_server: Any, users: Any, clerk: Any, customer: Any) -> None:
    auditor = users[roles.AUDITOR]
    make_record(customer, title="投诉处理记录", type="complaint_handling")
    audit_log(action=audit_events.LOGIN_LOCKED, actor_name="mallory", data={})
    with signed_in(live_server, auditor) as page:
        count_is(page, "audit_incidents", 1)
        count_is(page, "reports_searches", 0)
        # The home's search box searches records (it used to open a refused page).
        page.fill("#todo-search", "投诉")
        page.locator("form.dms-todo-search button").click()
        page.wait_for_url(path_is(reverse("archive:search")))
        page.goto(live_server.url + HOME)
        count_is(page, "reports_searches", 1)
        expect(todo(page, "reports_searches")).to_contain_text("投诉")
        photograph(page, "auditor")
        todo(page, "reports_searches").locator("ul a").first.click()
        page.wait_for_url(path_is(reverse("archive:search")))
        page.goto(live_server.url + HOME)
        todo(page, "audit_incidents").locator("ul a").first.click()
        page.wait_for_url(path_is(reverse("audit:audit")))
        expect(page.locator("main")).to_contain_text("mallory")


def test_staff_day(live_server: Any, users: Any, clerk: Any, customer: Any) -> None:
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    late = loan_out(
        make_record(customer, title="逾期纪要"), borrower=staff, approver=clerk, clerk=clerk
    )
    Loan.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 10))
    loans_mark_overdue(today=timezone.localdate())
    loan_request(
        actor=staff, items=[(make_record(customer, title="新申请"), "paper")], purpose="查阅"
    )
    with signed_in(live_server, staff) as page:
        count_is(page, "lending_mine_out", 1)
        count_is(page, "lending_mine_requests", 1)
        expect(todo(page, "lending_mine_out")).to_contain_text("2026-01-10")
        expect(todo(page, "lending_mine_out")).to_contain_text("逾期")
        photograph(page, "staff")
        page.fill("#todo-search", "纪要")
        page.locator("form.dms-todo-search button").click()
        page.wait_for_url(path_is(reverse("archive:search")))
        page.goto(live_server.url + HOME)
        todo(page, "lending_mine_out").locator("ul a").first.click()
        page.wait_for_url(path_is(reverse("lending:loan", args=[late.pk])))
        expect(page.locator("main")).to_contain_text(late.number)


def test_reindex_progress_moves_without_reloading(live_server: Any, users: Any) -> None:
    """The reindex page's script polls the status JSON: the bar and the count move and the
    state turns finished while the page stays the same page (no reload)."""
    import threading

    from records_dms.archive.models import SearchRebuild

    rebuild = SearchRebuild.objects.create(total=10, done=3)

    def worker_finishes() -> None:  # another thread: the ORM refuses Playwright's loop thread
        SearchRebuild.objects.filter(pk=rebuild.pk).update(done=10, finished_at=timezone.now())

    with signed_in(live_server, users[roles.ADMINISTRATOR]) as page:
        page.goto(live_server.url + reverse("archive:reindex"))
        expect(page.locator("#reindex-done")).to_have_text("3")
        expect(page.locator("#reindex-state")).to_have_text("进行中…")
        page.evaluate("window.stillThisPage = true")
        thread = threading.Thread(target=worker_finishes)
        thread.start()
        thread.join()
        expect(page.locator("#reindex-state")).to_have_text("已完成。")
        expect(page.locator("#reindex-done")).to_have_text("10")
        assert page.evaluate("window.stillThisPage") is True
        page.screenshot(path=str(ARTIFACTS / "reindex-progress.png"))
