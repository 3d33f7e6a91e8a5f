"""A records clerk logs in, opens a customer's dossier from the list and reads it in Chinese."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect, sync_playwright

from records_dms.archive.models import ComplaintChannel, Severity
from records_dms.archive.services import complaint_open, volume_create

from ..factories import file_pdf

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
PASSWORD = "correct horse battery"  # what UserFactory sets


def _catalogue_references(browser_page: Any, volume_title: str) -> list[str]:
    """References listed under one volume heading, top to bottom."""
    heading = browser_page.locator("h3.volume-title", has_text=volume_title)
    expect(heading).to_have_count(1)
    table = heading.locator("xpath=following-sibling::table[contains(@class, 'catalogue')][1]")
    return [text.strip() for text in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]


def _launch(playwright: Any) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerk_reads_dossier_catalogue_and_registers_in_chinese(
    live_server: Any, settings: Any, clerk: Any, customer: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"

    # A volume with two records filed out of date order, and a major complaint with its record.
    volume = volume_create(customer=customer, title="2024年度顾客投诉", actor=clerk)
    later = file_pdf(
        customer, actor=clerk, volume=volume, title="六月投诉登记",
        document_date=datetime.date(2024, 6, 10),
    )
    earlier = file_pdf(
        customer, actor=clerk, volume=volume, title="三月投诉登记",
        document_date=datetime.date(2024, 3, 2),
    )
    case = complaint_open(
        customer=customer, channel=ComplaintChannel.FORWARDED_PHONE,
        subject="主轴异响", opened_on=datetime.date(2024, 5, 6), actor=clerk,
        severity=Severity.MAJOR,
    )
    major_record = file_pdf(customer, actor=clerk, complaint=case, title="重大投诉登记")
    case.refresh_from_db()
    major_record.refresh_from_db()
    assert case.volume is not None
    assert major_record.volume_id == case.volume_id
    assert later.reference < earlier.reference  # filing order is the reverse of date order

    dossier_path = reverse("web:dossier", args=[customer.pk])
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            # A browser without a session is sent to the login form.
            anonymous = browser.new_context(locale="zh-CN")
            page = anonymous.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + dossier_path)
            url = urlsplit(page.url)
            assert url.path == reverse("wagtailadmin_login")
            assert dossier_path in url.query
            expect(page.locator("#id_username")).to_be_visible()
            anonymous.close()

            # The clerk logs in through the form and opens the dossier from the customer list.
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + reverse("wagtailadmin_login"))
            page.fill("#id_username", clerk.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(lambda u: urlsplit(u).path == reverse("wagtailadmin_home"))

            page.goto(live_server.url + reverse("customers:index"))
            page.get_by_role("link", name=customer.code, exact=True).click()
            page.wait_for_url(lambda u: urlsplit(u).path == dossier_path)

            expect(page.locator("h2#catalogue")).to_have_text("卷内目录")
            expect(page.locator("h1")).to_contain_text(customer.name)

            # Within its volume the catalogue runs by document date, not by filing order.
            volume_title = f"第 {volume.number} 卷:{volume.title}"
            assert _catalogue_references(page, volume_title) == [
                earlier.reference,
                later.reference,
            ]
            assert earlier.reference.startswith(f"{customer.code}-TS-2024-")

            # The major complaint has a volume of its own, holding its record.
            major_title = f"第 {case.volume.number} 卷:{case.volume.title}"
            assert case.volume.title.startswith(f"重大投诉 {case.number}")
            assert _catalogue_references(page, major_title) == [major_record.reference]

            # Forwarded and directly received complaints are two registers.
            expect(page.locator("h2#register-forwarded")).to_have_text("公司转呈投诉")
            expect(page.locator("h2#register-direct")).to_have_text("直接受理投诉")
            forwarded_row = page.locator("table[data-register=forwarded] tbody tr", has_text=case.number)
            expect(forwarded_row.locator("td").nth(6)).to_have_text(str(case.volume.number))

            page.screenshot(path=str(ARTIFACTS / "clerk-dossier.png"), full_page=True)
            context.close()
        finally:
            browser.close()
