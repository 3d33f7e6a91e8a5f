"""A compliance officer approves a clerk's destruction list, executes it and downloads the
signed certificate, in a real browser."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from records_dms.accounts import roles
from retention.services.destruction import destruction_request_propose
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    BROWSER_LOCALE,
    PASSWORD,
    TIMEOUT_MS,
    VIEWPORT_WIDTH,
    _launch,
)
from tests.retention.helpers import closed_complaint_record


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_compliance_officer_approves_and_downloads_the_certificate(
    live_server: Any, users: Any, clerk: Any, customer: Any, tmp_path: Any
) -> None:
    compliance = users[roles.COMPLIANCE]
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
                locale=BROWSER_LOCALE,
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
            # Approving asks first: the confirmation page lists the request's records.
            expect(page.locator("table.dms-confirm-records")).to_contain_text(record.reference)
            page.locator("button[data-confirm]").click()
            expect(page.locator("dl.destruction-request")).to_have_attribute(
                "data-state", "approved"
            )
            page.locator("form.request-execute button").click()
            expect(page.locator("dl.destruction-request")).to_have_attribute(
                "data-state", "completed"
            )
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
