"""A clerk edits a record and a complaint in the Chinese UI, in Chromium: every date shown
in its picker, and nothing changed but what was edited (issue 14, data loss)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from records_dms.archive.models import ComplaintCase, ComplaintChannel, Record, Severity
from records_dms.archive.services import complaint_open, complaint_update
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    PASSWORD,
    TIMEOUT_MS,
    _launch,
    _path_is,
)
from tests.factories import make_record


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_edits_a_record_and_a_complaint_in_chinese_without_losing_a_date(
    live_server: Any, settings: Any, clerk: Any, customer: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    record = make_record(
        customer,
        actor=clerk,
        title="季度例会纪要",
        document_date=datetime.date(2024, 3, 1),
        received_date=datetime.date(2024, 3, 4),
    )
    case = complaint_open(
        customer=customer,
        channel=ComplaintChannel.DIRECT,
        subject="交货延迟",
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
    )
    complaint_update(complaint=case, actor=clerk, closed_on=datetime.date(2024, 6, 30))
    record_edit = reverse("archive:record_edit", args=[record.pk])
    complaint_edit = reverse("archive:complaint_edit", args=[case.pk])
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + reverse("wagtailadmin_login"))
            page.fill("#id_username", clerk.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(_path_is(reverse("wagtailadmin_home")))

            # The record: the browser's date pickers hold the dates (an empty picker is what
            # erased them), and only the title is changed.
            page.goto(live_server.url + record_edit)
            expect(page.locator("#id_document_date")).to_have_value("2024-03-01")
            expect(page.locator("#id_received_date")).to_have_value("2024-03-04")
            page.screenshot(path=str(Path(ARTIFACTS) / "zh-record-edit.png"), full_page=True)
            page.fill("#id_title", "季度例会纪要（修订）")
            page.locator("main form button[type=submit], main form input[type=submit]").last.click()
            page.wait_for_url(lambda url: record_edit not in url)

            # The complaint: marked major, nothing else touched.
            page.goto(live_server.url + complaint_edit)
            expect(page.locator("#id_closed_on")).to_have_value("2024-06-30")
            page.select_option("#id_severity", Severity.MAJOR)
            page.locator("main form button[type=submit], main form input[type=submit]").last.click()
            page.wait_for_url(lambda url: complaint_edit not in url)
        finally:
            browser.close()

    record = Record.objects.get(pk=record.pk)
    assert record.title == "季度例会纪要（修订）"
    assert (record.document_date, record.received_date) == (
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 4),
    )
    case = ComplaintCase.objects.get(pk=case.pk)
    assert case.severity == Severity.MAJOR
    assert case.closed_on == datetime.date(2024, 6, 30)
    assert case.subject == "交货延迟"
