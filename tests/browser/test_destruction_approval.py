"""A compliance officer approves a clerk's destruction list, executes it with two witnesses
(监销人) drawing their signatures on the confirmation page, watches the progress and downloads
the signed certificate (销毁清册), in a real browser in Chinese."""

from __future__ import annotations

import hashlib
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from records_dms.accounts import roles
from retention.services.destruction import destruction_request_propose
from retention.services.execution import destruction_run
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    PASSWORD,
    TIMEOUT_MS,
    VIEWPORT_WIDTH,
    _launch,
)
from tests.browser.test_handover import _sign
from tests.retention.helpers import closed_complaint_record


def _work(request_id: int) -> None:
    """What the task worker does, in a thread of its own (Playwright's holds an event loop)."""
    try:
        destruction_run(request_id)
    finally:
        connection.close()


STROKES = [
    [[(40, 120), (90, 50), (140, 130), (200, 60), (260, 120)], [(60, 150), (300, 140)]],
    [[(30, 60), (120, 140), (180, 40), (240, 140)], [(80, 100), (320, 90)]],
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_compliance_officer_approves_and_downloads_the_certificate(
    live_server: Any, users: Any, clerk: Any, customer: Any, tmp_path: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    # Execution is queued, not run at once, so that the page has progress to poll.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    compliance = users[roles.COMPLIANCE]
    auditor = users[roles.AUDITOR]
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk, reason="保管期满")
    requests_path = reverse("retention:requests")
    request_path = reverse("retention:request", args=[request.pk])
    login_path = reverse("wagtailadmin_login")
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context = browser.new_context(
                locale="zh-CN",
                viewport={"width": VIEWPORT_WIDTH, "height": 900},
                accept_downloads=True,
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + login_path)
            page.fill("#id_username", compliance.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(lambda url: urlsplit(url).path == reverse("wagtailadmin_home"))

            page.goto(live_server.url + requests_path)
            page.get_by_role("link", name=request.number).click()
            page.wait_for_url(lambda url: urlsplit(url).path == request_path)
            expect(page.locator("table.listing")).to_contain_text(record.reference)

            page.locator("form.request-approve button").click()
            expect(page.locator("dl.destruction-request")).to_have_attribute(
                "data-state", "approved"
            )
            page.locator("a.request-execute").click()
            expect(page.locator("section.destruction-inventory")).to_have_attribute(
                "data-total", "1"
            )
            expect(page.locator("table.inventory")).to_contain_text(record.reference)
            form = page.locator("form.destruction-execute")
            form.locator("#id_witness_1_user").select_option(value=str(auditor.pk))
            _sign(page, "#id_witness_1_signature-pad", STROKES[0])
            form.locator("#id_witness_2_name").fill("赵六")
            form.locator("#id_witness_2_unit").fill("纪检监察室")
            _sign(page, "#id_witness_2_signature-pad", STROKES[1])
            page.screenshot(path=str(ARTIFACTS / "destruction-execute-zh.png"), full_page=True)
            form.locator("button[type=submit]").click()
            page.wait_for_url(lambda url: urlsplit(url).path == request_path)
            # The worker has not run yet: the page shows the run and asks how far it is.
            expect(page.locator(".destruction-progress")).to_have_attribute(
                "data-state", "executing"
            )
            worker = threading.Thread(target=_work, args=(request.pk,))
            worker.start()  # the worker, while the page keeps polling
            worker.join()
            expect(page.locator("dl.destruction-request")).to_have_attribute(
                "data-state", "completed"
            )
            expect(page.locator(".destruction-progress progress")).to_have_attribute("value", "1")
            expect(page.locator(".destruction-witnesses")).to_contain_text("赵六")
            with page.expect_download() as download_info:
                page.locator("a.certificate-download").click()
            download = download_info.value
            target = tmp_path / download.suggested_filename
            download.save_as(str(target))
            page.screenshot(path=str(ARTIFACTS / "destruction-request.png"), full_page=True)
            context.close()
        finally:
            browser.close()

    assert target.name.startswith("XHJL-") and target.read_bytes().startswith(b"%PDF")
    request.refresh_from_db()
    assert request.state == "completed"
    assert request.certificate.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    witnesses = list(request.witnesses.order_by("position"))
    assert [(w.user, w.name, w.unit) for w in witnesses] == [
        (auditor, "auditor", ""),
        (None, "赵六", "纪检监察室"),
    ]
    assert all(len(w.sha256) == 64 for w in witnesses)
